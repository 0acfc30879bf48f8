using Dispatch.Gis.Geo;
using Dispatch.Gis.PublicWarnings;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.PublicWarnings;

public sealed class CapAreaTests
{
    [Fact]
    public void A_polygon_becomes_a_closed_ring_of_lat_lon_pairs()
    {
        var square = GeoJson.Factory.CreatePolygon([new(76.9, 43.2), new(77.0, 43.2), new(77.0, 43.3), new(76.9, 43.3), new(76.9, 43.2)]);

        var ring = Assert.Single(CapArea.Polygons(square, 100, 10));

        Assert.Equal("43.2,76.9 43.2,77 43.3,77 43.3,76.9 43.2,76.9", ring);
    }

    [Fact]
    public void A_ring_with_thousands_of_points_is_simplified_to_the_bound_and_still_covers_the_shape()
    {
        // A circle of 5,000 vertices around Almaty, 10 km across.
        var points = Enumerable.Range(0, 5000).Select(i => new Coordinate(76.9 + 0.06 * Math.Cos(i * 2 * Math.PI / 5000), 43.25 + 0.045 * Math.Sin(i * 2 * Math.PI / 5000)))
            .ToList();
        var circle = GeoJson.Factory.CreatePolygon([.. points, points[0].Copy()]);

        var ring = CapAssert.Ring(Assert.Single(CapArea.Polygons(circle, 100, 10)));

        Assert.InRange(ring.Count, 10, 100);
        var simplified = GeoJson.Factory.CreatePolygon(ring.Select(p => new Coordinate(p.Lon, p.Lat)).ToArray());
        Assert.True(simplified.IsValid);
        Assert.True(simplified.Covers(circle), "the simplified ring cuts into the area");
        Assert.InRange(simplified.Area / circle.Area, 1.0, 1.01);
    }

    [Fact]
    public void A_jagged_coast_simplified_to_the_bound_is_covered_not_cut()
    {
        // 3,000 vertices whose radius swings by a fifth at random: an edge far more jagged than any forecast or drawn zone.
        var random = new Random(12);
        var points = Enumerable.Range(0, 3000).Select(i => (Angle: i * 2 * Math.PI / 3000, Radius: 0.045 + random.NextDouble() * 0.01))
            .Select(p => new Coordinate(76.9 + p.Radius * Math.Cos(p.Angle), 43.25 + p.Radius * Math.Sin(p.Angle))).ToList();
        var coast = GeoJson.Factory.CreatePolygon([.. points, points[0].Copy()]);
        Assert.True(coast.IsValid);

        var ring = CapAssert.Ring(Assert.Single(CapArea.Polygons(coast, 100, 10)));

        Assert.InRange(ring.Count, 4, 100);
        var simplified = GeoJson.Factory.CreatePolygon(ring.Select(p => new Coordinate(p.Lon, p.Lat)).ToArray());
        Assert.True(simplified.IsValid);
        Assert.True(simplified.Covers(coast), "the simplified ring cuts into the area");
        // No more than its convex hull (≈ 1.2 × here): simplifying and widening a jagged edge would cost more.
        Assert.InRange(simplified.Area / coast.Area, 1.0, 1.0 + (coast.ConvexHull().Area / coast.Area - 1) * 1.05);
    }

    [Fact]
    public void A_multipolygon_gives_one_ring_per_part_largest_first_holes_dropped_and_parts_bounded()
    {
        var big = GeoJson.Factory.CreatePolygon(
            GeoJson.Factory.CreateLinearRing([new(76, 43), new(77, 43), new(77, 44), new(76, 44), new(76, 43)]),
            [GeoJson.Factory.CreateLinearRing([new(76.4, 43.4), new(76.6, 43.4), new(76.6, 43.6), new(76.4, 43.6), new(76.4, 43.4)])]);
        var small = GeoJson.Factory.CreatePolygon([new(78, 43), new(78.1, 43), new(78.1, 43.1), new(78, 43)]);
        var tiny = GeoJson.Factory.CreatePolygon([new(79, 43), new(79.01, 43), new(79.01, 43.01), new(79, 43)]);
        var area = GeoJson.Factory.CreateMultiPolygon([small, big, tiny]);

        var rings = CapArea.Polygons(area, 100, 2);

        // Past the bound the last ring covers every part left over: nobody in the tiny part goes unwarned.
        Assert.Equal(2, rings.Count);
        Assert.Equal("43,76 43,77 44,77 44,76 43,76", rings[0]);
        var rest = GeoJson.Factory.CreatePolygon(CapAssert.Ring(rings[1]).Select(p => new Coordinate(p.Lon, p.Lat)).ToArray());
        Assert.True(rest.Covers(small) && rest.Covers(tiny), rings[1]);
        Assert.False(rest.Intersects(big));
    }

    [Theory]
    [InlineData("+05:00", "2026-12-02T12:30:05+05:00")]
    [InlineData("+00:00", "2026-12-02T07:30:05+00:00")]
    [InlineData("-03:30", "2026-12-02T04:00:05-03:30")]
    public void Times_carry_an_offset_whole_seconds_and_never_Z(string offset, string expected)
    {
        var utc = new DateTime(2026, 12, 2, 7, 30, 5, 987, DateTimeKind.Utc);

        Assert.Equal(expected, CapText.Time(utc, PublicWarningOptions.ParseOffset(offset)!.Value));
    }
}
