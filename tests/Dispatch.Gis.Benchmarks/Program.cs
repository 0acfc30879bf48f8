using System.Diagnostics;
using System.Net.Http.Json;
using Dispatch.Gis.Benchmarks;
using Npgsql;

// Load figures against a running service; prints them, asserts nothing (targets are read by people, not tests).
//   dotnet run -c Release --project tests/Dispatch.Gis.Benchmarks -- [baseUrl] [scenario] [requests] [concurrency]
//   ... -- http://localhost:5080 fanout 20 1000    (20 changes, 1000 WebSocket subscribers)
//
// Issue-5 scenarios, against a benchmark database of their own (never the service's real one):
//   DISPATCH_BENCH_DB     Npgsql connection string of that database as its owner (seed runs ANALYZE; spatial sends
//                         the raw SQL through it; both read CPU figures of its backends from pg_stat_activity)
//   DISPATCH_BENCH_TOKEN  bearer token for the service (ingest needs one: DUTY_OFFICER_112 with territories '*')
//   DISPATCH_BENCH_SERVER_PID  the service's pid for its CPU time (default: found by its command line and port)
//   ... -- URL seed 100000 10000 0.1              units, active zones, share of zones centred on unit locations
//                                                 (after the service has migrated the database)
//   ... -- URL spatial 2000 1,4,16                requests per run, concurrency levels: units(within:) and
//                                                 nearestUnits through the service vs the same SQL through Npgsql
//   ... -- URL ingest 24 1,2,4 5000,10000         batches per run, client counts, batch sizes: reportPositions
//   ... -- URL tiles 3000 1,4,8                   requests per run, concurrency levels: units and zones tiles z8–z14
//                                                 through the service vs its own TileSql statement through Npgsql
//
// Issue-10 scenario (monitoring), against a service with its scheduler, DISPATCH_BENCH_TOKEN a nationwide ADMIN token:
//   ... -- URL monitoring 5 500,200 40            measured polls, stations,readings per station per poll, level flips:
//                                                 observations/s with threshold judgement, poll-to-SITUATION_CHANGED latency
// Issue-12 scenario (standing alert subscriptions), DISPATCH_BENCH_DB a migrated database as owner, the service NOT running on it:
//   ... -- URL alerts 500 10000 20                 events, standing subscriptions, ms between events: commit→inbox latency of the
//                                                 matcher's SQL (GiST join) run here as the service runs it
// Issue-11 scenario (forecast jobs), against a service with its scheduler; DISPATCH_BENCH_TOKEN a nationwide ADMIN token (the
// meteo station and its feed), DISPATCH_BENCH_OFFICER_TOKEN a nationwide DUTY_OFFICER_112 token (forecasts, readings):
//   ... -- URL forecasts 40 100                    single forecasts timed one at a time, live forecasts recomputed after one
//                                                 wind reading at the station they all read
//   ... -- URL[,URL2] alerts-fanout 200 10000 50   events, standing subscriptions = WebSockets (each with standingAlerts of its
//                                                 subscription and the live alerts(area:) over the same square), ms between events;
//                                                 DISPATCH_BENCH_DB the service's own database as owner (events are committed into it
//                                                 here, the instances pick them up by LISTEN). tests/Dispatch.Gis.Benchmarks/alert-fanout.sh
//                                                 makes the database, starts one or two instances and runs it.
// CPU figures come from /proc (Linux); the service, PostgreSQL and this tool share the machine's cores.
// The first argument may list several instances of one service, comma-separated (alerts-fanout spreads its sockets over them).
var instances = (args.ElementAtOrDefault(0) ?? "http://localhost:5080").Split(',').Select(u => new Uri(u)).ToArray();
var baseUrl = instances[0];
var scenarioName = args.ElementAtOrDefault(1) ?? "all";
var requests = int.Parse(args.ElementAtOrDefault(2) ?? (scenarioName == "seed" ? "100000" : "2000"), System.Globalization.CultureInfo.InvariantCulture);
var concurrencies = (args.ElementAtOrDefault(3) ?? scenarioName switch { "seed" => "10000", "ingest" => "1,2,4", _ => "8" })
    .Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
var concurrency = concurrencies[0];

