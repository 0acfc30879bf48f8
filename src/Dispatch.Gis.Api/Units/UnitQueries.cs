using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Units;

internal static class UnitQueries
{
    public const int MaxNearest = 100;

    public static void AddTo(ObjectGraphType root, ReadRouting reads, UnitLoaders loaders, SpatialArguments spatial, IOptions<PagingOptions> paging)
    {
        var units = root.Field<NonNullGraphType<UnitConnectionGraphType>>("units")
            .Description("Response units, filtered by space, profile, status and service.");
        SpatialArguments.AddTo(units);
        units.Argument<UnitProfileGraphType>("profile")
            .Argument<UnitStatusGraphType>("status")
            .Argument<IdGraphType>("service")
            .Argument<DateTimeGraphType>("changedSince",
                "Only units whose latest fix (device time) or status change is later than this: what a map polling for changes asks.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await UnitDb.ListAsync(reads.For(ctx.Caller()), await FilterAsync(ctx, spatial, paging.Value), ctx.CancellationToken));

        root.Field<UnitGraphType>("unit")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.UnitById(ctx, ctx.GetId("id")));

        root.Field<NonNullGraphType<UnitConnectionGraphType>>("nearestUnits")
            .Description("The units closest to a point, nearest first, with their distance on the WGS 84 spheroid.")
            .Argument<NonNullGraphType<GeometryGraphType>>("point")
            .Argument<IntGraphType>("crs", "EPSG code of the point (default 4326).")
            .Argument<UnitProfileGraphType>("profile")
            .Argument<UnitStatusGraphType>("status")
            .Argument<IdGraphType>("service")
            .Argument<FloatGraphType>("maxDistanceMeters")
            .Argument<IntGraphType>("first", $"How many (default 10, at most {MaxNearest}).")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var first = ctx.GetArgument<int?>("first") ?? 10;
                if (first is < 1 or > MaxNearest)
                {
                    throw new BadUserInputException($"first must be 1 to {MaxNearest}", "first");
                }

                var max = ctx.GetArgument<double?>("maxDistanceMeters");
                if (max is { } m && (!double.IsFinite(m) || m <= 0 || m > SpatialArguments.MaxRadiusMeters))
                {
                    throw new BadUserInputException($"maxDistanceMeters must be above 0 and at most {SpatialArguments.MaxRadiusMeters}", "maxDistanceMeters");
                }

                var point = await spatial.PointAsync(ctx.GetArgument<Geometry>("point"), ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84, "point", ctx.CancellationToken);
                var filter = new UnitFilter(ctx.Caller().Scope, SpatialFilter.None, ctx.GetArgument<UnitProfile?>("profile"), ctx.GetArgument<UnitStatus?>("status"),
                    ctx.GetOptionalId("service"), new Paging(first, null), Fields: LookAhead.RowFields(ctx));
                var db = reads.For(ctx.Caller());
                var nodes = await UnitDb.NearestAsync(db, filter, point, first, max, ctx.CancellationToken);
                var counted = max is { } radius ? filter with { Spatial = new SpatialFilter(null, new WithinFilter(point, radius), null) } : filter;
                var (countSql, countParameters) = UnitSql.Count(counted);
                return new Connection<Unit>(nodes, false, u => Paging.EncodeCursor(u.Id.ToString()),
                    token => Storage.Db.CountAsync(db, countSql, countParameters, token));
            });
    }

    private static async Task<UnitFilter> FilterAsync(IResolveFieldContext ctx, SpatialArguments spatial, PagingOptions paging) => new(
        ctx.Caller().Scope,
        await spatial.ReadAsync(ctx),
        ctx.GetArgument<UnitProfile?>("profile"),
        ctx.GetArgument<UnitStatus?>("status"),
        ctx.GetOptionalId("service"),
        Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging),
        ctx.GetArgument<DateTime?>("changedSince"),
        LookAhead.RowFields(ctx));
}
