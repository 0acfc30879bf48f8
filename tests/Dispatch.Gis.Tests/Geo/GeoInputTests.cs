using System.Text.Json;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.ReferenceData;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using Xunit;

namespace Dispatch.Gis.Tests.Geo;

public sealed class GeoInputTests
{
    [Fact]
    public void Bbox_accepts_a_proper_box_and_rejects_the_rest()
    {
        Assert.Equal(new BoundingBox(76, 43, 77, 44), BoundingBox.From([76, 43, 77, 44]));
        Assert.Null(BoundingBox.From(null));
        Assert.Throws<BadUserInputException>(() => BoundingBox.From([77, 43, 76, 44]));
        Assert.Throws<BadUserInputException>(() => BoundingBox.From([76, 44, 77, 43]));
        Assert.Throws<BadUserInputException>(() => BoundingBox.From([76, 43, 77, 91]));
        Assert.Throws<BadUserInputException>(() => BoundingBox.From([double.NaN, 43, 77, 44]));
        Assert.Throws<BadUserInputException>(() => BoundingBox.From([76, 43, 77]));
    }

    [Fact]
    public void Geometry_rules_reject_empty_oversized_and_out_of_range_shapes()
    {
        var rules = new GeometryRules(MaxVertices: 4);
        var point = GeoJson.Read(JsonDocument.Parse("""{"type":"Point","coordinates":[76.9,43.2]}""").RootElement);
        var square = GeoJson.Read(JsonDocument.Parse("""{"type":"Polygon","coordinates":[[[76,43],[77,43],[77,44],[76,44],[76,43]]]}""").RootElement);
        var empty = GeoJson.Read(JsonDocument.Parse("""{"type":"MultiPoint","coordinates":[]}""").RootElement);

        Assert.Same(point, rules.Check(point, "p"));
        Assert.Contains("5 vertices", Assert.Throws<InvalidGeometryException>(() => rules.Check(square, "area")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<InvalidGeometryException>(() => rules.Check(empty, "area")).Message, StringComparison.Ordinal);
        Assert.Equal("area", Assert.Throws<InvalidGeometryException>(() => rules.Check(empty, "area")).Argument);
    }

    [Fact]
    public void GeoJson_round_trips_through_NTS_in_lon_lat_order()
    {
        var point = GeoJson.Read(JsonDocument.Parse("""{"type":"Point","coordinates":[76.95,43.24]}""").RootElement);

        Assert.Equal(4326, point.SRID);
        Assert.Equal(76.95, point.Coordinate.X);
        Assert.Equal(43.24, point.Coordinate.Y);
        Assert.Equal("[76.95,43.24]", GeoJson.Write(point).GetProperty("coordinates").GetRawText());
    }

    [Theory]
    [InlineData("Солтүстiк Қазақстан", "Солтүстік Қазақстан")]
    [InlineData("Iле", "Іле")]
    [InlineData("Almaty i", "Almaty i")]
    public void Latin_i_inside_Kazakh_words_becomes_Cyrillic(string source, string expected) =>
        Assert.Equal(expected, ReferenceFiles.KazakhCyrillic(source));

    [Fact]
    public void Enums_are_stored_in_constant_case()
    {
        Assert.Equal("CITY_OF_REPUBLICAN_SIGNIFICANCE", DbEnum.Text(TerritoryKind.CityOfRepublicanSignificance));
        Assert.Equal(TerritoryKind.CityOfRepublicanSignificance, DbEnum.Parse<TerritoryKind>("CITY_OF_REPUBLICAN_SIGNIFICANCE"));
    }
}
