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
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, TerritoryLoaders loaders, IOptions<PagingOptions> paging, SpatialArguments spatial)
    {
        root.Field<NonNullGraphType<TerritoryConnectionGraphType>>("territories")
            .Description("Territories, ordered by KATO, filtered by level, parent and space.")
            .Argument<TerritoryLevelGraphType>("level")
            .Argument<StringGraphType>("parentKato", "Only the children of this territory.")
            .Argument<ListGraphType<NonNullGraphType<FloatGraphType>>>("bbox",
                "[minLon, minLat, maxLon, maxLat] in WGS 84 (or [minX, minY, maxX, maxY] in `crs`); territories that intersect it.")
            .Argument<GeometryGraphType>("intersects", "Territories that intersect this geometry.")
            .Argument<GeometryGraphType>("containsPoint", "Territories that contain this Point (boundary included).")
            .Argument<IntGraphType>("crs", "EPSG code of `bbox`, `intersects` and `containsPoint` (default 4326, WGS 84).")
            .Argument<IntGraphType>("first", $"Page size (default {paging.Value.DefaultPageSize}, at most {paging.Value.MaxPageSize}).")
            .Argument<StringGraphType>("after", "endCursor of the previous page.")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
                var ct = ctx.CancellationToken;
                var filter = new TerritoryFilter(
                    Scope: ctx.Caller().Scope,
                    Level: ctx.GetArgument<TerritoryLevel?>("level"),
                    ParentKato: ctx.GetArgument<string?>("parentKato"),
                    BBox: await spatial.BoxAsync(ctx.GetArgument<List<double>?>("bbox"), epsg, "bbox", ct),
                    Intersects: ctx.GetArgument<Geometry?>("intersects") is { } shape ? await spatial.GeometryAsync(shape, epsg, "intersects", ct) : null,
                    ContainsPoint: ctx.GetArgument<Geometry?>("containsPoint") is { } point ? await spatial.PointAsync(point, epsg, "containsPoint", ct) : null,
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
