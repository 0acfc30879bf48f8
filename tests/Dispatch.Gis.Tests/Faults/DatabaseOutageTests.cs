using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: the database restarting (immediate: every backend killed) and then stopping for seconds under a bounded load
/// of queries and mutations, on a PostgreSQL of the test's own. An outage must read as one — 503 with Retry-After and
/// SERVICE_UNAVAILABLE, readiness 503 then 200 without a restart of the service, Warning lines without stacks — and the
/// subscriber must get every event the log holds, once each, in order.
/// </summary>
[Trait("Category", "Database")]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private sealed record Outcome(int Status, string[] Codes, bool RetryAfter, bool Mutation, bool Succeeded);

    [Fact]
    public async Task Issue15_a_database_restart_and_stop_under_load_is_a_503_outage_and_no_event_is_lost_or_repeated()
    {
        await using var pg = await PrivatePostgis.StartAsync();
        var sink = new LogSink();
        await using var app = await ApiFixture.StartAsync(pg.Service, pg.Owner,
            new Dictionary<string, string?> { ["Dispatch:Scheduling:Enabled"] = "false" },
            b => b.Services.AddSingleton<ILogEventSink>(sink));
        var baseUri = new Uri(app.Urls.First());
        var token = app.Services.GetRequiredService<TokenIssuer>().Issue("outage-test", Role.DutyOfficer112, ["*"], "Outage Test");
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, await ReadinessWithinAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(20)));

        await using var ws = await RawWebSocket.ConnectAsync(baseUri);
        await ws.InitAsync(token);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "live", type = "subscribe", payload = new { query = "subscription { events(kinds: [\"REGIME_DECLARED\"]) { id } }" } });
        var received = new ConcurrentQueue<long>();
        var others = new ConcurrentQueue<JsonObject>();
        using var stopReading = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stopReading.IsCancellationRequested && await ws.ReceiveAsync(TimeSpan.FromSeconds(120)) is { } message)
            {
                if (message["id"]?.GetValue<string>() == "live" && message["type"]!.GetValue<string>() == "next")
                {
                    received.Enqueue(long.Parse(message["payload"]!["data"]!["events"]!["id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    others.Enqueue(message);
                }
            }
        });

        // The subscription is live once its first event arrives; the log is compared from that event on.
        Assert.True((await SendAsync(http, true, 0)).Succeeded);
        await WaitUntilAsync(() => !received.IsEmpty, TimeSpan.FromSeconds(15), "the first event");
        var firstId = received.First();

        var outcomes = new ConcurrentQueue<Outcome>();
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 3).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; !stopLoad.IsCancellationRequested; n++)
            {
                outcomes.Enqueue(await SendAsync(http, (n + worker) % 2 == 0, n));
                await Task.Delay(10);
            }
        })).ToArray();

        await Task.Delay(1000);
        await pg.RestartImmediateAsync();
        await Task.Delay(1500);

        await pg.StopAsync();
        var readyWhileDown = await ReadinessWithinAsync(http, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        await ws.SendAsync(new { id = "during", type = "subscribe", payload = new { query = "{ territory(kato: \"750000000\") { nameEn } }" } });
        await WaitUntilAsync(() => others.Any(m => m["id"]?.GetValue<string>() == "during"), TimeSpan.FromSeconds(15), "the answer to a query over the WebSocket");
        await Task.Delay(3000);

        await pg.StartServerAsync();
        var back = Stopwatch.StartNew();
        var readyAfter = await ReadinessWithinAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(20));
        var readyDelay = back.Elapsed;
        var afterStart = outcomes.Count;
        await Task.Delay(2000);
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        await using var owner = Npgsql.NpgsqlDataSource.Create(pg.Owner);
        var logged = new List<long>();
        await using (var cmd = owner.CreateCommand("SELECT id FROM events WHERE kind = 'REGIME_DECLARED' AND id >= $1 ORDER BY id"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = firstId });
            await using var rows = await cmd.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                logged.Add(rows.GetInt64(0));
            }
        }

        await WaitUntilAsync(() => received.Contains(logged[^1]), TimeSpan.FromSeconds(15), $"event {logged[^1]}");
        await Task.Delay(500); // a duplicate would arrive about now
        await stopReading.CancelAsync();

        var all = outcomes.ToArray();
        var unavailable = all.Where(o => o.Status == 503).ToArray();
        var succeededAfterStart = all.Skip(afterStart).Count(o => o.Mutation && o.Succeeded);
        output.WriteLine($"{all.Length} requests: {all.Count(o => o.Succeeded)} answered, {unavailable.Length} × 503, " +
            $"{all.Count(o => o.Status == 500)} × 500, {all.Count(o => o.Codes.Contains("INTERNAL"))} INTERNAL; " +
            $"ready again {readyDelay.TotalMilliseconds:F0} ms after the database; {logged.Count} events logged, {received.Count} received");

        Assert.DoesNotContain(all, o => o.Status == 500);
        Assert.DoesNotContain(all, o => o.Codes.Contains("INTERNAL"));
        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, o => Assert.True(o.RetryAfter && o.Codes.Length > 0 && o.Codes.All(c => c == "SERVICE_UNAVAILABLE"),
            $"a 503 without Retry-After or with codes {string.Join(',', o.Codes)}"));
        var otherFailures = all.Where(o => !o.Succeeded && o.Status != 503).Select(o => $"{o.Status} {string.Join(',', o.Codes)}").Distinct().ToArray();
        Assert.True(otherFailures.Length == 0, "failed otherwise: " + string.Join("; ", otherFailures));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDown);
        Assert.Equal(HttpStatusCode.OK, readyAfter);
        Assert.True(succeededAfterStart > 0, "no mutation succeeded after the database came back");

        var during = others.First(m => m["id"]?.GetValue<string>() == "during");
        Assert.Equal("error", during["type"]!.GetValue<string>());
        Assert.Equal("SERVICE_UNAVAILABLE", during["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());

        // Every event the log holds from the first one on, each once, in commit order.
        Assert.Equal(logged, received.ToArray());

        var errors = sink.Events.Where(e => e.Level >= LogEventLevel.Error).Select(LogSink.Describe).ToArray();
        Assert.True(errors.Length == 0, "logged as errors:\n" + string.Join('\n', errors.Distinct().Take(10)));
        var outageLines = sink.Events.Where(e => e.MessageTemplate.Text.StartsWith("Database unavailable", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(outageLines);
        Assert.All(outageLines, e => Assert.True(e.Level == LogEventLevel.Warning && e.Exception is null && e.Properties.ContainsKey("TraceId")));
        Assert.Contains(sink.Events, e => e.MessageTemplate.Text.StartsWith("Mutation {Operation}", StringComparison.Ordinal)
            && e.Properties.ContainsKey("TraceId") && e.Properties.ContainsKey("Arguments"));
        await app.StopAsync();
    }

    private static async Task<Outcome> SendAsync(HttpClient http, bool mutation, int n)
    {
        var query = mutation
            ? $"mutation {{ declareRegime(territory: \"470000000\", regime: {(n % 2 == 0 ? "HIGH_READINESS" : "DAILY")}, basis: \"outage test {n}\") {{ id }} }}"
            : "{ territory(kato: \"750000000\") { nameEn } }";
        using var response = await http.PostAsJsonAsync("/graphql", new { query });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var codes = body["errors"]?.AsArray().Select(e => e!["extensions"]?["code"]?.GetValue<string>() ?? "(none)").ToArray() ?? [];
        return new Outcome((int)response.StatusCode, codes, response.Headers.RetryAfter is not null, mutation,
            response.StatusCode == HttpStatusCode.OK && codes.Length == 0 && body["data"] is JsonObject);
    }

    private static async Task<HttpStatusCode> ReadinessWithinAsync(HttpClient http, HttpStatusCode wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        HttpStatusCode status;
        do
        {
            using var response = await http.GetAsync("/health/ready");
            status = response.StatusCode;
            if (status == wanted)
            {
                break;
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        return status;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
