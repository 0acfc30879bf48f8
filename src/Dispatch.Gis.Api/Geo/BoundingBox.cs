using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

/// <summary>A WGS 84 box given as [minLon, minLat, maxLon, maxLat], the GeoJSON bbox order.</summary>
internal sealed record BoundingBox(double MinLon, double MinLat, double MaxLon, double MaxLat)
{
    /// <summary>
    /// A box drawn in another CRS, as its outline in WGS 84 (the min/max above are then that outline's envelope).
    /// A UTM or Gauss–Krüger rectangle is not a rectangle in degrees, so the outline, not the envelope, selects.
    /// </summary>
    public Geometry? Outline { get; init; }

    /// <summary>Rows whose <paramref name="column"/> (geometry, 4326) meets the box; the shape is a parameter, so the index applies.</summary>
    public void AppendTo(SqlConditions where, string column)
    {
        if (Outline is { } outline)
        {
            where.Add($"ST_Intersects({column}, {{0}})", outline);
        }
        else
        {
            where.Add($"ST_Intersects({column}, ST_MakeEnvelope({{0}}, {{1}}, {{2}}, {{3}}, 4326))", MinLon, MinLat, MaxLon, MaxLat);
        }
    }

    /// <summary>The four numbers of a box in a projected CRS: finite and ordered; the CRS decides the range.</summary>
    public static Polygon? ProjectedFrom(IReadOnlyList<double>? values, string argument = "bbox")
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count != 4 || values.Any(v => !double.IsFinite(v)))
        {
            throw new BadUserInputException($"{argument} needs exactly 4 finite numbers [minX, minY, maxX, maxY] in the request's crs", argument);
        }

        if (values[0] > values[2] || values[1] > values[3])
        {
            throw new BadUserInputException($"{argument} must be [minX, minY, maxX, maxY] with min ≤ max", argument);
        }

        var ring = new[]
        {
            new Coordinate(values[0], values[1]), new Coordinate(values[2], values[1]), new Coordinate(values[2], values[3]),
            new Coordinate(values[0], values[3]), new Coordinate(values[0], values[1]),
        };
        var box = GeoJson.Factory.CreatePolygon(ring);
        // Straight edges in a projection are curves in degrees: 32 vertices per edge follow them to well under a metre
        // for boxes of a few hundred kilometres.
        var step = Math.Max(values[2] - values[0], values[3] - values[1]) / 32;
        return step > 0 ? (Polygon)NetTopologySuite.Densify.Densifier.Densify(box, step) : box;
    }

    public static BoundingBox? From(IReadOnlyList<double>? values, string argument = "bbox")
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count != 4)
        {
            throw new BadUserInputException($"{argument} needs exactly 4 numbers [minLon, minLat, maxLon, maxLat], got {values.Count}", argument);
        }

        var box = new BoundingBox(values[0], values[1], values[2], values[3]);
        if (values.Any(v => !double.IsFinite(v)))
        {
            throw new BadUserInputException($"{argument} values must be finite numbers", argument);
        }

        if (box.MinLon is < -180 or > 180 || box.MaxLon is < -180 or > 180)
        {
            throw new BadUserInputException($"{argument} longitudes must be within ±180", argument);
        }

        if (box.MinLat is < -90 or > 90 || box.MaxLat is < -90 or > 90)
        {
            throw new BadUserInputException($"{argument} latitudes must be within ±90", argument);
        }

        // A box that crosses the antimeridian would have minLon > maxLon; Kazakhstan never needs one,
        // so the order is checked strictly rather than guessed.
        if (box.MinLon > box.MaxLon || box.MinLat > box.MaxLat)
        {
            throw new BadUserInputException($"{argument} must be [minLon, minLat, maxLon, maxLat] with min ≤ max", argument);
        }

        return box;
    }
}
