using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: a TCP fault proxy of the test's own between a service process and PostgreSQL. Latency makes calls slower,
/// not failed; dropped connections are 503 SERVICE_UNAVAILABLE and the pool recovers; a half-open database (sockets up,
/// nothing forwarded) ends every call within the connection string's bounds — Timeout for a new connection, Command
/// Timeout plus Cancellation Timeout for a statement — and the service recovers once the proxy forwards again.
/// </summary>
[Trait("Category", "Database")]
public sealed class FaultProxyTests(ITestOutputHelper output)
{
    // Timeout bounds opening (TCP and the start-up exchange); Command Timeout a statement, after which Npgsql sends a
    // cancel and waits Cancellation Timeout for it before it breaks the connection. Keepalive cannot help here: the
    // proxy's kernel answers the probes, as a stuck middlebox or a frozen server's would.
    private const int ConnectTimeoutSeconds = 3;
    private const int CommandTimeoutSeconds = 3;
    private const int CancellationTimeoutMs = 1000;
    // A call meets the stall at most three times in a row — its statement, then what follows on the error path (a
    // refused mutation's audit row, on a connection opened anew) — each ending after at most one of these bounds.
    private static readonly TimeSpan StepBound = TimeSpan.FromSeconds(Math.Max(ConnectTimeoutSeconds, CommandTimeoutSeconds + CancellationTimeoutMs / 1000.0));
    private static readonly TimeSpan CallBound = 3 * StepBound + TimeSpan.FromSeconds(3);

    private sealed record Outcome(int Status, string[] Codes, TimeSpan Elapsed)
    {
        public bool Succeeded => Status == 200 && Codes.Length == 0;
    }

