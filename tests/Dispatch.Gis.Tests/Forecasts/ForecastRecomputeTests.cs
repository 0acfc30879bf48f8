using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Issue 11, forecasts that follow their inputs: a new wind reading at the station a forecast reads and an edit of the
/// object whose stock it releases recompute it without anyone asking, each result a version with the inputs it used;
/// the periodic refresh computes nothing twice; a computation that cannot run is FAILED and leaves the last good
/// version's zones as they were. Through GraphQL over HTTP, the clustered scheduler and PostGIS.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ForecastRecomputeTests(ApiFixture api)
{
    private const string Run = "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id state massFromStock releasedMassKilograms } }";

    private const string Read = """
        query ($id: ID!) { forecast(id: $id) { id state version error inputsHash massFromStock assumptions
          versions { version reason inputsHash inputs computedAt }
          horizons { minutes depthMeters zoneId zoneVersion zone { id version areaKm2 } } } }
        """;

    private static readonly object Weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" };

    [Fact]
    public async Task A_new_wind_reading_at_its_station_recomputes_the_forecast_as_a_new_version_and_a_refresh_computes_nothing_twice()
    {
        double[] at = [Seed.InCity[0] - 0.06, Seed.InCity[1] + 0.04];
        var (station, feed) = await MeteoStationAsync(at);
        await ObserveAsync(feed, station, 3.0, -10);
        var id = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(at[0], at[1]), substance = "ammonia", releasedMassKilograms = 5_000.0,
            horizonsMinutes = new[] { 20, 40 } } }))["runForecast"]!["id"]!.GetValue<string>();
        var first = await WaitAsync(id, f => f["state"]!.GetValue<string>() == "SUCCEEDED" && f["version"]!.GetValue<int>() == 1);
        var area = first["horizons"]![1]!["zone"]!["areaKm2"]!.GetValue<double>();

        // Nobody asks: the reading alone recomputes it.
        await ObserveAsync(feed, station, 7.0, -1);
        var second = await WaitAsync(id, f => f["state"]!.GetValue<string>() == "SUCCEEDED" && f["version"]!.GetValue<int>() == 2);

        var versions = second["versions"]!.AsArray();
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["QUEUED", "INPUTS_CHANGED"], versions.Select(v => v!["reason"]!.GetValue<string>()));
        Assert.Equal(3.0, versions[0]!["inputs"]!["weather"]!["windSpeedMetresPerSecond"]!.GetValue<double>());
        Assert.Equal(7.0, versions[1]!["inputs"]!["weather"]!["windSpeedMetresPerSecond"]!.GetValue<double>());
        Assert.Equal(first["inputsHash"]!.GetValue<string>(), versions[0]!["inputsHash"]!.GetValue<string>());
        Assert.Equal(second["inputsHash"]!.GetValue<string>(), versions[1]!["inputsHash"]!.GetValue<string>());
        Assert.NotEqual(versions[0]!["inputsHash"]!.GetValue<string>(), versions[1]!["inputsHash"]!.GetValue<string>());
        // The zones are the same zones at their next version, and they moved.
        Assert.Equal(first["horizons"]!.AsArray().Select(h => h!["zoneId"]!.GetValue<string>()), second["horizons"]!.AsArray().Select(h => h!["zoneId"]!.GetValue<string>()));
        Assert.All(second["horizons"]!.AsArray(), h => Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>()));
        Assert.NotEqual(area, second["horizons"]![1]!["zone"]!["areaKm2"]!.GetValue<double>());
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_INPUTS_CHANGED' AND entity_id = '{id}' AND payload -> 'changed' ? 'WEATHER'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_COMPUTED' AND entity_id = '{id}' AND payload ->> 'reason' = 'INPUTS_CHANGED'"));

        // The periodic refresh computes it again with the same inputs: the run happens, no version, no zone version.
        const string RefreshesThatRequested = "SELECT count(*) FROM job_runs WHERE job = 'refresh-forecasts' AND outcome = 'SUCCEEDED' AND rows >= 1";
        var runs = await RunsAsync(id);
        var refreshes = await api.ScalarAsync<long>(RefreshesThatRequested);
        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey("refresh-forecasts", "service"), new JobDataMap(), CancellationToken.None);
        await WaitForAsync(async () => await RunsAsync(id) > runs, "the refresh did not compute the forecast");
        // The refresh records its own run after it has put the computations on the scheduler, so a fast computation
        // can end before that record is written.
        await WaitForAsync(async () => await api.ScalarAsync<long>(RefreshesThatRequested) > refreshes, "the refresh recorded no run that requested a computation");
        var third = await ReadAsync(id);
        Assert.Equal(2, third["version"]!.GetValue<int>());
        Assert.Equal(2, third["versions"]!.AsArray().Count);
        Assert.All(third["horizons"]!.AsArray(), h => Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>()));
        // And the watcher, having seen the reading, does not ask again.
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_INPUTS_CHANGED' AND entity_id = '{id}'"));
    }

    [Fact]
    public async Task The_refresh_runs_on_the_configured_interval()
    {
        var jobs = await api.GraphQL.QueryAsync("{ scheduledJobs { name intervalSeconds } }");
        Assert.Contains(jobs["scheduledJobs"]!.AsArray(), j => j!["name"]!.GetValue<string>() == "refresh-forecasts" && j["intervalSeconds"]!.GetValue<double>() == 600);
    }

    [Fact]
    public async Task An_edit_of_the_objects_stock_recomputes_and_a_stock_gone_is_FAILED_with_the_last_zones_untouched()
    {
        double[] at = [Seed.InCity[0] + 0.08, Seed.InCity[1] - 0.05];
        var store = await new Seed(api.GraphQL).DangerousObjectAsync(at);
        var queued = (await api.GraphQL.QueryAsync(Run, new { i = new { dangerousObject = store, substance = "chlorine", horizonsMinutes = new[] { 15, 30 }, weather = Weather } }))["runForecast"]!;
        Assert.True(queued["massFromStock"]!.GetValue<bool>());
        Assert.Equal(20_000.0, queued["releasedMassKilograms"]!.GetValue<double>());
        var id = queued["id"]!.GetValue<string>();
        var first = await WaitAsync(id, f => f["state"]!.GetValue<string>() == "SUCCEEDED" && f["version"]!.GetValue<int>() == 1);
        Assert.Equal(20_000.0, first["versions"]![0]!["inputs"]!["releasedMassKilograms"]!.GetValue<double>());
        Assert.Contains("declared stock", string.Join(" ", first["assumptions"]!.AsArray().Select(a => a!.GetValue<string>())), StringComparison.Ordinal);

        await EditStockAsync(store, at, 40.0);
        var second = await WaitAsync(id, f => f["version"]!.GetValue<int>() == 2);
        Assert.Equal("SUCCEEDED", second["state"]!.GetValue<string>());
        Assert.Equal(40_000.0, second["versions"]![1]!["inputs"]!["releasedMassKilograms"]!.GetValue<double>());
        Assert.Equal("INPUTS_CHANGED", second["versions"]![1]!["reason"]!.GetValue<string>());
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_INPUTS_CHANGED' AND entity_id = '{id}' AND payload -> 'changed' ? 'STOCK'"));
        var zones = second["horizons"]!.AsArray().Select(h => h!["zoneId"]!.GetValue<string>()).ToList();
        var shapes = await ShapesAsync(zones);

        await EditStockAsync(store, at, null);
        var failed = await WaitAsync(id, f => f["state"]!.GetValue<string>() == "FAILED", allowFailed: true);
        Assert.Contains("no longer declares a stock of chlorine", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, failed["version"]!.GetValue<int>());
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_FAILED' AND entity_id = '{id}' AND payload ->> 'error' LIKE '%no longer declares%'"));
        Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = 'compute-forecast:{id}' AND outcome = 'FAILED'") >= 1);
        // Nothing half-written: the zones are at the version the last good computation wrote, with its shapes.
        Assert.All(failed["horizons"]!.AsArray(), h => Assert.Equal(2, h!["zone"]!["version"]!.GetValue<int>()));
        Assert.Equal(shapes, await ShapesAsync(zones));
    }

    [Fact]
    public async Task A_first_computation_that_cannot_run_is_FAILED_with_no_zone_written()
    {
        double[] at = [Seed.InCity[0] + 0.11, Seed.InCity[1] + 0.06];
        var store = await new Seed(api.GraphQL).DangerousObjectAsync(at);
        // Queued where no scheduler runs, so the stock can go before the computation does.
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Scheduling:Enabled"] = "false" });
        using var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        client.Http.DefaultRequestHeaders.Authorization = new("Bearer", api.OfficerToken);
        var id = (await client.QueryAsync(Run, new { i = new { dangerousObject = store, substance = "chlorine", weather = Weather } }))["runForecast"]!["id"]!.GetValue<string>();
        await app.StopAsync();
        await EditStockAsync(store, at, null);

        await api.GraphQL.QueryAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { id } }", new { f = id });
        var failed = await WaitAsync(id, f => f["state"]!.GetValue<string>() == "FAILED", allowFailed: true);

        Assert.Equal(0, failed["version"]!.GetValue<int>());
        Assert.Empty(failed["horizons"]!.AsArray());
        Assert.Empty(failed["versions"]!.AsArray());
        Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM forecast_horizons WHERE forecast_id = '{id}'"));
        Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM emergency_zone_versions WHERE note LIKE 'forecast {id}%'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FORECAST_FAILED' AND entity_id = '{id}'"));
    }

    [Fact]
    public async Task Without_a_mass_a_release_needs_an_object_that_declares_the_substance()
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM forecasts");
        var store = await new Seed(api.GraphQL).DangerousObjectAsync([Seed.InCity[0] + 0.02, Seed.InCity[1]]);
        foreach (var i in new object[]
        {
            new { location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), substance = "chlorine" },
            new { dangerousObject = store, substance = "ammonia" },
        })
        {
            var response = await api.GraphQL.PostAsync(Run, new { i });
            Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
            Assert.Equal("input.releasedMassKilograms", response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        }

        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM forecasts"));
    }

    private async Task<List<string>> ShapesAsync(List<string> zones)
    {
        var shapes = new List<string>();
        foreach (var zone in zones)
        {
            shapes.Add(await api.ScalarAsync<string>($"SELECT md5(ST_AsBinary(geom)) || ':' || version FROM emergency_zones WHERE id = '{zone}'"));
        }

        return shapes;
    }

    private Task<JsonNode> EditStockAsync(string store, double[] at, double? tonnes) =>
        api.GraphQL.QueryAsync("mutation ($input: DangerousObjectInput!) { upsertDangerousObject(input: $input) { id } }", new
        {
            input = new
            {
                id = store, name = Seed.Unique("Object"), hazardClass = "CHEMICAL", objectKind = "chlorine store", @operator = "Test operator",
                geometry = Seed.Point(at[0], at[1]),
                substances = tonnes is { } t ? new object[] { new { name = "chlorine", unNumber = "1017", quantityTonnes = t, state = "LIQUEFIED_GAS" } } : [],
            },
        });

    private async Task<long> RunsAsync(string id) =>
        await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = 'compute-forecast:{id}' AND ended_at IS NOT NULL");

    private async Task<JsonNode> ReadAsync(string id) => (await api.GraphQL.QueryAsync(Read, new { id }))["forecast"]!;

    private Task<JsonNode> WaitAsync(string id, Func<JsonNode, bool> done, bool allowFailed = false) => ForecastPolling.WaitAsync(api, id, done, allowFailed, Read);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(200);
        }
    }

    private Task<(string Station, string Feed)> MeteoStationAsync(double[] at) => MeteoReadings.StationAsync(api, at, 0.005, "FR");

    private Task<JsonNode> ObserveAsync(string feed, string station, double wind, int minutes) => MeteoReadings.ObserveAsync(api, feed, station, wind, minutes);
}
