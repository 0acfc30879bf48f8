using System.Text.Json.Nodes;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Issue 11 end to end: runForecast through GraphQL over HTTP, computed by the clustered scheduler's one-shot job
/// against PostGIS; zones, exposure and route crossings checked against the model and against SQL of their own.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ForecastJobTests(ApiFixture api)
{
    private const string Run = "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id state progress substance horizonsMinutes } }";

    private const string Read = """
        query ($id: ID!) { forecast(id: $id) { id state progress version error inputsHash stationId assumptions warnings { code }
          horizons { minutes depthMeters zoneId zoneVersion zone { id kind hazard version incidentId areaKm2 }
            exposure { population populationMethod settlements { id name population } dangerousObjects { id } units { id }
              routeCrossings { unitId serviceCode path distanceInsideMeters } } } } }
        """;

    private static readonly object Weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" };

    [Fact]
    public async Task A_chlorine_leak_at_an_object_becomes_one_forecast_zone_per_horizon_with_what_it_reaches()
    {
        // A settlement point 3 km downwind (east) of the store, so the zones reach people; the wind blows from the west.
        var (settlementId, town) = await SettlementAsync();
        double[] store = [town[0] - 0.037, town[1]];
        var seed = new Seed(api.GraphQL);
        var storeId = await seed.DangerousObjectAsync(store);
        var neighbour = await seed.DangerousObjectAsync([store[0] + 0.012, store[1]]);
        var service = await seed.ServiceAsync(Seed.AlmatyCity, "UDDS_112");
        var inside = await seed.UnitAsync(service.Id, [store[0] + 0.01, store[1]], "FIRE");
        // The incident is reported 2.5 km upwind; one engine comes from 13 km downwind (through the cloud), one from upwind.
        var incident = await seed.IncidentAsync([store[0] - 0.03, store[1]], "CHEMICAL_RELEASE", "chlorine smell");
        var through = await seed.UnitAsync(service.Id, [store[0] + 0.16, store[1]], "HAZMAT");
        var clear = await seed.UnitAsync(service.Id, [store[0] - 0.08, store[1]], "HAZMAT");
        await seed.DeploymentAsync(incident, through);
        await seed.DeploymentAsync(incident, clear);

        var queued = (await api.GraphQL.QueryAsync(Run, new { i = new { dangerousObject = storeId, substance = "Хлор", releasedMassKilograms = 10_000.0, incident, weather = Weather } }))["runForecast"]!;
        Assert.Equal("chlorine", queued["substance"]!.GetValue<string>());
        Assert.Equal([15, 30, 60], queued["horizonsMinutes"]!.AsArray().Select(m => m!.GetValue<int>()));
        var id = queued["id"]!.GetValue<string>();
        var forecast = await WaitAsync(id, "SUCCEEDED");

        var expected = ForecastData.Chemical.Forecast(new ChemicalReleaseInput("chlorine", 10_000, Geo(store), ForecastData.Minutes(15, 30, 60),
            new WeatherInput(2, 270, 20, Stability.Inversion)));
        var horizons = forecast["horizons"]!.AsArray();
        Assert.Equal(3, horizons.Count);
        Assert.Equal(1, forecast["version"]!.GetValue<int>());
        Assert.Equal(1.0, forecast["progress"]!.GetValue<double>());
        Assert.Equal(64, forecast["inputsHash"]!.GetValue<string>().Length);
        for (var k = 0; k < 3; k++)
        {
            var h = horizons[k]!;
            Assert.Equal(expected.Horizons[k].DepthMetres, h["depthMeters"]!.GetValue<double>(), 3);
            var zone = h["zone"]!;
            Assert.Equal("FORECAST", zone["kind"]!.GetValue<string>());
            Assert.Equal("CHEMICAL", zone["hazard"]!.GetValue<string>());
            Assert.Equal(incident, zone["incidentId"]!.GetValue<string>());
            Assert.Equal(expected.Horizons[k].PossibleAreaSquareMetres / 1e6, zone["areaKm2"]!.GetValue<double>(), expected.Horizons[k].PossibleAreaSquareMetres / 1e6 * 0.02);
            // Exposure agrees with SQL of its own over the stored zone.
            var zoneId = zone["id"]!.GetValue<string>();
            var people = await api.ScalarAsync<long>($"SELECT coalesce(sum(population), 0) FROM settlements s, emergency_zones z WHERE z.id = '{zoneId}' AND ST_Intersects(s.geom, z.geom)");
            Assert.Equal(people, h["exposure"]!["population"]!.GetValue<long>());
            Assert.Contains(inside, Ids(h["exposure"]!["units"]!, "id"));
            Assert.Contains(through, Ids(h["exposure"]!["routeCrossings"]!, "unitId"));
            Assert.DoesNotContain(clear, Ids(h["exposure"]!["routeCrossings"]!, "unitId"));
            Assert.DoesNotContain(storeId, Ids(h["exposure"]!["dangerousObjects"]!, "id"));
            Assert.All(h["exposure"]!["routeCrossings"]!.AsArray(), c => Assert.Equal("STRAIGHT_LINE", c!["path"]!.GetValue<string>()));
        }

        // 2.5 / 5 / 10 km by the 10 km/h front: the 60-minute zone reaches the town and the neighbouring store.
        Assert.Contains(settlementId, Ids(horizons[2]!["exposure"]!["settlements"]!, "id"));
        Assert.True(horizons[2]!["exposure"]!["population"]!.GetValue<long>() > 0);
        Assert.Contains(neighbour, Ids(horizons[2]!["exposure"]!["dangerousObjects"]!, "id"));
        Assert.Contains("given by the officer", string.Join(" ", forecast["assumptions"]!.AsArray().Select(a => a!.GetValue<string>())), StringComparison.Ordinal);

        Assert.Equal(3, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'ROUTE_CROSSES_HAZARD' AND entity_id = '{through}' AND payload ->> 'forecastId' = '{id}' AND payload ->> 'path' = 'STRAIGHT_LINE' AND payload ->> 'serviceCode' = '{service.Code}'"));
        Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'ROUTE_CROSSES_HAZARD' AND entity_id = '{clear}'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_QUEUED' AND entity_id = '{id}'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_COMPUTED' AND entity_id = '{id}'"));
        Assert.Equal(3, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'ZONE_CREATED' AND payload ->> 'incidentId' = '{incident}' AND payload ->> 'kind' = 'FORECAST'"));
        // The unit inside is announced by the geofence as for any zone.
        Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'UNIT_ENTERED_ZONE' AND entity_id = '{inside}'") >= 1);

        // The same inputs again: no new computation, no new zone version.
        await api.GraphQL.QueryAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { id } }", new { f = id });
        await WaitForRunsAsync(id, 2);
        var again = await ReadAsync(id);
        Assert.Equal(1, again["version"]!.GetValue<int>());
        Assert.All(again["horizons"]!.AsArray(), h => Assert.Equal(1, h!["zone"]!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Without_weather_the_nearest_meteo_station_is_used_and_a_new_wind_reading_makes_a_new_zone_version()
    {
        double[] at = [Seed.InCity[0] + 0.05, Seed.InCity[1] - 0.03];
        var (station, feed) = await MeteoStationAsync(at);
        await ObserveAsync(feed, station, 3.0, -10);

        var id = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(at[0], at[1]), substance = "ammonia", releasedMassKilograms = 5_000.0, horizonsMinutes = new[] { 20, 40 } } }))
            ["runForecast"]!["id"]!.GetValue<string>();
        var first = await WaitAsync(id, "SUCCEEDED");
        var assumptions = string.Join(" | ", first["assumptions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains($"station {station}", assumptions, StringComparison.Ordinal);
        Assert.Contains("no wind direction", assumptions, StringComparison.Ordinal);
        Assert.NotNull(first["stationId"]?.GetValue<string>());
        var zones = first["horizons"]!.AsArray().Select(h => h!["zoneId"]!.GetValue<string>()).ToList();

        await ObserveAsync(feed, station, 7.0, -1);
        await api.GraphQL.QueryAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { id } }", new { f = id });
        var second = await WaitAsync(id, "SUCCEEDED", version: 2);

        Assert.NotEqual(first["inputsHash"]!.GetValue<string>(), second["inputsHash"]!.GetValue<string>());
        Assert.Equal(zones, second["horizons"]!.AsArray().Select(h => h!["zoneId"]!.GetValue<string>()));
        Assert.All(second["horizons"]!.AsArray(), h => Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>()));
        Assert.Equal(2, await api.ScalarAsync<long>($"SELECT count(*) FROM emergency_zone_versions WHERE zone_id = '{zones[0]}'"));
    }

    [Theory]
    [InlineData("unobtainium", 1000.0, null, null, "input.substance")]
    [InlineData("chlorine", 0.0, null, null, "input.releasedMassKilograms")]
    [InlineData("chlorine", -5.0, null, null, "input.releasedMassKilograms")]
    [InlineData("chlorine", 1000.0, new[] { 30, 15 }, null, "input.horizonsMinutes")]
    [InlineData("chlorine", 1000.0, new[] { 15, 300 }, null, "input.horizonsMinutes")]
    [InlineData("chlorine", 1000.0, new[] { 0, 15 }, null, "input.horizonsMinutes")]
    [InlineData("chlorine", 1000.0, null, 80.0, "input.weather.windSpeedMetresPerSecond")]
    [InlineData("chlorine", 1000.0, null, -1.0, "input.weather.windSpeedMetresPerSecond")]
    public async Task Bad_input_is_refused_naming_the_argument_and_nothing_is_stored(string substance, double kilograms, int[]? horizons, double? wind, string argument)
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM forecasts");

        var response = await api.GraphQL.PostAsync(Run, new { i = new { location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), substance, releasedMassKilograms = kilograms,
            horizonsMinutes = horizons, weather = wind is null ? null : new { windSpeedMetresPerSecond = wind } } });

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        if (argument == "input.substance")
        {
            Assert.Contains("chlorine", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM forecasts"));
    }

    [Fact]
    public async Task Both_an_object_and_a_point_or_neither_is_bad_input()
    {
        var store = await new Seed(api.GraphQL).DangerousObjectAsync(Seed.InCity);
        foreach (var i in new object[]
        {
            new { dangerousObject = store, location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), substance = "chlorine", releasedMassKilograms = 1000.0 },
            new { substance = "chlorine", releasedMassKilograms = 1000.0 },
        })
        {
            Assert.Equal("BAD_USER_INPUT", (await api.GraphQL.PostAsync(Run, new { i })).ErrorCode());
        }
    }

    [Fact]
    public async Task A_queued_forecast_is_cancelled_and_never_computed()
    {
        // An instance without a scheduler: the forecast stays QUEUED until cancelled.
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Scheduling:Enabled"] = "false" });
        using var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        client.Http.DefaultRequestHeaders.Authorization = new("Bearer", api.OfficerToken);
        var id = (await client.QueryAsync(Run, new { i = new { location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), substance = "chlorine", releasedMassKilograms = 1000.0 } }))
            ["runForecast"]!["id"]!.GetValue<string>();
        Assert.Equal("QUEUED", (await ReadAsync(id))["state"]!.GetValue<string>());

        var cancelled = (await client.QueryAsync("mutation ($f: ID!) { cancelForecast(forecast: $f) { state } }", new { f = id }))["cancelForecast"]!;
        Assert.Equal("CANCELLED", cancelled["state"]!.GetValue<string>());
        Assert.Equal("CONFLICT", (await client.PostAsync("mutation ($f: ID!) { cancelForecast(forecast: $f) { state } }", new { f = id })).ErrorCode());
        Assert.Equal("CONFLICT", (await client.PostAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { state } }", new { f = id })).ErrorCode());
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_CANCELLED' AND entity_id = '{id}'"));
        Assert.Empty((await ReadAsync(id))["horizons"]!.AsArray());
        await app.StopAsync();
    }

    [Fact]
    public async Task A_computed_forecast_is_cancelled_with_its_zones_closed_and_listed_by_state()
    {
        var id = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(Seed.InCity[0] - 0.04, Seed.InCity[1] + 0.02), substance = "chlorine",
            releasedMassKilograms = 2000.0, horizonsMinutes = new[] { 10 }, weather = Weather } }))["runForecast"]!["id"]!.GetValue<string>();
        await WaitAsync(id, "SUCCEEDED");

        await api.GraphQL.QueryAsync("mutation ($f: ID!) { cancelForecast(forecast: $f) { state } }", new { f = id });

        var zone = (await ReadAsync(id))["horizons"]![0]!["zoneId"]!.GetValue<string>();
        Assert.Equal("CLOSED", await api.ScalarAsync<string>($"SELECT status FROM emergency_zones WHERE id = '{zone}'"));
        var listed = (await api.GraphQL.QueryAsync("{ forecasts(state: CANCELLED, first: 1000) { totalCount nodes { id state } } }"))["forecasts"]!;
        Assert.Contains(id, Ids(listed["nodes"]!, "id"));
        Assert.All(listed["nodes"]!.AsArray(), n => Assert.Equal("CANCELLED", n!["state"]!.GetValue<string>()));
    }

    private async Task<JsonNode> ReadAsync(string id) => (await api.GraphQL.QueryAsync(Read, new { id }))["forecast"]!;

    private Task<JsonNode> WaitAsync(string id, string state, int version = 1) =>
        ForecastPolling.WaitAsync(api, id, f => f["state"]!.GetValue<string>() == state && f["version"]!.GetValue<int>() >= version, read: Read);

    private async Task WaitForRunsAsync(string id, int runs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = 'compute-forecast:{id}' AND ended_at IS NOT NULL") < runs)
        {
            Assert.True(DateTime.UtcNow < deadline, "the computation did not run");
            await Task.Delay(200);
        }
    }

    private async Task<(string Id, double[] Point)> SettlementAsync()
    {
        await using var cmd = api.Db.CreateCommand(
            $"SELECT id::text, ST_X(geom), ST_Y(geom) FROM settlements ORDER BY geom <-> ST_SetSRID(ST_MakePoint({Seed.InCity[0]}, {Seed.InCity[1]}), 4326) LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), [reader.GetDouble(1), reader.GetDouble(2)]);
    }

    private Task<(string Station, string Feed)> MeteoStationAsync(double[] at) => MeteoReadings.StationAsync(api, at, 0.01, "FC");

    private Task<JsonNode> ObserveAsync(string feed, string station, double wind, int minutes) => MeteoReadings.ObserveAsync(api, feed, station, wind, minutes);

    private static List<string> Ids(JsonNode list, string field) => list.AsArray().Select(n => n![field]!.ToString()).ToList();

    private static NetTopologySuite.Geometries.Point Geo(double[] p) => new(p[0], p[1]) { SRID = 4326 };
}
