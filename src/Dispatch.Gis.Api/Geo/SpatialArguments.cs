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

internal enum SpatialOrder
{
    /// <summary>The list's own order (id; population for settlements).</summary>
    Default,

    /// <summary>Nearest to the within-point first; needs within.</summary>
    Distance,
}

internal sealed class SpatialOrderGraphType : EnumerationGraphType<SpatialOrder>
{
    public SpatialOrderGraphType()
    {
        Name = "SpatialOrder";
        Description = "Order of a list with spatial filters.";
    }
}

/// <summary>Reads the shared spatial arguments of list fields into a checked <see cref="SpatialFilter"/>.</summary>
internal sealed class SpatialArguments(GeometryRules rules, CrsTransformer crs)
{
    public const double MaxRadiusMeters = 2_000_000; // wider than Kazakhstan; beyond it a bbox is the right tool

    public static void AddTo<TSource, TReturn>(FieldBuilder<TSource, TReturn> field)
    {
        field.Argument<ListGraphType<NonNullGraphType<FloatGraphType>>>("bbox",
                "[minLon, minLat, maxLon, maxLat] in WGS 84, or [minX, minY, maxX, maxY] in `crs` when one is given.")
            .Argument<WithinInputGraphType>("within", "Within a distance of a point; sets distanceMeters on the results.")
            .Argument<GeometryGraphType>("intersects", "Intersecting this geometry.")
            .Argument<IntGraphType>("crs", "EPSG code of the coordinates in `bbox`, `within` and `intersects` (default 4326, WGS 84).")
            .Argument<SpatialOrderGraphType>("orderBy", "DISTANCE: nearest to `within.point` first (needs `within`). Default: the list's own order.");
    }

    public async Task<SpatialFilter> ReadAsync(IResolveFieldContext ctx)
    {
        var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
        var bbox = await BoxAsync(ctx.GetArgument<List<double>?>("bbox"), epsg, "bbox", ctx.CancellationToken);
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

        var byDistance = ctx.GetArgument<SpatialOrder?>("orderBy") == SpatialOrder.Distance;
        if (byDistance && within is null)
        {
            throw new BadUserInputException("orderBy: DISTANCE needs within (the point to measure from)", "orderBy");
        }

        // The spheroid distance costs a computation per row: only when the rows' distanceMeters is asked for, or they
        // are ordered by it (the cursor carries it).
        var distanceWanted = within is not null && (byDistance || LookAhead.RowFields(ctx).Contains("distanceMeters"));
        return new SpatialFilter(bbox, within, intersects, byDistance, distanceWanted);
    }

    /// <summary>A bbox in WGS 84, or drawn in another CRS and carried as its WGS 84 outline.</summary>
    public async Task<BoundingBox?> BoxAsync(IReadOnlyList<double>? values, int epsg, string argument, CancellationToken ct)
    {
        if (epsg == GeoJson.Wgs84)
        {
            return BoundingBox.From(values, argument);
        }

        if (BoundingBox.ProjectedFrom(values, argument) is not { } box)
        {
            return null;
        }

        var outline = await crs.ToWgs84Async(box, epsg, argument, ct);
        var envelope = outline.EnvelopeInternal;
        // The transformed outline must still be a place on Earth; the range check of degrees applies to it.
        var checkedBox = BoundingBox.From([envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY], argument)!;
        return checkedBox with { Outline = outline };
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
