using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Territories;

internal static class TerritoryQueries
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, TerritoryLoaders loaders, IOptions<PagingOptions> paging, GeometryRules rules)
    {
        root.Field<NonNullGraphType<TerritoryConnectionGraphType>>("territories")
            .Description("Territories, ordered by KATO, filtered by level, parent and space.")
            .Argument<TerritoryLevelGraphType>("level")
            .Argument<StringGraphType>("parentKato", "Only the children of this territory.")
            .Argument<ListGraphType<NonNullGraphType<FloatGraphType>>>("bbox", "[minLon, minLat, maxLon, maxLat] in WGS 84; territories that intersect it.")
            .Argument<GeometryGraphType>("intersects", "Territories that intersect this geometry.")
            .Argument<GeometryGraphType>("containsPoint", "Territories that contain this Point (boundary included).")
            .Argument<IntGraphType>("first", $"Page size (default {paging.Value.DefaultPageSize}, at most {paging.Value.MaxPageSize}).")
            .Argument<StringGraphType>("after", "endCursor of the previous page.")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var filter = new TerritoryFilter(
                    Scope: ctx.Caller().Scope,
                    Level: ctx.GetArgument<TerritoryLevel?>("level"),
                    ParentKato: ctx.GetArgument<string?>("parentKato"),
                    BBox: BoundingBox.From(ctx.GetArgument<List<double>?>("bbox")),
                    Intersects: ctx.GetArgument<Geometry?>("intersects") is { } shape ? rules.Check(shape, "intersects") : null,
                    ContainsPoint: ctx.GetArgument<Geometry?>("containsPoint") is { } point ? rules.CheckPoint(point, "containsPoint") : null,
                    Paging: Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value));
                return await TerritoryDb.ListAsync(db, filter, ctx.CancellationToken);
            });

        root.Field<TerritoryGraphType>("territory")
            .Description("One territory by its 9-digit KATO code; null when there is none.")
            .Argument<NonNullGraphType<StringGraphType>>("kato")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx =>
            {
                var kato = ctx.GetArgument<string>("kato");
                if (kato.Length != 9 || !kato.All(char.IsAsciiDigit))
                {
                    throw new BadUserInputException("kato must be 9 digits", "kato");
                }

                // Outside the token's territories a unit is as good as absent.
                return ctx.Caller().Scope.Covers(kato) ? loaders.TerritoryByKato(ctx, kato) : null;
            });
    }
}
