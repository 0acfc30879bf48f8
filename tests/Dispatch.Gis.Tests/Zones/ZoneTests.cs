using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Zones;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ZoneTests(ApiFixture api)
{
    [Fact]
    public async Task Editing_a_zone_keeps_the_old_version_and_moves_units_in_and_out()
    {
        // Arrange: two units east and west of a centre; the zone first covers the west one only.
        var seed = new Seed(api.GraphQL);
        double[] c = [78.1, 45.2];
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        var west = await seed.UnitAsync(service, [c[0] - 0.02, c[1]], "FIRE");
        var east = await seed.UnitAsync(service, [c[0] + 0.02, c[1]], "FIRE");
        var zone = await seed.ZoneAsync(Square(c[0] - 0.02, c[1], 0.01));
        var last = await api.ScalarAsync<long>("SELECT max(id) FROM events");

        // Act: redraw it over the east unit.
        var changed = await api.GraphQL.QueryAsync("""
            mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g, expectedVersion: 1, note: "plume moved east") { version } }
            """, new { z = zone, g = Square(c[0] + 0.02, c[1], 0.01) });

        // Assert
        Assert.Equal(2, changed["updateZoneGeometry"]!["version"]!.GetValue<int>());
        var data = await api.GraphQL.QueryAsync("""
            query ($z: ID!) { zone(id: $z) { version units { id } versions { version areaAddedKm2 areaRemovedKm2 areaAdded areaRemoved note } } }
            """, new { z = zone });
        var units = data["zone"]!["units"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([east], units);
        Assert.Equal(units, await UnitsInsideBySqlAsync(zone));
        var versions = data["zone"]!["versions"]!.AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        // Two disjoint 0.02° squares: everything added, everything removed, each about 2.2 km × 1.6 km here.
        var expectedKm2 = await api.ScalarAsync<double>($"SELECT ST_Area(geom::geography) / 1e6 FROM emergency_zone_versions WHERE zone_id = '{zone}' AND version = 1");
        Assert.Equal(expectedKm2, versions[0]!["areaRemovedKm2"]!.GetValue<double>(), 3);
        Assert.InRange(versions[0]!["areaAddedKm2"]!.GetValue<double>(), expectedKm2 * 0.99, expectedKm2 * 1.01);
        Assert.Equal("plume moved east", versions[0]!["note"]!.GetValue<string>());
        Assert.Equal("MultiPolygon", versions[0]!["areaAdded"]!["type"]!.GetValue<string>());

        var events = await KindsAfterAsync(last);
        Assert.Contains(("ZONE_CHANGED", zone), events);
        Assert.Contains(("UNIT_ENTERED_ZONE", east), events);
        Assert.Contains(("UNIT_EXITED_ZONE", west), events);
    }

    [Fact]
    public async Task A_stale_edit_is_a_conflict_and_changes_nothing()
    {
        var seed = new Seed(api.GraphQL);
        var zone = await seed.ZoneAsync(Square(78.5, 45.5, 0.01));
        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Square(78.5, 45.5, 0.02) });

        var stale = await api.GraphQL.PostAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g, expectedVersion: 1) { version } }",
            new { z = zone, g = Square(78.5, 45.5, 0.03) });

        Assert.Equal("CONFLICT", stale.ErrorCode());
        Assert.Equal(2, await api.ScalarAsync<int>($"SELECT version FROM emergency_zones WHERE id = '{zone}'"));
        Assert.Equal(2L, await api.ScalarAsync<long>($"SELECT count(*) FROM emergency_zone_versions WHERE zone_id = '{zone}'"));
    }

    [Fact]
    public async Task A_zone_answers_the_cross_layer_questions()
    {
        // Around central Almaty: the city's settlements, territories and a dangerous object placed inside.
        var seed = new Seed(api.GraphQL);
        var inside = await seed.DangerousObjectAsync([76.92, 43.25]);
        var zone = await seed.ZoneAsync(Square(76.92, 43.25, 0.05));

        var data = await api.GraphQL.QueryAsync("""
            query ($z: ID!) { zone(id: $z) { territoryKato population settlements { name population } dangerousObjects { id } territories(level: REGION) { kato } } }
            """, new { z = zone });

        var z = data["zone"]!;
        Assert.StartsWith("75", z["territoryKato"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(z["settlements"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "Almaty");
        Assert.Equal(z["settlements"]!.AsArray().Sum(s => (long)s!["population"]!.GetValue<int>()), z["population"]!.GetValue<long>());
        Assert.Contains(z["dangerousObjects"]!.AsArray(), o => o!["id"]!.GetValue<string>() == inside);
        Assert.Equal(await KatosTouchedAsync(zone), z["territories"]!.AsArray().Select(t => t!["kato"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Objects_and_zones_near_a_point_come_with_their_distance()
    {
        var seed = new Seed(api.GraphQL);
        var near = await seed.DangerousObjectAsync([79.0, 46.0]);
        var far = await seed.DangerousObjectAsync([79.0, 46.2]);

        var data = await api.GraphQL.QueryAsync("""
            { dangerousObjects(within: { point: { type: "Point", coordinates: [79.0, 46.01] }, radiusMeters: 5000 }) { nodes { id distanceMeters } } }
            """);

        var nodes = data["dangerousObjects"]!["nodes"]!.AsArray();
        var hit = Assert.Single(nodes, n => n!["id"]!.GetValue<string>() == near)!;
        Assert.DoesNotContain(nodes, n => n!["id"]!.GetValue<string>() == far);
        Assert.InRange(hit["distanceMeters"]!.GetValue<double>(), 1100, 1120); // 0.01° of latitude at 46° N ≈ 1,111 m
    }

    [Theory]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[76.0, 43.0], [77.0, 44.0], [77.0, 43.0], [76.0, 44.0], [76.0, 43.0]]] }""", "INVALID_GEOMETRY", "Self-intersection")]
    [InlineData("""{ "type": "Polygon", "coordinates": [] }""", "INVALID_GEOMETRY", "empty")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[76.0, 43.0], [77.0, 43.0], [77.0, 95.0], [76.0, 43.0]]] }""", "INVALID_GEOMETRY", "out of range")]
    [InlineData("""{ "type": "Point", "coordinates": [76.9, 43.2] }""", "INVALID_GEOMETRY", "Polygon or MultiPolygon")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[76.0, 43.0], [77.0, 43.0], [76.0, 43.0]]] }""", "INVALID_GEOMETRY", "")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[76.0, 43.0], [77.0, 43.0], [77.0, 44.0]]] }""", "INVALID_GEOMETRY", "")]
    public async Task Bad_zone_geometry_never_gets_in(string geoJson, string code, string reason)
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM emergency_zones");

        var response = await api.GraphQL.PostAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            new { i = new { kind = "ACTUAL", name = "bad", hazard = "FIRE", geometry = System.Text.Json.JsonDocument.Parse(geoJson).RootElement } });

        Assert.Equal(code, response.ErrorCode());
        Assert.Contains(reason, response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM emergency_zones"));
    }

    [Fact]
    public async Task More_vertices_than_allowed_is_an_invalid_geometry()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Geometry:MaxVertices"] = "50" });
        using var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        client.Http.DefaultRequestHeaders.Authorization = new("Bearer", api.OfficerToken);
        var ring = Enumerable.Range(0, 60).Select(i => new[] { 77 + 0.01 * Math.Cos(i * Math.PI / 30), 44 + 0.01 * Math.Sin(i * Math.PI / 30) }).ToList();
        ring.Add(ring[0]);

        var response = await client.PostAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            new { i = new { kind = "ACTUAL", name = "dense", hazard = "FIRE", geometry = new { type = "Polygon", coordinates = new[] { ring } } } });

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
        Assert.Contains("61 vertices", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task Closing_a_zone_lets_its_units_out()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        var unit = await seed.UnitAsync(service, [79.5, 44.5], "RESCUE");
        var zone = await seed.ZoneAsync(Square(79.5, 44.5, 0.01));
        var last = await api.ScalarAsync<long>("SELECT max(id) FROM events");

        await api.GraphQL.QueryAsync("mutation ($z: ID!) { closeZone(zone: $z, note: \"liquidated\") { status } }", new { z = zone });
        var again = await api.GraphQL.PostAsync("mutation ($z: ID!) { closeZone(zone: $z) { status } }", new { z = zone });

        Assert.Equal("CONFLICT", again.ErrorCode());
        var events = await KindsAfterAsync(last);
        Assert.Contains(("ZONE_CLOSED", zone), events);
        Assert.Contains(("UNIT_EXITED_ZONE", unit), events);
    }

    private static object Square(double lon, double lat, double half) => Seed.Square(lon, lat, half);

    private async Task<List<string>> UnitsInsideBySqlAsync(string zone)
    {
        await using var cmd = api.Db.CreateCommand($"SELECT u.id::text FROM response_units u JOIN emergency_zones z ON ST_Within(u.location, z.geom) WHERE z.id = '{zone}' ORDER BY u.call_sign");
        return await StringsAsync(cmd);
    }

    private async Task<List<string>> KatosTouchedAsync(string zone)
    {
        await using var cmd = api.Db.CreateCommand($"SELECT t.kato FROM territories t JOIN emergency_zones z ON ST_Intersects(t.geom, z.geom) WHERE z.id = '{zone}' AND t.level = 'REGION' ORDER BY 1");
        return await StringsAsync(cmd);
    }

    private async Task<List<(string Kind, string Entity)>> KindsAfterAsync(long after)
    {
        await using var cmd = api.Db.CreateCommand($"SELECT kind, entity_id FROM events WHERE id > {after} ORDER BY id");
        var result = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    private static async Task<List<string>> StringsAsync(NpgsqlCommand cmd)
    {
        var result = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
