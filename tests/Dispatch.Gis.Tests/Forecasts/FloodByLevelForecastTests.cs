using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// FLOOD_BY_LEVEL end to end: a hydro post's inundation polygons set through GraphQL, the post's own WATER_LEVEL
/// readings selecting the polygon, a new reading recomputing the forecast by itself, a level below the lowest closing
/// the zone; bad input refused with nothing stored.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class FloodByLevelForecastTests(ApiFixture api)
{
    private const string SetLevels = """
        mutation ($p: ID!, $l: [InundationLevelInput!]!) { setInundationLevels(hydroPost: $p, levels: $l) { levelMetres basis } }
        """;

    [Fact]
    public async Task The_posts_readings_select_the_polygon_a_new_reading_recomputes_and_below_the_lowest_level_the_zone_closes()
    {
        double[] at = [Seed.InCity[0] + 0.4, Seed.InCity[1] - 0.1];
        using var admin = Admin();
        var (post, code, feed) = await PostAsync(admin, at);
        var levels = (await admin.QueryAsync(SetLevels, new { p = post, l = new object[]
        {
            new { levelMetres = 5.0, zone = Square(at, 0.04), basis = "test: 5 m" },
            new { levelMetres = 3.0, zone = Square(at, 0.02), basis = "test: 3 m" },
        } }))["setInundationLevels"]!.AsArray();
        Assert.Equal([3.0, 5.0], levels.Select(l => l!["levelMetres"]!.GetValue<double>()));
        var small = await AreaAsync(Square(at, 0.02));
        var large = await AreaAsync(Square(at, 0.04));

        await ObserveAsync(feed, code, 420, -30);
        var id = await ForecastPolling.RunAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post });
        var first = await ForecastPolling.SucceededAsync(api, id);
        var horizon = first["horizons"]![0]!;
        Assert.Equal(0, horizon["minutes"]!.GetValue<int>());
        Assert.Equal(3.0, horizon["figures"]!["selectedLevelMetres"]!.GetValue<double>());
        Assert.Equal(4.2, horizon["figures"]!["levelMetres"]!.GetValue<double>(), 6);
        Assert.Equal("FLOOD", horizon["zone"]!["hazard"]!.GetValue<string>());
        Assert.Equal(small, horizon["zone"]!["areaKm2"]!.GetValue<double>(), small * 0.01);

        // Nobody asks: a higher reading at the post recomputes it into the larger polygon, the same zone at its next version.
        await ObserveAsync(feed, code, 560, -10);
        var second = await ForecastPolling.SucceededAsync(api, id, version: 2);
        Assert.Equal("INPUTS_CHANGED", second["versions"]![1]!["reason"]!.GetValue<string>());
        Assert.Equal(horizon["zoneId"]!.GetValue<string>(), second["horizons"]![0]!["zoneId"]!.GetValue<string>());
        Assert.Equal(2, second["horizons"]![0]!["zone"]!["version"]!.GetValue<int>());
        Assert.Equal(large, second["horizons"]![0]!["zone"]!["areaKm2"]!.GetValue<double>(), large * 0.01);
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_INPUTS_CHANGED' AND entity_id = '{id}' AND payload -> 'changed' ? 'LEVEL'"));

        // The river falls below the lowest modelled level: no zone, the forecast says so, and the zone it had is closed.
        await ObserveAsync(feed, code, 150, -1);
        var third = await ForecastPolling.SucceededAsync(api, id, version: 3);
        Assert.Empty(third["horizons"]!.AsArray());
        Assert.Contains("BELOW_LOWEST_LEVEL", third["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()));
        Assert.Equal("CLOSED", await api.ScalarAsync<string>($"SELECT status FROM emergency_zones WHERE id = '{horizon["zoneId"]}'"));

        // A level the officer gives is drawn as given, whatever the post reads.
        var given = await ForecastPolling.RunAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post, waterLevelMetres = 5.5 });
        Assert.Equal(5.0, (await ForecastPolling.SucceededAsync(api, given))["horizons"]![0]!["figures"]!["selectedLevelMetres"]!.GetValue<double>());
    }

    [Fact]
    public async Task Flood_bad_input_is_refused_and_nothing_is_stored()
    {
        double[] at = [Seed.InCity[0] + 0.45, Seed.InCity[1] - 0.15];
        using var admin = Admin();
        var (post, _, _) = await PostAsync(admin, at);
        var (meteo, _) = await MeteoReadings.StationAsync(api, at, 0.01, "FL");
        var meteoId = await api.ScalarAsync<Guid>($"SELECT id FROM monitoring_stations WHERE code = '{meteo}'");

        // Levels: a line is no area, two polygons for one level are ambiguous, the duty officer does not set them.
        Assert.Equal("INVALID_GEOMETRY", (await admin.PostAsync(SetLevels, new { p = post, l = new[] { new { levelMetres = 3.0, zone = (object)new { type = "LineString",
            coordinates = new[] { new[] { at[0], at[1] }, new[] { at[0] + 0.01, at[1] } } } } } })).ErrorCode());
        var twice = await admin.PostAsync(SetLevels, new { p = post, l = new[] { new { levelMetres = 3.0, zone = Square(at, 0.01) }, new { levelMetres = 3.0, zone = Square(at, 0.02) } } });
        Assert.Equal("BAD_USER_INPUT", twice.ErrorCode());
        Assert.Equal("levels", twice.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal("FORBIDDEN", (await api.GraphQL.PostAsync(SetLevels, new { p = post, l = new[] { new { levelMetres = 3.0, zone = Square(at, 0.01) } } })).ErrorCode());
        Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM inundation_levels WHERE station_id = '{post}'"));

        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post, waterLevelMetres = 4.0 }, "input.hydroPost");
        await admin.QueryAsync(SetLevels, new { p = post, l = new[] { new { levelMetres = 3.0, zone = Square(at, 0.01) } } });
        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post }, "input.waterLevelMetres");
        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = meteoId, waterLevelMetres = 4.0 }, "input.hydroPost");
        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", location = Seed.Point(at[0], at[1]), waterLevelMetres = 4.0 }, "input.location");
        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post, waterLevelMetres = 4.0, horizonsMinutes = new[] { 60 } }, "input.horizonsMinutes");
        await ForecastPolling.RefusedAsync(api, new { model = "FLOOD_BY_LEVEL", hydroPost = post, waterLevelMetres = 400.0 }, "input.waterLevelMetres");
    }

    private GraphQLClient Admin() => api.Client(api.Tokens.Issue("flood-admin", Dispatch.Gis.Auth.Role.Admin, ["*"], "Flood Admin"));

    private static async Task<(string Id, string Code, string Feed)> PostAsync(GraphQLClient admin, double[] at)
    {
        var (code, feed) = (Seed.Unique("FL-POST").ToUpperInvariant(), Seed.Unique("FL-FEED").ToUpperInvariant());
        var id = (await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code, name = "flood post", @operator = "test",
            kind = "HYDRO_POST", location = Seed.Point(at[0], at[1]), parameters = new[] { "WATER_LEVEL" } } }))["upsertStation"]!["id"]!.GetValue<string>();
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "flood post", format = "PUSH",
            silenceSeconds = 86400, territory = Seed.AlmatyCity } });
        return (id, code, feed);
    }

    private Task<JsonNode> ObserveAsync(string feed, string station, double centimetres, int minutes) =>
        api.GraphQL.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }", new
        {
            f = feed,
            o = new[] { new { station, parameter = "WATER_LEVEL", observedAt = DateTime.UtcNow.AddMinutes(minutes).ToString("O"), value = centimetres, unit = "cm" } },
        });

    private Task<double> AreaAsync(object square) =>
        api.ScalarAsync<double>($"SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON('{System.Text.Json.JsonSerializer.Serialize(square)}'), 4326)::geography) / 1e6");

    private static object Square(double[] at, double half) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { at[0] - half, at[1] - half }, new[] { at[0] + half, at[1] - half }, new[] { at[0] + half, at[1] + half },
            new[] { at[0] - half, at[1] + half }, new[] { at[0] - half, at[1] - half } } },
    };
}
