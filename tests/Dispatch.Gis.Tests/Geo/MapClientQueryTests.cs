using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Geo;

/// <summary>What map clients expect of the GraphQL API (issue 13): winding, input errors, bbox in crs, distance order, changes.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class MapClientQueryTests(ApiFixture api)
{
    [Fact]
    public async Task Issue13_every_polygon_leaves_the_service_counter_clockwise_with_clockwise_holes()
    {
        // A clockwise square with a counter-clockwise hole, as some GIS tools write them.
        var c = new[] { 62.5, 45.5 };
        var cw = new object[]
        {
            new[] { new[] { c[0] - 0.01, c[1] - 0.01 }, new[] { c[0] - 0.01, c[1] + 0.01 }, new[] { c[0] + 0.01, c[1] + 0.01 }, new[] { c[0] + 0.01, c[1] - 0.01 }, new[] { c[0] - 0.01, c[1] - 0.01 } },
            new[] { new[] { c[0] - 0.002, c[1] - 0.002 }, new[] { c[0] + 0.002, c[1] - 0.002 }, new[] { c[0] + 0.002, c[1] + 0.002 }, new[] { c[0] - 0.002, c[1] + 0.002 }, new[] { c[0] - 0.002, c[1] - 0.002 } },
        };
        var polygon = new { type = "Polygon", coordinates = cw };
        var seed = new Seed(api.GraphQL);
        var zone = await seed.ZoneAsync(polygon);
        var obj = (await api.GraphQL.QueryAsync("""
            mutation ($input: DangerousObjectInput!) { upsertDangerousObject(input: $input) { id geometry } }
            """, new { input = new { name = Seed.Unique("Tank farm"), hazardClass = "CHEMICAL", objectKind = "tank farm", geometry = polygon, substances = Array.Empty<object>(), contacts = Array.Empty<object>() } }))
            ["upsertDangerousObject"]!;

        var regions = await api.GraphQL.QueryAsync("{ territories(level: REGION) { nodes { kato geometry(simplifyMeters: 500) } } }");
        var zoneGeometry = (await api.GraphQL.QueryAsync("query ($z: ID!) { zone(id: $z) { geometry versions { geometry } } }", new { z = zone }))["zone"]!;
        var ogc = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/zones/items/{zone}"))!;

        // From SQL (ST_AsGeoJSON) and from NTS (GeoJson.Write) alike.
        Assert.All(regions["territories"]!["nodes"]!.AsArray(), r => AssertRfc7946(r!["geometry"]!));
        AssertRfc7946(zoneGeometry["geometry"]!);
        AssertRfc7946(zoneGeometry["versions"]![0]!["geometry"]!);
        AssertRfc7946(obj["geometry"]!);
        AssertRfc7946(ogc["geometry"]!);
        Assert.Equal(2, obj["geometry"]!["coordinates"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[76,43],[77,43],[77,44]]]}""", "closed linestring")]
    [InlineData("""{"type":"Feature","geometry":{"type":"Point","coordinates":[76,43]}}""", "not a Feature")]
    [InlineData("\"POINT(76 43)\"", "must be a JSON object")]
    [InlineData("""{"type":"Point","coordinates":["76","43"]}""", "malformed GeoJSON")]
    public async Task Issue13_geometry_errors_sent_as_variables_keep_their_reason_and_argument(string geoJson, string reason)
    {
        var g = JsonNode.Parse(geoJson);

        var direct = await api.GraphQL.PostAsync("query ($g: Geometry) { zones(intersects: $g) { totalCount } }", new { g });
        var nested = await api.GraphQL.PostAsync("query ($g: Geometry!) { units(within: { point: $g, radiusMeters: 100 }) { totalCount } }", new { g });
        var input = await api.GraphQL.PostAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            new { i = new { kind = "ACTUAL", name = "bad", hazard = "FIRE", geometry = g } });

        foreach (var (response, argument) in new[] { (direct, "intersects"), (nested, "within.point"), (input, "input.geometry") })
        {
            Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
            var error = response.Errors![0]!;
            Assert.Contains(reason, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("Unable to convert", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(argument, error["extensions"]!["argument"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Issue13_bbox_is_read_in_the_requests_crs()
    {
        // Two units 3 km apart east-west; a 4 km UTM 43N box (EPSG:32643) around the first holds only it.
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] at = [75.5 + Random.Shared.NextDouble() * 0.2, 44.5];
        var inside = await seed.UnitAsync(service, at);
        var east = await api.ScalarAsync<string>($"SELECT ST_AsText(ST_Transform(ST_Translate(ST_Transform(ST_SetSRID(ST_MakePoint({at[0]}, {at[1]}), 4326), 32643), 3000, 0), 4326))");
        var eastPoint = east[6..^1].Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var outside = await seed.UnitAsync(service, eastPoint);
        var utm = (await api.ScalarAsync<string>($"SELECT ST_X(p) || ' ' || ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint({at[0]}, {at[1]}), 4326), 32643) p"))
            .Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var box = new[] { utm[0] - 2000, utm[1] - 2000, utm[0] + 2000, utm[1] + 2000 };

        var data = await api.GraphQL.QueryAsync("query ($b: [Float!]) { units(bbox: $b, crs: 32643) { nodes { id } } }", new { b = box });
        var wgs84 = await api.GraphQL.PostAsync("query ($b: [Float!]) { units(bbox: $b) { nodes { id } } }", new { b = box });

        Assert.Equal([inside], data["units"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(outside, data.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("BAD_USER_INPUT", wgs84.ErrorCode()); // UTM metres are not degrees
        var territories = await api.GraphQL.QueryAsync("query ($b: [Float!]) { territories(bbox: $b, crs: 32643, level: REGION) { nodes { kato } } }", new { b = box });
        Assert.Equal([Seed.AlmatyRegion], territories["territories"]!["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Issue13_within_lists_order_by_distance_and_page_by_it()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] c = [74.0 + Random.Shared.NextDouble() * 0.5, 44.0];
        // 300 m, 100 m, 200 m east of the centre (0.001° ≈ 80 m here).
        var far = await seed.UnitAsync(service, [c[0] + 0.00375, c[1]]);
        var near = await seed.UnitAsync(service, [c[0] + 0.00125, c[1]]);
        var middle = await seed.UnitAsync(service, [c[0] + 0.0025, c[1]]);
        const string Query = """
            query ($p: Geometry!, $after: String) {
              units(within: { point: $p, radiusMeters: 1000 }, orderBy: DISTANCE, first: 2, after: $after) {
                nodes { id distanceMeters } pageInfo { hasNextPage endCursor } } }
            """;

        var page1 = (await api.GraphQL.QueryAsync(Query, new { p = Seed.Point(c[0], c[1]) }))["units"]!;
        var page2 = (await api.GraphQL.QueryAsync(Query, new { p = Seed.Point(c[0], c[1]), after = page1["pageInfo"]!["endCursor"]!.GetValue<string>() }))["units"]!;
        var unordered = await api.GraphQL.PostAsync("{ units(orderBy: DISTANCE) { totalCount } }");

        Assert.Equal([near, middle], page1["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.True(page1["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        Assert.Equal([far], page2["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.False(page2["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        var distances = page1["nodes"]!.AsArray().Concat(page2["nodes"]!.AsArray()).Select(n => n!["distanceMeters"]!.GetValue<double>()).ToList();
        Assert.Equal(distances.Order(), distances);
        Assert.Equal("BAD_USER_INPUT", unordered.ErrorCode());
        Assert.Equal("orderBy", unordered.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue13_units_changed_since_a_time_are_those_with_a_later_fix_or_status_change()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] c = [73.0 + Random.Shared.NextDouble() * 0.5, 44.2];
        var moved = await seed.UnitAsync(service, c);
        var quiet = await seed.UnitAsync(service, [c[0] + 0.001, c[1]]);
        var restatused = await seed.UnitAsync(service, [c[0] + 0.002, c[1]]);
        var since = await api.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await seed.ReportAsync((moved, c[0], c[1] + 0.001, DateTime.UtcNow));
        await api.GraphQL.QueryAsync("mutation ($u: ID!) { setUnitStatus(unit: $u, status: HIGH_READINESS) { status } }", new { u = restatused });

        var data = await api.GraphQL.QueryAsync("query ($b: [Float!], $s: DateTime) { units(bbox: $b, changedSince: $s) { nodes { id } } }",
            new { b = new[] { c[0] - 0.01, c[1] - 0.01, c[0] + 0.01, c[1] + 0.01 }, s = since.ToUniversalTime().ToString("O") });

        var ids = data["units"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(new[] { moved, restatused }.Order(), ids);
        Assert.DoesNotContain(quiet, ids);
    }

    [Fact]
    public async Task Issue13_search_finds_places_and_call_signs_within_scope()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        var unit = await seed.UnitAsync(service, Seed.InRegion);
        var callSign = (await api.GraphQL.QueryAsync("query ($u: ID!) { unit(id: $u) { callSign } }", new { u = unit }))["unit"]!["callSign"]!.GetValue<string>();

        var places = (await api.GraphQL.QueryAsync("{ search(text: \"алматы\") { kind id label bbox } }"))["search"]!.AsArray();
        var units = (await api.GraphQL.QueryAsync("query ($t: String!) { search(text: $t) { kind id label } }", new { t = callSign }))["search"]!.AsArray();
        var literal = (await api.GraphQL.QueryAsync("{ search(text: \"%_\") { id } }"))["search"]!.AsArray();

        Assert.Equal("750000000", places[0]!["id"]!.GetValue<string>()); // the exact name first
        Assert.Equal(4, places[0]!["bbox"]!.AsArray().Count);
        Assert.Equal(unit, Assert.Single(units)!["id"]!.GetValue<string>());
        Assert.Empty(literal);
        using var city = api.Client(api.Tokens.Issue("city-viewer", Dispatch.Gis.Auth.Role.Viewer, [Seed.AlmatyCity]));
        Assert.DoesNotContain("190000000", (await city.QueryAsync("{ search(text: \"алматы\") { id } }")).ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Exterior rings counter-clockwise, holes clockwise (shoelace sign on lon/lat).</summary>
    private static void AssertRfc7946(JsonNode geometry)
    {
        var type = geometry["type"]!.GetValue<string>();
        var polygons = type == "MultiPolygon" ? geometry["coordinates"]!.AsArray() : [geometry["coordinates"]!.DeepClone()];
        foreach (var polygon in polygons)
        {
            var rings = polygon!.AsArray();
            Assert.True(SignedArea(rings[0]!) > 0, "exterior ring must be counter-clockwise");
            foreach (var hole in rings.Skip(1))
            {
                Assert.True(SignedArea(hole!) < 0, "holes must be clockwise");
            }
        }
    }

    private static double SignedArea(JsonNode ring)
    {
        var points = ring.AsArray().Select(p => (X: p![0]!.GetValue<double>(), Y: p[1]!.GetValue<double>())).ToList();
        var sum = 0.0;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            sum += points[i].X * points[i + 1].Y - points[i + 1].X * points[i].Y;
        }

        return sum / 2;
    }
}
