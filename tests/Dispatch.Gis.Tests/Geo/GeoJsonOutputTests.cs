using System.Text;
using System.Text.Json;
using Dispatch.Gis.Geo;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Geo;

/// <summary>The direct point writer must give the answer byte for byte what the NTS converter gives.</summary>
public sealed class GeoJsonOutputTests
{
    [Fact]
    public void Points_are_written_exactly_as_the_NTS_converter_writes_them()
    {
        var random = new Random(20261202);
        var values = new List<(double X, double Y)> { (0, 0), (-180, -90), (180, 90), (76.9, 43.2), (1e-7, -1e-9), (77.16764, 43.252), (-0.0, 0.5) };
        for (var i = 0; i < 2000; i++)
        {
            values.Add((random.NextDouble() * 360 - 180, random.NextDouble() * 180 - 90));
        }

        foreach (var (x, y) in values)
        {
            var point = GeoJson.Factory.CreatePoint(new Coordinate(x, y));
            Assert.Equal(GeoJson.Write(point).GetRawText(), Written(point));
        }
    }

    [Fact]
    public void Other_shapes_go_through_the_converter_and_are_wound_as_RFC_7946_asks()
    {
        // Clockwise shell: RFC 7946 wants it counter-clockwise, so the writer must turn it.
        var clockwise = GeoJson.Factory.CreatePolygon([new(76, 43), new(76, 44), new(77, 44), new(77, 43), new(76, 43)]);
        var line = GeoJson.Factory.CreateLineString([new(76, 43), new(77, 44)]);
        var empty = GeoJson.Factory.CreatePoint();
        var withAltitude = GeoJson.Factory.CreatePoint(new CoordinateZ(76, 43, 800));

        foreach (var shape in new Geometry[] { clockwise, line, empty, withAltitude })
        {
            Assert.Equal(GeoJson.Write(shape).GetRawText(), Written(shape));
        }

        Assert.Contains("[[[76,43],[77,43],[77,44],[76,44],[76,43]]]", Written(clockwise), StringComparison.Ordinal);
    }

    [Fact]
    public void The_scalar_hands_the_answer_a_value_that_serialises_as_GeoJSON()
    {
        var point = GeoJson.Factory.CreatePoint(new Coordinate(76.95, 43.24));
        var value = new GeometryGraphType().Serialize(point);

        Assert.Equal("""{"type":"Point","coordinates":[76.95,43.24]}""", JsonSerializer.Serialize<object?>(value));
    }

    private static string Written(Geometry geometry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            GeoJson.WriteTo(writer, geometry);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