    [Fact]
    public async Task Issue15_latency_dropped_and_half_open_connections_are_slow_or_503_within_bounds_and_the_service_recovers()
    {
        var name = PostgisServer.NewDatabaseName("proxy");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var direct = new NpgsqlConnectionStringBuilder(database.Service);
        await using var proxy = FaultProxy.Start(direct.Host!, direct.Port);
        var through = new NpgsqlConnectionStringBuilder(proxy.Through(database.Service))
        {
            Timeout = ConnectTimeoutSeconds,
            CommandTimeout = CommandTimeoutSeconds,
            CancellationTimeout = CancellationTimeoutMs,
        }.ConnectionString;
        try
        {
            await using var service = await ServiceProcess.StartAsync(database, new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dispatch"] = through,
                ["Dispatch:Scheduling:Enabled"] = "false",
                ["Dispatch:GraphQL:ExecutionTimeout"] = "00:00:30",
            });
            using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", ServiceProcess.Token("proxy-officer", Role.DutyOfficer112));

            // Latency: the same calls succeed, slower by at least one added hop.
            var baseline = Median(await SeriesAsync(http, 5));
            proxy.Latency = TimeSpan.FromMilliseconds(60);
            var slowed = await SeriesAsync(http, 5);
            proxy.Latency = TimeSpan.Zero;
            Assert.All(slowed, o => Assert.True(o.Succeeded, $"{o.Status} {string.Join(',', o.Codes)} under latency"));
            output.WriteLine($"latency 60 ms per chunk: median {baseline.TotalMilliseconds:F0} ms → {Median(slowed).TotalMilliseconds:F0} ms");
            Assert.True(Median(slowed) >= baseline + TimeSpan.FromMilliseconds(60), $"not slower: {baseline} → {Median(slowed)}");

            // Dropped: every connection reset under a load of queries and mutations.
            var outcomes = new List<Outcome>();
            using (var stopLoad = new CancellationTokenSource())
            {
                var load = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
                {
                    for (var n = 0; !stopLoad.IsCancellationRequested; n++)
                    {
                        var o = await SendAsync(http, (n + worker) % 2 == 0, n);
                        lock (outcomes)
                        {
                            outcomes.Add(o);
                        }
                    }
                })).ToArray();
                await Task.Delay(800);
                var before = proxy.Connections;
                proxy.DropAll();
                await Task.Delay(1500);
                await stopLoad.CancelAsync();
                await Task.WhenAll(load);
                output.WriteLine($"dropped {before} connection(s) under load: {outcomes.Count} calls, {outcomes.Count(o => o.Status == 503)} × 503, " +
                    $"{outcomes.Count(o => o.Succeeded)} answered");
            }

            Assert.DoesNotContain(outcomes, o => o.Codes.Contains("INTERNAL") || o.Status == 500);
            Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.True(o.Status == 503 && o.Codes.All(c => c == "SERVICE_UNAVAILABLE"),
                $"{o.Status} {string.Join(',', o.Codes)} after a drop"));
            var recovered = await UntilAsync(http, TimeSpan.FromSeconds(10));
            output.WriteLine($"answering again {recovered.TotalMilliseconds:F0} ms after the load stopped");
            Assert.Equal(HttpStatusCode.OK, await ReadyWithinAsync(http, TimeSpan.FromSeconds(10)));

            // Half-open: nothing forwarded, nothing closed. Calls (on pooled and on new connections) end within the bound.
            proxy.Stall();
            var stalled = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => SendAsync(http, n % 2 == 0, n)));
            var readyWhileStalled = Stopwatch.StartNew();
            using (var ready = await http.GetAsync("/health/ready"))
            {
                output.WriteLine($"half-open: {string.Join(", ", stalled.Select(o => $"{o.Status} {string.Join(',', o.Codes)} in {o.Elapsed.TotalMilliseconds:F0} ms"))}; " +
                    $"/health/ready {(int)ready.StatusCode} in {readyWhileStalled.ElapsedMilliseconds} ms");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.True(readyWhileStalled.Elapsed < CallBound, $"readiness took {readyWhileStalled.Elapsed}");
            }

            Assert.All(stalled, o =>
            {
                Assert.True(o.Status == 503 && o.Codes.All(c => c == "SERVICE_UNAVAILABLE"), $"{o.Status} {string.Join(',', o.Codes)} while half-open");
                Assert.True(o.Elapsed < CallBound, $"a call took {o.Elapsed} (bound {CallBound})");
            });

            proxy.Resume();
            var back = await UntilAsync(http, TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, await ReadyWithinAsync(http, TimeSpan.FromSeconds(15)));
            output.WriteLine($"forwarding again: answering after {back.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private static async Task<List<Outcome>> SeriesAsync(HttpClient http, int count)
    {
        var outcomes = new List<Outcome>();
        for (var i = 0; i < count; i++)
        {
            outcomes.Add(await SendAsync(http, false, i));
        }

        return outcomes;
    }

    private static TimeSpan Median(IEnumerable<Outcome> outcomes) => outcomes.Select(o => o.Elapsed).Order().ElementAt(outcomes.Count() / 2);

    private static async Task<Outcome> SendAsync(HttpClient http, bool mutation, int n)
    {
        var query = mutation
            ? $"mutation {{ declareRegime(territory: \"470000000\", regime: {(n % 2 == 0 ? "HIGH_READINESS" : "DAILY")}, basis: \"proxy test {n}\") {{ id }} }}"
            : "{ territory(kato: \"750000000\") { nameEn } }";
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync("/graphql", new { query });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var codes = body["errors"]?.AsArray().Select(e => e!["extensions"]?["code"]?.GetValue<string>() ?? "(none)").ToArray() ?? [];
        return new Outcome((int)response.StatusCode, codes, clock.Elapsed);
    }

    /// <summary>How long until a query is answered again, failing past <paramref name="within"/>.</summary>
    private static async Task<TimeSpan> UntilAsync(HttpClient http, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!(await SendAsync(http, false, 0)).Succeeded)
        {
            Assert.True(clock.Elapsed < within, $"not answering after {within}");
            await Task.Delay(100);
        }

        return clock.Elapsed;
    }

    private static async Task<HttpStatusCode> ReadyWithinAsync(HttpClient http, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(100);
        }
    }
}
