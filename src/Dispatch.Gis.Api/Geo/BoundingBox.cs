using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Geo;

/// <summary>A WGS 84 box given as [minLon, minLat, maxLon, maxLat], the GeoJSON bbox order.</summary>
internal sealed record BoundingBox(double MinLon, double MinLat, double MaxLon, double MaxLat)
{
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
