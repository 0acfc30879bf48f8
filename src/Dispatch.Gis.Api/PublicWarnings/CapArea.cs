using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Buffer;
using NetTopologySuite.Simplify;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>
/// A warning's area as CAP polygons, under the aggregators' rules: each a closed ring of "lat,lon" pairs (WGS 84,
/// latitude first), at least four, no holes, at most a bounded number of pairs.
/// </summary>
internal static class CapArea
{
    /// <summary>
    /// The outer ring of each part, largest first, simplified until it has at most <paramref name="maxPoints"/> pairs and
    /// then widened by the simplification's tolerance, so every ring covers its part: a warning reaches a few people too
    /// many rather than missing anyone. Holes are dropped for the same reason (and aggregators refuse them). Past
    /// <paramref name="maxPolygons"/> parts, the last ring is the convex hull of every part left over, never a part dropped.
    /// </summary>
    public static List<string> Polygons(Geometry area, int maxPoints, int maxPolygons)
    {
        var parts = Enumerable.Range(0, area.NumGeometries).Select(area.GetGeometryN).OfType<Polygon>()
            .Where(p => !p.IsEmpty).OrderByDescending(p => p.Area).ToList();
        if (parts.Count > maxPolygons)
        {
            var rest = area.Factory.BuildGeometry(parts.Skip(maxPolygons - 1)).ConvexHull();
            parts = [.. parts.Take(maxPolygons - 1), rest is Polygon hull ? hull : (Polygon)rest.Envelope];
        }

        return parts.Select(p => Ring(Bounded(area.Factory.CreatePolygon((LinearRing)p.ExteriorRing.Copy()), maxPoints))).ToList();
    }

    /// <summary>
    /// The area's polygons grouped so that no group touches another (polygons that touch, even at a point, stay
    /// together), largest first: aggregators want areas that do not touch in separate alerts. Past
    /// <paramref name="maxAreas"/> groups, the last is the convex hull of every group left over — one connected area,
    /// so nothing is dropped and a region strewn with islands does not become dozens of alerts.
    /// </summary>
    public static List<Geometry> Separate(Geometry area, int maxAreas)
    {
        var polygons = Enumerable.Range(0, area.NumGeometries).Select(area.GetGeometryN).OfType<Polygon>().Where(p => !p.IsEmpty).ToList();
        var group = Enumerable.Range(0, polygons.Count).ToArray();
        int Root(int i) => group[i] == i ? i : group[i] = Root(group[i]);
        var index = new NetTopologySuite.Index.Strtree.STRtree<int>();
        for (var i = 0; i < polygons.Count; i++)
        {
            index.Insert(polygons[i].EnvelopeInternal, i);
        }

        for (var i = 0; i < polygons.Count; i++)
        {
            foreach (var j in index.Query(polygons[i].EnvelopeInternal))
            {
                if (j > i && Root(i) != Root(j) && polygons[i].Intersects(polygons[j]))
                {
                    group[Root(j)] = Root(i);
                }
            }
        }

        var groups = Enumerable.Range(0, polygons.Count).GroupBy(Root)
            .Select(g => g.Count() == 1 ? (Geometry)polygons[g.First()] : area.Factory.CreateMultiPolygon(g.Select(i => polygons[i]).ToArray()))
            .OrderByDescending(g => g.Area).ToList();
        if (groups.Count > maxAreas)
        {
            var rest = area.Factory.BuildGeometry(groups.Skip(maxAreas - 1)).ConvexHull();
            groups = [.. groups.Take(maxAreas - 1), rest is Polygon ? rest : rest.Envelope];
        }

        // A geometry read from PostGIS carries its SRID on the whole, not on its parts; PostGIS refuses to mix the two.
        foreach (var g in groups)
        {
            g.SRID = area.SRID;
        }

        return groups;
    }

    private static Polygon Bounded(Polygon shell, int maxPoints)
    {
        if (shell.ExteriorRing.NumPoints <= maxPoints)
        {
            return shell;
        }

        // A jagged edge needs a wide tolerance, and widening by it costs more than the convex hull would: of the two
        // covering rings, the smaller.
        var widened = Widened(shell, maxPoints);
        var hull = shell.ConvexHull() is Polygon h ? Widened(h, maxPoints) : widened;
        return hull.Area < widened.Area ? hull : widened;
    }

    /// <summary>A covering ring of at most maxPoints pairs: the shape simplified, then widened back over what was cut.</summary>
    private static Polygon Widened(Polygon shell, int maxPoints)
    {
        // Grow the tolerance until the ring fits: the shape's own size sets the scale, so this works for a block or a region.
        // A ring that already fits (a convex hull) is only widened by the rounding margin.
        var envelope = shell.EnvelopeInternal;
        var scale = Math.Max(envelope.Width, envelope.Height) / 10_000;
        var widening = new BufferParameters { JoinStyle = JoinStyle.Mitre, MitreLimit = 4, EndCapStyle = EndCapStyle.Flat };
        for (var step = shell.ExteriorRing.NumPoints <= maxPoints ? 0 : 1; step <= 40; step++)
        {
            var tolerance = step == 0 ? 0 : scale * Math.Pow(1.5, step - 1);
            // Douglas-Peucker keeps every dropped vertex within the tolerance of the line that replaces it, so widening by
            // it (and by the six-decimal rounding of Ring) covers the shape again; Covers checks rather than trusts that.
            var simplified = tolerance == 0 ? shell : TopologyPreservingSimplifier.Simplify(shell, tolerance) as Polygon;
            if (simplified is not { IsEmpty: false } || BufferOp.Buffer(simplified, tolerance + RoundingMargin, widening) is not Polygon { IsEmpty: false } widened)
            {
                continue;
            }

            var outer = shell.Factory.CreatePolygon((LinearRing)widened.ExteriorRing.Copy());
            if (outer.ExteriorRing.NumPoints is var n && n >= 4 && n <= maxPoints && outer.Covers(shell))
            {
                return outer;
            }
        }

        // Unreachable for a valid ring; the envelope still covers everything the shape did.
        return (Polygon)shell.Envelope;
    }

    private const double RoundingMargin = 1e-6;

    // Six decimals is about 0.1 m, below any line drawn on a map; more would only look precise.
    private static string Ring(Polygon polygon) =>
        string.Join(' ', polygon.ExteriorRing.Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Y:0.######},{c.X:0.######}")));
}
