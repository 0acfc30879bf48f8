using static Dispatch.Gis.Benchmarks.BenchGraphQL;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Dispatch.Gis.FeedSimulator;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Issue 10's two figures against a running service, with the feed simulator started here (loopback, as in the demo):
/// ingestion throughput — a CSV of stations × readings per poll, each row checked and judged against its station's own
/// levels, written by COPY, then the territories judged — and poll-to-SITUATION_CHANGED latency: a feed polled every
/// second whose one reading crosses a danger level and back; from the moment the simulator answered the poll that
/// carried the change to the moment a WebSocket subscriber has the SITUATION_CHANGED event.
/// </summary>
internal static class MonitoringBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task RunAsync(HttpClient http, Uri baseUrl, string token, int? serverPid, int rounds, int stations, int rowsPerStation, int flips)
    {
        await using var simulator = await FeedSimulatorServer.StartAsync();
        var run = DateTime.UtcNow.ToString("HHmmss", Invariant);
        Console.WriteLine($"monitoring: simulator at {simulator.BaseAddress}; {stations} stations × {rowsPerStation} readings per poll, {rounds} rounds; {flips} level flips");

        // Stations around Kostanay, each with its own levels, so every row is judged against station thresholds.
        var codes = Enumerable.Range(0, stations).Select(i => $"BENCH-{run}-{i:D5}").ToArray();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(codes.Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, ct) =>
            await GraphQLAsync(http, "mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = s.c, name = "bench " + s.c, @operator = "bench",
                kind = "HYDRO_POST", location = Point(63.55 + s.i % 50 * 0.003, 53.17 + s.i / 50 * 0.003), parameters = new[] { "WATER_LEVEL" },
                thresholds = new object[]
                {
                    new { parameter = "WATER_LEVEL", level = "ELEVATED", value = 500, validFrom = "2020-01-01", verified = false },
                    new { parameter = "WATER_LEVEL", level = "HIGH", value = 600, validFrom = "2020-01-01", verified = false },
                    new { parameter = "WATER_LEVEL", level = "CRITICAL", value = 700, validFrom = "2020-01-01", verified = false },
                } } }));
        Console.WriteLine($"monitoring: {stations} stations registered in {clock.Elapsed.TotalSeconds:F1} s");

        var feed = $"BENCH-{run}-CSV";
        simulator.SetPayload("bench/ingest.csv", "station,time,parameter,value,unit\n", "text/csv");
        await GraphQLAsync(http, "mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "benchmark", format = "CSV",
            url = simulator.FeedUrl("bench/ingest.csv"), intervalSeconds = 86400, timeoutSeconds = 120, silenceSeconds = 86400, retryAttempts = 0 } });
        await WaitForRunsAsync(http, feed, 1);

        var rates = new List<double>();
        var cpuRates = new List<double>();
        var random = new Random(42);
        for (var round = 0; round <= rounds; round++)
        {
            // Every round's readings are new (their own minutes), so each is stored, not skipped as a resend.
            var text = new StringBuilder("station,time,parameter,value,unit\n");
            var start = DateTime.UtcNow.AddDays(-20).AddMinutes((round + 1) * rowsPerStation);
            foreach (var code in codes)
            {
                for (var k = 0; k < rowsPerStation; k++)
                {
                    text.Append(code).Append(',').Append(start.AddMinutes(k).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant)).Append(",WATER_LEVEL,")
                        .Append((300 + random.Next(450)).ToString(Invariant)).Append(",cm\n");
                }
            }

            simulator.SetPayload("bench/ingest.csv", text.ToString(), "text/csv");
            var meter = new CpuMeter(serverPid);
            await meter.StartAsync();
            var wall = Stopwatch.StartNew();
            await GraphQLAsync(http, "mutation ($c: String!) { pollFeed(code: $c) { code } }", new { c = feed });
            var r = await WaitForRunsAsync(http, feed, round + 2);
            var job = await JobAsync(http, feed);
            var seconds = (r.GetProperty("endedAt").GetDateTime() - r.GetProperty("startedAt").GetDateTime()).TotalSeconds;
            var stored = r.GetProperty("stored").GetInt32();
            var rate = stored / seconds;
            var usage = await meter.StopAsync();
            // The machine is shared: what two dedicated cores would sustain at the CPU this round cost the service and its database.
            var cpuRate = usage.ServiceAndDatabase > 0 ? 2 * stored / usage.ServiceAndDatabase : double.NaN;
            Console.WriteLine(string.Create(Invariant,
                $"monitoring: round {round}{(round == 0 ? " (warm-up)" : "")}: stored {stored} of {r.GetProperty("received").GetInt32()} in {seconds:F2} s (fetch to commit) = {rate:F0} observations/s; " +
                $"with the judgement after it {job:F2} s; poll request to run visible {wall.Elapsed.TotalSeconds:F2} s"));
            Console.WriteLine(string.Create(Invariant, $"    {usage.Per(stored / 1000.0, "1000 observations")}; at this CPU, 2 dedicated cores: {cpuRate:F0} observations/s"));
            if (round > 0)
            {
                rates.Add(rate);
                cpuRates.Add(cpuRate);
            }
        }

        rates.Sort();
        cpuRates.Sort();
        Console.WriteLine(string.Create(Invariant,
            $"monitoring: ingest median {rates[rates.Count / 2]:F0} observations/s wall clock (min {rates[0]:F0}, max {rates[^1]:F0}); " +
            $"by CPU spent, 2 dedicated cores: median {cpuRates[cpuRates.Count / 2]:F0} observations/s"));

        await LatencyAsync(http, baseUrl, token, simulator, run, flips);
    }

    private static async Task LatencyAsync(HttpClient http, Uri baseUrl, string token, FeedSimulatorServer simulator, string run, int flips)
    {
        // Atyrau: far from the stations above, so its levels move only with this feed.
        var station = $"BENCH-{run}-LAT";
        var feed = $"BENCH-{run}-LATENCY";
        const string Path = "bench/latency.csv";
        await GraphQLAsync(http, "mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "latency", @operator = "bench",
            kind = "HYDRO_POST", location = Point(51.92, 47.11), parameters = new[] { "WATER_LEVEL" },
            thresholds = new[] { new { parameter = "WATER_LEVEL", level = "HIGH", value = 600, validFrom = "2020-01-01", verified = false } } } });
        string Reading(double value) =>
            $"station,time,parameter,value,unit\n{station},{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss.fff'Z'},WATER_LEVEL,{value.ToString(Invariant)},cm\n";
        simulator.SetPayload(Path, Reading(400), "text/csv");

        var wsUrl = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(wsUrl, CancellationToken.None);
        await WebSocketText.SendAsync(socket, JsonSerializer.Serialize(new { type = "connection_init", payload = new { authorization = "Bearer " + token } }));
        await WebSocketText.ReceiveAsync(socket, CancellationToken.None);
        await WebSocketText.SendAsync(socket, """{"id":"1","type":"subscribe","payload":{"query":"subscription { events(kinds: [\"SITUATION_CHANGED\"]) { territoryKato payload } }"}}""");
        var changes = System.Threading.Channels.Channel.CreateUnbounded<(DateTimeOffset At, string To)>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var message = await WebSocketText.ReceiveAsync(socket, stop.Token);
                var at = DateTimeOffset.UtcNow;
                using var json = JsonDocument.Parse(message);
                if (json.RootElement.GetProperty("type").GetString() == "next")
                {
                    var payload = json.RootElement.GetProperty("payload").GetProperty("data").GetProperty("events").GetProperty("payload");
                    if (payload.GetProperty("domain").GetString() == "HYDROLOGICAL" && payload.GetProperty("name").GetString() is { } && IsAtyrau(json))
                    {
                        changes.Writer.TryWrite((at, payload.GetProperty("to").GetString()!));
                    }
                }
            }
        });

        await GraphQLAsync(http, "mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "latency", format = "CSV",
            url = simulator.FeedUrl(Path), intervalSeconds = 1, silenceSeconds = 3600, retryAttempts = 0 } });
        await WaitForRunsAsync(http, feed, 1);
        await Task.Delay(1500);
        while (changes.Reader.TryRead(out _))
        {
        }

        var pollToEvent = new List<double>();
        var changeToEvent = new List<double>();
        for (var n = 0; n < flips; n++)
        {
            var high = n % 2 == 0;
            var changedAt = DateTimeOffset.UtcNow;
            simulator.SetPayload(Path, Reading(high ? 650 : 420), "text/csv");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            (DateTimeOffset At, string To) change;
            do
            {
                change = await changes.Reader.ReadAsync(wait.Token);
            }
            while (change.To != (high ? "HIGH" : "NORMAL"));

            // The poll that carried the change: the first request served after it was put in place.
            var served = simulator.Requests(Path).First(r => r.At > changedAt).At;
            pollToEvent.Add((change.At - served).TotalMilliseconds);
            changeToEvent.Add((change.At - changedAt).TotalMilliseconds);
            await Task.Delay(300);
            while (changes.Reader.TryRead(out _))
            {
            }
        }

        await GraphQLAsync(http, "mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "latency", format = "CSV",
            url = simulator.FeedUrl(Path), intervalSeconds = 1, silenceSeconds = 3600, retryAttempts = 0, enabled = false } });
        await stop.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default);
        Console.WriteLine(Percentiles("monitoring: poll answered → SITUATION_CHANGED received", pollToEvent));
        Console.WriteLine(Percentiles("monitoring: payload changed → SITUATION_CHANGED received (includes up to 1 s until the next poll)", changeToEvent));
    }

    private static bool IsAtyrau(JsonDocument json) =>
        json.RootElement.GetProperty("payload").GetProperty("data").GetProperty("events").GetProperty("territoryKato").GetString() is { } kato && kato.StartsWith("23", StringComparison.Ordinal);

    private static string Percentiles(string what, List<double> values)
    {
        var sorted = values.Order().ToArray();
        double P(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return string.Create(Invariant, $"{what}: n={sorted.Length} p50={P(0.5):F0} ms p95={P(0.95):F0} ms p99={P(0.99):F0} ms max={P(1):F0} ms");
    }

    private static async Task<JsonElement> WaitForRunsAsync(HttpClient http, string feed, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var runs = (await GraphQLAsync(http, "query ($c: String!, $n: Int!) { feed(code: $c) { runs(first: $n) { id startedAt endedAt received stored } } }",
                new { c = feed, n = Math.Min(count, 100) })).GetProperty("feed").GetProperty("runs");
            if (runs.GetArrayLength() >= Math.Min(count, 100) && (count <= 100 || runs.GetArrayLength() == 100))
            {
                if (await JobAsync(http, feed) is not double.NaN)
                {
                    return runs[0];
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"feed {feed} did not reach {count} runs");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The newest poll's ledger duration (fetch, ingest and the judgement after it); NaN while it still runs.</summary>
    private static async Task<double> JobAsync(HttpClient http, string feed)
    {
        var runs = (await GraphQLAsync(http, "query ($j: String!) { jobRuns(job: $j, first: 1) { nodes { startedAt endedAt outcome } } }", new { j = "poll-feed:" + feed }))
            .GetProperty("jobRuns").GetProperty("nodes");
        if (runs.GetArrayLength() == 0 || runs[0].GetProperty("endedAt").ValueKind == JsonValueKind.Null)
        {
            return double.NaN;
        }

        return (runs[0].GetProperty("endedAt").GetDateTime() - runs[0].GetProperty("startedAt").GetDateTime()).TotalSeconds;
    }
}
