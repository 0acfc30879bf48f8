using static Dispatch.Gis.Benchmarks.BenchGraphQL;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Issue 11's two figures against a running service with its scheduler: (1) one chemical forecast with exposure —
/// runForecast, then the clustered one-shot job's model run, zone writes and exposure queries — as the database clock
/// times it (createdAt → finishedAt, and startedAt → finishedAt for the computation alone), one at a time; (2) N live
/// forecasts that read one meteorological station, recomputed after one new wind reading there: from the moment the
/// reading is posted to the moment the last of them has its new version (its finishedAt).
/// </summary>
internal static class ForecastBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task RunAsync(HttpClient officer, HttpClient admin, int singles, int live)
    {
        var run = DateTime.UtcNow.ToString("HHmmss", Invariant);
        // Almaty: settlements, objects and units inside the zones, so exposure has something to count.
        double[] centre = [76.93, 43.25];
        var weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" };
        await OneAsync(officer, centre, weather); // warm-up: plans, pools, JIT
        var total = new List<double>();
        var compute = new List<double>();
        for (var i = 0; i < singles; i++)
        {
            var at = new[] { centre[0] + (i % 10 - 5) * 0.01, centre[1] + (i / 10 - 2) * 0.01 };
            var (queueToResult, computation) = await OneAsync(officer, at, weather);
            total.Add(queueToResult);
            compute.Add(computation);
        }

        Console.WriteLine($"forecast: one chemical forecast with exposure, 3 horizons, {singles} one at a time: queued→SUCCEEDED p50 {P(total, 0.5):F1} ms, p95 {P(total, 0.95):F1} ms; " +
            $"computation alone (RUNNING→SUCCEEDED) p50 {P(compute, 0.5):F1} ms, p95 {P(compute, 0.95):F1} ms");

        // N forecasts around one station (all within its 50 km), none with weather of its own: all read the station.
        var station = $"BENCH-{run}-METEO";
        var feed = $"BENCH-{run}-WIND";
        double[] where = [76.60, 43.30];
        await GraphQLAsync(admin, "mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "bench meteo", @operator = "bench",
            kind = "METEO_STATION", location = Point(where[0], where[1]), parameters = new[] { "WIND_SPEED", "AIR_TEMPERATURE" } } });
        await GraphQLAsync(admin, "mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "bench wind", format = "PUSH",
            silenceSeconds = 86400 } });
        await ObserveAsync(officer, feed, station, 3.0, DateTime.UtcNow.AddMinutes(-5));
        var ids = new List<string>();
        for (var i = 0; i < live; i++)
        {
            var at = new[] { where[0] + (i % 10 - 5) * 0.02, where[1] + (i / 10 - 5) * 0.015 };
            var data = await GraphQLAsync(officer, "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new { i = new { location = Point(at[0], at[1]),
                substance = i % 2 == 0 ? "chlorine" : "ammonia", releasedMassKilograms = 5_000.0 + i * 100, horizonsMinutes = new[] { 15, 30, 60 } } });
            ids.Add(data.GetProperty("runForecast").GetProperty("id").GetString()!);
        }

        await WaitVersionsAsync(officer, ids, 1);
        Console.WriteLine($"forecast: {live} live forecasts on station {station} computed (version 1)");

        var posted = DateTime.UtcNow;
        await ObserveAsync(officer, feed, station, 6.0, posted.AddSeconds(-1));
        var last = await WaitVersionsAsync(officer, ids, 2);
        Console.WriteLine($"forecast: one wind reading → {live} forecasts recomputed (version 2): {(last - posted).TotalSeconds:F2} s " +
            $"(reading posted → last new version's finishedAt)");

        // Tidy: the benchmark's forecasts stop following the station.
        foreach (var id in ids)
        {
            await GraphQLAsync(officer, "mutation ($f: ID!) { cancelForecast(forecast: $f) { id } }", new { f = id });
        }
    }

    private static async Task<(double Total, double Computation)> OneAsync(HttpClient officer, double[] at, object weather)
    {
        var data = await GraphQLAsync(officer, "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new { i = new { location = Point(at[0], at[1]),
            substance = "chlorine", releasedMassKilograms = 10_000.0, weather } });
        var id = data.GetProperty("runForecast").GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var f = (await GraphQLAsync(officer, "query ($id: ID!) { forecast(id: $id) { state createdAt startedAt finishedAt error } }", new { id })).GetProperty("forecast");
            var state = f.GetProperty("state").GetString();
            if (state == "SUCCEEDED")
            {
                var created = f.GetProperty("createdAt").GetDateTime();
                var started = f.GetProperty("startedAt").GetDateTime();
                var finished = f.GetProperty("finishedAt").GetDateTime();
                await GraphQLAsync(officer, "mutation ($f: ID!) { cancelForecast(forecast: $f) { id } }", new { f = id });
                return ((finished - created).TotalMilliseconds, (finished - started).TotalMilliseconds);
            }

            if (state == "FAILED" || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"forecast {id}: {f}");
            }

            await Task.Delay(5);
        }
    }

    private static async Task<DateTime> WaitVersionsAsync(HttpClient officer, List<string> ids, int version)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var nodes = (await GraphQLAsync(officer, "{ forecasts(first: 1000, state: SUCCEEDED) { nodes { id version finishedAt } } }"))
                .GetProperty("forecasts").GetProperty("nodes").EnumerateArray()
                .Where(n => wanted.Contains(n.GetProperty("id").GetString()!) && n.GetProperty("version").GetInt32() >= version).ToList();
            if (nodes.Count == ids.Count)
            {
                return nodes.Max(n => n.GetProperty("finishedAt").GetDateTime().ToUniversalTime());
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"only {nodes.Count} of {ids.Count} forecasts reached version {version}");
            }

            await Task.Delay(50);
        }
    }

    private static Task<JsonElement> ObserveAsync(HttpClient http, string feed, string station, double wind, DateTime at) =>
        GraphQLAsync(http, "mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }", new
        {
            f = feed,
            o = new object[]
            {
                new { station, parameter = "WIND_SPEED", observedAt = at.ToString("O", Invariant), value = wind, unit = "m/s" },
                new { station, parameter = "AIR_TEMPERATURE", observedAt = at.ToString("O", Invariant), value = 12.0, unit = "°C" },
            },
        });

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }
}
