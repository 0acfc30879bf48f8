using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Units;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class UnitSpatialTests(ApiFixture api)
{
    // One degree of latitude near 43° N is 111,055 m on the WGS 84 spheroid (meridian arc); hand-checkable.
    private const double MetresPerDegreeLatitude = 111_055;

    [Fact]
    public async Task Within_returns_exactly_the_units_inside_the_radius_with_their_distances()
    {
        // Arrange: units due north of a point in the steppe far from other test data, at known distances.
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "AMBULANCE");
        double[] origin = [75.5, 44.0];
        var offsets = new[] { 1_000.0, 4_900, 5_100, 10_000 };
        var units = new List<string>();
        foreach (var metres in offsets)
        {
            units.Add(await seed.UnitAsync(service, [origin[0], origin[1] + metres / MetresPerDegreeLatitude], "MEDICAL"));
        }

        // Act
        var data = await api.GraphQL.QueryAsync("""
            query ($w: WithinInput!) { units(within: $w, first: 1000) { totalCount nodes { id distanceMeters } } }
            """, new { w = new { point = Seed.Point(origin[0], origin[1]), radiusMeters = 5000 } });

        // Assert: the hand-placed ones, and the same set PostGIS gives for the same question in SQL written here.
        var nodes = data["units"]!["nodes"]!.AsArray();
        var found = nodes.Select(n => n!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Contains(units[0], found);
        Assert.Contains(units[1], found);
        Assert.DoesNotContain(units[2], found);
        Assert.DoesNotContain(units[3], found);
        Assert.Equal(await IdsWithinAsync(origin, 5000), found.Order());
        Assert.Equal(found.Count, data["units"]!["totalCount"]!.GetValue<long>());
        var first = nodes.Single(n => n!["id"]!.GetValue<string>() == units[0])!;
        Assert.InRange(first["distanceMeters"]!.GetValue<double>(), 995, 1005);
    }

    [Fact]
    public async Task A_list_reads_only_what_is_selected_yet_every_way_of_selecting_gets_its_values()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion);
        double[] at = [75.1, 44.6];
        var unit = await seed.UnitAsync(service, at);
        var within = new { point = Seed.Point(at[0], at[1]), radiusMeters = 50 };

        // The same columns reached by a plain selection, a named fragment, an inline fragment and edges.
        var data = await api.GraphQL.QueryAsync("""
            query ($w: WithinInput!) {
              lean: units(within: $w) { nodes { id callSign } }
              named: units(within: $w) { nodes { ...Where } }
              inline: units(within: $w) { edges { node { ... on Unit { base vehicles { type count } distanceMeters } } } }
              nearest: nearestUnits(point: $w.point, first: 1) { nodes { id baseName position { point } } }
            }
            fragment Where on Unit { id location }
            """.Replace("$w.point", "{ type: \"Point\", coordinates: [75.1, 44.6] }", StringComparison.Ordinal), new { w = within });

        Assert.Equal(unit, data["lean"]!["nodes"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(at, data["named"]!["nodes"]![0]!["location"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        var node = data["inline"]!["edges"]![0]!["node"]!;
        Assert.Equal(at, node["base"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.Equal("patrol car", node["vehicles"]![0]!["type"]!.GetValue<string>());
        Assert.InRange(node["distanceMeters"]!.GetValue<double>(), 0, 0.01);
        Assert.Equal(unit, data["nearest"]!["nodes"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nearest_units_come_in_true_distance_order_and_respect_the_filters()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        double[] origin = [76.2, 44.3];
        var rng = new Random(7);
        for (var i = 0; i < 12; i++)
        {
            await seed.UnitAsync(service, [origin[0] + (rng.NextDouble() - 0.5) * 0.2, origin[1] + (rng.NextDouble() - 0.5) * 0.2], i % 2 == 0 ? "FIRE" : "RESCUE");
        }

        var data = await api.GraphQL.QueryAsync("""
            query ($p: Geometry!) { nearestUnits(point: $p, profile: FIRE, first: 5) { nodes { id profile distanceMeters } } }
            """, new { p = Seed.Point(origin[0], origin[1]) });

        var nodes = data["nearestUnits"]!["nodes"]!.AsArray();
        Assert.Equal(5, nodes.Count);
        Assert.All(nodes, n => Assert.Equal("FIRE", n!["profile"]!.GetValue<string>()));
        var expected = await NearestTruthAsync(origin, "profile = $3", "FIRE", 5);
        Assert.Equal(expected, nodes.Select(n => n!["id"]!.GetValue<string>()));
        var distances = nodes.Select(n => n!["distanceMeters"]!.GetValue<double>()).ToList();
        Assert.Equal(distances.Order(), distances);
    }

    [Fact]
    public async Task Nearest_units_are_the_spheroid_truth_where_degrees_would_rank_them_otherwise_and_at_random_points()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        double[] origin = [78.6, 45.2];
        // At 45° N a degree of longitude is 0.71 of a degree of latitude: 1,000 m east is 0.0127°, 1,200 m north 0.0108°,
        // so by degrees the unit due north is nearer and on the ground the one due east is.
        var east = await seed.UnitAsync(service, [origin[0] + 1_000 / (111_320 * Math.Cos(origin[1] * Math.PI / 180)), origin[1]], "FIRE");
        var north = await seed.UnitAsync(service, [origin[0], origin[1] + 1_200 / MetresPerDegreeLatitude], "FIRE");
        const string Nearest = """
            query ($p: Geometry!, $s: ID!, $n: Int) { nearestUnits(point: $p, service: $s, first: $n) { nodes { id distanceMeters } } }
            """;

        var two = (await api.GraphQL.QueryAsync(Nearest, new { p = Seed.Point(origin[0], origin[1]), s = service, n = 2 }))["nearestUnits"]!["nodes"]!.AsArray();
        Assert.Equal([east, north], two.Select(n => n!["id"]!.GetValue<string>()));
        Assert.InRange(two[0]!["distanceMeters"]!.GetValue<double>(), 995, 1_005);

        var rng = new Random(14);
        for (var i = 0; i < 30; i++)
        {
            await seed.UnitAsync(service, [origin[0] + (rng.NextDouble() - 0.5) * 0.3, origin[1] + (rng.NextDouble() - 0.5) * 0.2], "FIRE");
        }

        for (var probe = 0; probe < 12; probe++)
        {
            double[] at = [origin[0] + (rng.NextDouble() - 0.5) * 0.4, origin[1] + (rng.NextDouble() - 0.5) * 0.3];
            var first = new[] { 1, 3, 7, 40 }[probe % 4];
            var nodes = (await api.GraphQL.QueryAsync(Nearest, new { p = Seed.Point(at[0], at[1]), s = service, n = first }))["nearestUnits"]!["nodes"]!.AsArray();
            Assert.Equal(await NearestTruthAsync(at, "service_id = $3::uuid", service, first), nodes.Select(n => n!["id"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_UTM_43N_point_lands_within_a_metre_of_where_it_was_meant()
    {
        // Truth: the lon/lat we start from; PostGIS (in the test) gives its UTM 43N coordinates.
        double[] lonLat = [76.95, 43.24];
        await using var cmd = api.Db.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), 32643) p");
        cmd.Parameters.Add(new NpgsqlParameter { Value = lonLat[0] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = lonLat[1] });
        double easting, northing;
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (easting, northing) = (reader.GetDouble(0), reader.GetDouble(1));
        }

        var (service, _, _) = await new Seed(api.GraphQL).ServiceAsync(Seed.AlmatyCity);
        var data = await api.GraphQL.QueryAsync("""
            mutation ($input: CreateUnitInput!) { createUnit(input: $input) { base } }
            """, new { input = new { service, callSign = Seed.Unique("UTM"), profile = "POLICE", personnel = 2, @base = Seed.Point(easting, northing), crs = 32643 } });

        var coordinates = data["createUnit"]!["base"]!["coordinates"]!.AsArray();
        var metres = Haversine(lonLat[0], lonLat[1], coordinates[0]!.GetValue<double>(), coordinates[1]!.GetValue<double>());
        Assert.True(metres < 1, $"{metres} m away");
    }

    [Fact]
    public async Task An_unknown_CRS_is_refused_and_nothing_is_written()
    {
        var (service, _, _) = await new Seed(api.GraphQL).ServiceAsync(Seed.AlmatyCity);
        var before = await CountAsync("SELECT count(*) FROM response_units");

        var response = await api.GraphQL.PostAsync("""
            mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }
            """, new { input = new { service, callSign = Seed.Unique("X"), profile = "POLICE", personnel = 2, @base = Seed.Point(660000, 4790000), crs = 999999 } });

        Assert.Equal("UNKNOWN_CRS", response.ErrorCode());
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM response_units"));
    }

    [Theory]
    [InlineData("[[1, 2], [3]]", "radius", 0)]
    [InlineData("[76.9, 43.2]", "radius", -5)]
    [InlineData("[76.9, 43.2]", "radius", 3_000_000)]
    public async Task Nonsense_within_arguments_are_refused(string coordinates, string reason, double radius)
    {
        var response = await api.GraphQL.PostAsync($$"""
            { units(within: { point: { type: "Point", coordinates: {{coordinates}} }, radiusMeters: {{radius.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }) { totalCount } }
            """);

        Assert.Contains(response.ErrorCode(), new[] { "INVALID_GEOMETRY", "BAD_USER_INPUT" });
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public async Task Status_changes_follow_the_allowed_transitions()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity, "UDDS_112");
        var unit = await seed.UnitAsync(service, Seed.InCity, "FIRE");
        const string Set = "mutation ($u: ID!, $s: UnitStatus!) { setUnitStatus(unit: $u, status: $s) { status allowedNextStatuses } }";

        var bad = await api.GraphQL.PostAsync(Set, new { u = unit, s = "ON_SCENE" });
        Assert.Equal("CONFLICT", bad.ErrorCode());
        Assert.Contains("AVAILABLE", bad.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var status in new[] { "DISPATCHED", "EN_ROUTE", "ON_SCENE", "LEAVING", "RETURNING", "AVAILABLE" })
        {
            var data = await api.GraphQL.QueryAsync(Set, new { u = unit, s = status });
            Assert.Equal(status, data["setUnitStatus"]!["status"]!.GetValue<string>());
        }

        Assert.Equal(6, await CountAsync($"SELECT count(*) FROM events WHERE kind = 'UNIT_STATUS_CHANGED' AND entity_id = '{unit}'"));
    }

    private async Task<List<string>> IdsWithinAsync(double[] origin, double metres)
    {
        await using var cmd = api.Db.CreateCommand("""
            SELECT id::text FROM response_units
            WHERE ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) <= $3 ORDER BY 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin[0] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin[1] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = metres });
        return await ReadStringsAsync(cmd);
    }

    /// <summary>The truth: every unit matching <paramref name="condition"/> (over $3) ordered by spheroid distance and id.</summary>
    private async Task<List<string>> NearestTruthAsync(double[] origin, string condition, object value, int count)
    {
        await using var cmd = api.Db.CreateCommand($"""
            SELECT id::text FROM response_units WHERE {condition}
            ORDER BY ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography), id LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin[0] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = origin[1] });
        cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = count });
        return await ReadStringsAsync(cmd);
    }

    private static async Task<List<string>> ReadStringsAsync(NpgsqlCommand cmd)
    {
        var result = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    internal static double Haversine(double lon1, double lat1, double lon2, double lat2)
    {
        const double R = 6_371_008.8;
        double Rad(double d) => d * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Rad(lat2 - lat1) / 2), 2) + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Pow(Math.Sin(Rad(lon2 - lon1) / 2), 2);
        return 2 * R * Math.Asin(Math.Sqrt(a));
    }
}