if (scenarioName is "suite" or "growth")
{
    // Issue 14 (run-suite.sh starts everything): here `requests` is the seconds per measured run, the fourth argument the client counts.
    var connectionString = Environment.GetEnvironmentVariable("DISPATCH_BENCH_DB")
        ?? throw new InvalidOperationException("set DISPATCH_BENCH_DB to the benchmark database's owner connection string");
    var builder = new NpgsqlDataSourceBuilder(connectionString);
    builder.UseNetTopologySuite();
    await using var db = builder.Build();
    CpuMeter.UseDatabase(connectionString);
    using var service = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(1) };
    var peerUrl = Environment.GetEnvironmentVariable("DISPATCH_BENCH_POSTGRAPHILE");
    using var peer = string.IsNullOrEmpty(peerUrl) ? null : new HttpClient { BaseAddress = new Uri(peerUrl), Timeout = TimeSpan.FromMinutes(1) };
    int? Pid(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;
    var label = Environment.GetEnvironmentVariable("DISPATCH_BENCH_LABEL") ?? scenarioName;
    var results = Environment.GetEnvironmentVariable("DISPATCH_BENCH_RESULTS") ?? ".";
    var servicePid = CpuMeter.FindServer(baseUrl);
    var setup = new SuiteSetup(service, servicePid, peer, Pid("DISPATCH_BENCH_POSTGRAPHILE_PID"), db, connectionString, TimeSpan.FromSeconds(requests),
        concurrencies, results, label, Peers: scenarioName == "suite");
    var rows = await Suite.RunAsync(setup, growth: scenarioName == "growth");
    var rss = servicePid is { } sp ? Rss(sp) : "unknown";
    var units = (long)(await db.CreateCommand("SELECT count(*) FROM response_units").ExecuteScalarAsync())!;
    var zoneCount = (long)(await db.CreateCommand("SELECT count(*) FROM emergency_zones WHERE status = 'ACTIVE'").ExecuteScalarAsync())!;
    var heading = $"### {label}: {units:N0} units, {zoneCount:N0} active zones, {requests} s per run; service RSS after the runs {rss}; " +
                  $"{Environment.ProcessorCount} cores shared by everything (load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]})";
    var markdown = SuiteReport.Markdown(rows, heading);
    Console.WriteLine();
    Console.WriteLine(markdown);
    Directory.CreateDirectory(results);
    await File.WriteAllTextAsync(Path.Combine(results, $"{label}.md"), markdown);
    await File.WriteAllTextAsync(Path.Combine(results, $"{label}.svg"),
        SuiteReport.Svg(rows, $"{label}: {units:N0} units, {zoneCount:N0} zones, 2 cores shared (service, PostgreSQL, peers, load generator)"));
    // Relative to where the tool runs, so a log committed beside the results names no machine's folders.
    Console.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(results, label))}.md and .svg");
    return;

    static string Rss(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        string Line(string key) => status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Line("VmRSS")} (peak {Line("VmHWM")})";
    }
}

if (scenarioName is "seed" or "spatial" or "ingest" or "tiles")
{
    var connectionString = Environment.GetEnvironmentVariable("DISPATCH_BENCH_DB")
        ?? throw new InvalidOperationException("set DISPATCH_BENCH_DB to the benchmark database's owner connection string");
    var dataSource = new NpgsqlDataSourceBuilder(connectionString);
    dataSource.UseNetTopologySuite();
    await using var db = dataSource.Build();
    if (scenarioName == "seed")
    {
        // Here `requests` is the number of units, `concurrency` the number of active zones, the fifth argument the
        // share of zones centred on unit locations (the rest are uniform in the country).
        var cityZoneShare = double.Parse(args.ElementAtOrDefault(4) ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);
        await Seed.RunAsync(db, units: requests, zones: concurrency, cityZoneShare);
        return;
    }

    using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
    if (Environment.GetEnvironmentVariable("DISPATCH_BENCH_TOKEN") is { Length: > 0 } token)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    var serverPid = CpuMeter.FindServer(baseUrl);
    CpuMeter.UseDatabase(connectionString);
    if (scenarioName == "spatial")
    {
        await SpatialVsRaw.RunAsync(client, db, serverPid, requests, concurrencies);
    }
    else if (scenarioName == "tiles")
    {
        await TilesVsRaw.RunAsync(client, db, serverPid, requests, concurrencies);
    }
    else
    {
        // Here `requests` is the number of batches per run and the fifth argument the batch sizes.
        var sizes = (args.ElementAtOrDefault(4) ?? "5000,10000").Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await PositionIngest.RunAsync(client, db, serverPid, requests, concurrencies, sizes);
    }

    return;
}

if (scenarioName == "monitoring")
{
    // Issue 10: here `requests` is the number of measured polls, the fourth argument "stations,readings" per poll and the
    // fifth the number of level flips for the latency; DISPATCH_BENCH_TOKEN must be a nationwide ADMIN token.
    var token = Environment.GetEnvironmentVariable("DISPATCH_BENCH_TOKEN")
        ?? throw new InvalidOperationException("set DISPATCH_BENCH_TOKEN to a nationwide ADMIN token (the token command prints one)");
    var shape = (args.ElementAtOrDefault(3) ?? "500,200").Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    var flips = int.Parse(args.ElementAtOrDefault(4) ?? "40", System.Globalization.CultureInfo.InvariantCulture);
    using var admin = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
    admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    // With DISPATCH_BENCH_DB (the service's database, as owner) the PostgreSQL backends' CPU is counted too.
    if (Environment.GetEnvironmentVariable("DISPATCH_BENCH_DB") is { Length: > 0 } monitored)
    {
        CpuMeter.UseDatabase(monitored);
    }

    await MonitoringBench.RunAsync(admin, baseUrl, token, CpuMeter.FindServer(baseUrl), requests, shape[0], shape[1], flips);
    return;
}

