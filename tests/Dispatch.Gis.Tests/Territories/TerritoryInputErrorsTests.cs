using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Territories;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class TerritoryInputErrorsTests(ApiFixture api)
{
    [Theory]
    [InlineData("[77, 44, 76, 43]", "min")]          // min > max
    [InlineData("[76, 43, 77, 95]", "latitude")]     // latitude 95
    [InlineData("[190, 43, 191, 44]", "longitude")]
    [InlineData("[76, 43, 77]", "4 numbers")]
    public async Task Nonsense_bbox_is_bad_user_input(string bbox, string reason)
    {
        var response = await api.GraphQL.PostAsync($"{{ territories(bbox: {bbox}) {{ totalCount }} }}");

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Contains(reason, response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("bbox", response.Errors[0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Null(response.Data?["territories"]);
    }

    [Fact]
    public async Task A_point_at_latitude_95_is_an_invalid_geometry()
    {
        var response = await api.GraphQL.PostAsync("""
            query ($p: Geometry!) { territories(containsPoint: $p) { totalCount } }
            """, new { p = new { type = "Point", coordinates = new[] { 76.95, 95.0 } } });

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
        Assert.Contains("out of range", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_intersecting_polygon_is_rejected_with_the_place_of_the_fault()
    {
        var bowtie = new { type = "Polygon", coordinates = new[] { new[] { new[] { 76.0, 43.0 }, new[] { 77.0, 44.0 }, new[] { 77.0, 43.0 }, new[] { 76.0, 44.0 }, new[] { 76.0, 43.0 } } } };

        var response = await api.GraphQL.PostAsync("""
            query ($area: Geometry!) { territories(intersects: $area) { totalCount } }
            """, new { area = bowtie });

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
        Assert.Contains("Self-intersection", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "Point" }""")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[76, 43], [77, 43]]] }""")]
    [InlineData("""{ "type": "Feature", "geometry": null, "properties": {} }""")]
    [InlineData("""{ "type": "Circle", "coordinates": [76, 43] }""")]
    [InlineData("""[76, 43]""")]
    public async Task Malformed_GeoJSON_is_an_invalid_geometry(string geoJson)
    {
        var response = await api.GraphQL.PostAsync(
            "query ($p: Geometry!) { territories(intersects: $p) { totalCount } }",
            new { p = System.Text.Json.JsonDocument.Parse(geoJson).RootElement });

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task A_geometry_written_inline_in_the_document_is_checked_the_same_way()
    {
        var response = await api.GraphQL.PostAsync("""
            { territories(containsPoint: { type: "Point", coordinates: [76.95, 95] }) { totalCount } }
            """);

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
    }

    [Fact]
    public async Task Containment_needs_a_point()
    {
        var response = await api.GraphQL.PostAsync("""
            { territories(containsPoint: { type: "LineString", coordinates: [[76, 43], [77, 44]] }) { totalCount } }
            """);

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
    }

    [Theory]
    [InlineData("first: 1001")]
    [InlineData("first: -1")]
    [InlineData("after: \"not-a-cursor\"")]
    public async Task Page_arguments_out_of_bounds_are_bad_user_input(string arguments)
    {
        var response = await api.GraphQL.PostAsync($"{{ territories({arguments}) {{ totalCount }} }}");

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
    }

    [Fact]
    public async Task Negative_simplification_is_bad_user_input()
    {
        var response = await api.GraphQL.PostAsync("""{ territory(kato: "750000000") { geometry(simplifyMeters: -5) } }""");

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
    }

    [Fact]
    public async Task Unknown_fields_and_syntax_errors_have_stable_codes()
    {
        var unknown = await api.GraphQL.PostAsync("{ territories { nope } }");
        Assert.Equal(400, unknown.Status);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", unknown.ErrorCode());

        var syntax = await api.GraphQL.PostAsync("{ territories { ");
        Assert.Equal(400, syntax.Status);
        Assert.Equal("GRAPHQL_PARSE_FAILED", syntax.ErrorCode());
    }
}
