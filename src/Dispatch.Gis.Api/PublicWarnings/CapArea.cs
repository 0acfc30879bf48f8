using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Simplify;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>
/// A warning's area as CAP polygons, under the aggregators' rules: each a closed ring of "lat,lon" pairs (WGS 84,
/// latitude first), at least four, no holes, at most a bounded number of pairs.
/// </summary>
internal static class CapArea
{
    /// <summary>
    /// The outer ring of each part (largest first, at most <paramref name="maxPolygons"/>), simplified with topology kept
    /// until it has at most <paramref name="maxPoints"/> pairs. Holes are dropped: a warning that also covers a hole
    /// reaches a few people too many rather than missing anyone, and aggregators refuse holes anyway.
    /// </summary>
    public static List<string> Polygons(Geometry area, int maxPoints, int maxPolygons)
    {
        var parts = Enumerable.Range(0, area.NumGeometries).Select(area.GetGeometryN).OfType<Polygon>()
            .Where(p => !p.IsEmpty).OrderByDescending(p => p.Area).Take(maxPolygons);
        return parts.Select(p => Ring(Bounded(area.Factory.CreatePolygon((LinearRing)p.ExteriorRing.Copy()), maxPoints))).ToList();
    }

    private static Polygon Bounded(Polygon shell, int maxPoints)
    {
        if (shell.ExteriorRing.NumPoints <= maxPoints)
        {
            return shell;
        }

        // Grow the tolerance until the ring fits: the shape's own size sets the scale, so this works for a block or a region.
        var envelope = shell.EnvelopeInternal;
        var tolerance = Math.Max(envelope.Width, envelope.Height) / 10_000;
        for (var step = 0; step < 40; step++, tolerance *= 1.5)
        {
            if (TopologyPreservingSimplifier.Simplify(shell, tolerance) is Polygon { IsEmpty: false } simplified
                && simplified.ExteriorRing.NumPoints is var n && n >= 4 && n <= maxPoints)
            {
                return simplified;
            }
        }

        // Unreachable for a valid ring; the envelope still covers everything the shape did.
        return (Polygon)shell.Envelope;
    }

    // Six decimals is about 0.1 m, below any line drawn on a map; more would only look precise.
    private static string Ring(Polygon polygon) =>
        string.Join(' ', polygon.ExteriorRing.Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Y:0.######},{c.X:0.######}")));
}