if (scenarioName == "alerts")
{
    var connectionString = Environment.GetEnvironmentVariable("DISPATCH_BENCH_DB")
        ?? throw new InvalidOperationException("set DISPATCH_BENCH_DB to a migrated benchmark database's owner connection string");
    // Prepared as in the service (Dispatch:Database:MaxAutoPrepare): the matching statement is planned once, not per batch.
    var builder = new NpgsqlDataSourceBuilder(Dispatch.Gis.Storage.DatabaseSetup.WithAutoPrepare(connectionString, Dispatch.Gis.Storage.DatabaseSetup.DefaultMaxAutoPrepare));
    builder.UseNetTopologySuite();
    await using var db = builder.Build();
    var gapMs = int.Parse(args.ElementAtOrDefault(4) ?? "20", System.Globalization.CultureInfo.InvariantCulture);
    await AlertMatching.RunAsync(db, subscriptions: concurrency, events: requests, TimeSpan.FromMilliseconds(gapMs));
    return;
}

if (scenarioName == "forecasts")
{
    // Here `requests` is the number of single forecasts timed and the fourth argument the number of live forecasts.
    HttpClient Bearer(string variable)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            Environment.GetEnvironmentVariable(variable) ?? throw new InvalidOperationException($"set {variable} (the token command prints one)"));
        return client;
    }

    using var officer = Bearer("DISPATCH_BENCH_OFFICER_TOKEN");
    using var admin = Bearer("DISPATCH_BENCH_TOKEN");
    await ForecastBench.RunAsync(officer, admin, singles: requests, live: concurrency);
    return;
}

if (scenarioName == "alerts-fanout")
{
    var connectionString = Environment.GetEnvironmentVariable("DISPATCH_BENCH_DB")
        ?? throw new InvalidOperationException("set DISPATCH_BENCH_DB to the service's database as its owner");
    var builder = new NpgsqlDataSourceBuilder(connectionString);
    builder.UseNetTopologySuite();
    await using var db = builder.Build();
    var gapMs = int.Parse(args.ElementAtOrDefault(4) ?? "50", System.Globalization.CultureInfo.InvariantCulture);
    await AlertFanout.RunAsync(instances, db, sockets: concurrency, events: requests, TimeSpan.FromMilliseconds(gapMs));
    return;
}

if (scenarioName == "fanout")
{
    // Here `requests` is the number of changes and `concurrency` the number of WebSocket subscribers.
    await Fanout.RunAsync(baseUrl, subscribers: concurrency, changes: requests);
    return;
}

using var http = new HttpClient { BaseAddress = baseUrl };
foreach (var scenario in Scenarios.All.Where(s => scenarioName == "all" || s.Name == scenarioName))
{
    // Warm-up: JIT, connection pool, PostgreSQL caches.
    await LoadRun.RunAsync(http, scenario, Math.Min(200, requests), concurrency);
    var result = await LoadRun.RunAsync(http, scenario, requests, concurrency);
    Console.WriteLine(result);
}

namespace Dispatch.Gis.Benchmarks
{
    internal sealed record Scenario(string Name, string Query, object? Variables = null);

    internal static class Scenarios
    {
        public static readonly Scenario[] All =
        [
            new("regions", "{ territories(level: REGION) { totalCount nodes { kato nameKk nameRu nameEn areaKm2 } } }"),
            new("contains-point", "query ($p: Geometry!) { territories(containsPoint: $p) { nodes { kato nameEn level } } }",
                new { p = new { type = "Point", coordinates = new[] { 76.95, 43.24 } } }),
            new("districts-simplified", "{ territories(level: DISTRICT, first: 1000) { nodes { kato geometry(simplifyMeters: 2000) } } }"),
        ];
    }

    internal sealed record LoadResult(string Scenario, int Requests, int Concurrency, int Failures, double Seconds, double[] SortedMs)
    {
        public double Median => Percentile(0.50);

        public double Percentile(double p) => SortedMs[Math.Clamp((int)Math.Ceiling(p * SortedMs.Length) - 1, 0, SortedMs.Length - 1)];

        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Scenario,-22} n={Requests} c={Concurrency} failures={Failures} throughput={Requests / Seconds:F0} req/s " +
            $"p50={Percentile(0.50):F2} ms p95={Percentile(0.95):F2} ms p99={Percentile(0.99):F2} ms max={SortedMs[^1]:F2} ms");
    }

    internal static class LoadRun
    {
        public static async Task<LoadResult> RunAsync(HttpClient http, Scenario scenario, int requests, int concurrency)
        {
            var latencies = new double[requests];
            var next = -1;
            var failures = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsJsonAsync("/graphql", new { query = scenario.Query, variables = scenario.Variables });
                    var body = await response.Content.ReadAsStringAsync();
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode || body.Contains("\"errors\"", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }));
            Array.Sort(latencies);
            return new LoadResult(scenario.Name, requests, concurrency, failures, clock.Elapsed.TotalSeconds, latencies);
        }
    }
}
