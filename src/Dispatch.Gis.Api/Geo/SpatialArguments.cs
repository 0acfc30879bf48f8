using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

internal sealed class WithinInputGraphType : InputObjectGraphType
{
    public WithinInputGraphType()
    {
        Name = "WithinInput";
        Description = "Everything within radiusMeters (on the WGS 84 spheroid) of point.";
        Field<NonNullGraphType<GeometryGraphType>>("point");
        Field<NonNullGraphType<FloatGraphType>>("radiusMeters");
    }
}

/// <summary>Reads the shared spatial arguments of list fields into a checked <see cref="SpatialFilter"/>.</summary>
internal sealed class SpatialArguments(GeometryRules rules, CrsTransformer crs)
{
    public const double MaxRadiusMeters = 2_000_000; // wider than Kazakhstan; beyond it a bbox is the right tool

    public static void AddTo<TSource, TReturn>(FieldBuilder<TSource, TReturn> field)
    {
        field.Argument<ListGraphType<NonNullGraphType<FloatGraphType>>>("bbox", "[minLon, minLat, maxLon, maxLat] in WGS 84.")
            .Argument<WithinInputGraphType>("within", "Within a distance of a point; sets distanceMeters on the results.")
            .Argument<GeometryGraphType>("intersects", "Intersecting this geometry.")
            .Argument<IntGraphType>("crs", "EPSG code of the coordinates in `within` and `intersects` (default 4326, WGS 84).");
    }

    public async Task<SpatialFilter> ReadAsync(IResolveFieldContext ctx)
    {
        var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
        var bbox = BoundingBox.From(ctx.GetArgument<List<double>?>("bbox"));
        WithinFilter? within = null;
        if (ctx.GetArgument<Dictionary<string, object?>?>("within") is { } input)
        {
            var radius = Convert.ToDouble(input["radiusMeters"], System.Globalization.CultureInfo.InvariantCulture);
            if (!double.IsFinite(radius) || radius <= 0 || radius > MaxRadiusMeters)
            {
                throw new BadUserInputException($"within.radiusMeters must be above 0 and at most {MaxRadiusMeters}", "within");
            }

            within = new WithinFilter(await PointAsync((Geometry)input["point"]!, epsg, "within.point", ctx.CancellationToken), radius);
        }

        Geometry? intersects = null;
        if (ctx.GetArgument<Geometry?>("intersects") is { } shape)
        {
            intersects = await GeometryAsync(shape, epsg, "intersects", ctx.CancellationToken);
        }

        return new SpatialFilter(bbox, within, intersects);
    }

    /// <summary>An input geometry in any known CRS: checked where it was drawn and again in WGS 84.</summary>
    public async Task<Geometry> GeometryAsync(Geometry geometry, int epsg, string argument, CancellationToken ct)
    {
        if (epsg != GeoJson.Wgs84)
        {
            // Range checks are for degrees; a projected input is only checked for shape before it is transformed.
            rules.CheckShape(geometry, argument);
        }

        return rules.Check(await crs.ToWgs84Async(geometry, epsg, argument, ct), argument);
    }

    public async Task<Point> PointAsync(Geometry geometry, int epsg, string argument, CancellationToken ct) =>
        await GeometryAsync(geometry, epsg, argument, ct) as Point
            ?? throw new InvalidGeometryException($"expected a Point, got a {geometry.GeometryType}", argument);
}
