using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Change-to-delivery latency: N WebSocket subscribers on events, M changes made over HTTP. Latency is the time a
/// subscriber has the event minus the event's occurredAt (set inside the writing transaction; same machine clock),
/// so it covers commit, NOTIFY, the listener's read, fan-out, execution and the socket write.
/// </summary>
internal static class Fanout
{
    public static async Task RunAsync(Uri baseUrl, int subscribers, int changes)
    {
        var wsUrl = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
        var latencies = new List<double>[subscribers];
        var sockets = new ClientWebSocket[subscribers];
        using var stop = new CancellationTokenSource();

        var connect = Stopwatch.StartNew();
        for (var i = 0; i < subscribers; i++)
        {
            latencies[i] = new List<double>(changes);
            sockets[i] = new ClientWebSocket();
            sockets[i].Options.AddSubProtocol("graphql-transport-ws");
            await sockets[i].ConnectAsync(wsUrl, CancellationToken.None);
            await WebSocketText.SendAsync(sockets[i], """{"type":"connection_init","payload":{}}""");
            await WebSocketText.ReceiveAsync(sockets[i], CancellationToken.None);
            await WebSocketText.SendAsync(sockets[i], """{"id":"1","type":"subscribe","payload":{"query":"subscription { events(kinds: [\"REGIME_DECLARED\"]) { id occurredAt } }"}}""");
        }

        Console.WriteLine($"fanout: {subscribers} subscribers connected in {connect.Elapsed.TotalSeconds:F1} s");
        var refusals = new string?[subscribers];
        var readers = sockets.Select((socket, i) => Task.Run(() => ReadAsync(socket, latencies[i], r => refusals[i] = r, stop.Token))).ToArray();
        await Task.Delay(1000);

        using var http = new HttpClient { BaseAddress = baseUrl };
        // Mutations need a token (DUTY_OFFICER_112 with Mangystau, 470000000, in its territories); run-suite.sh mints one.
        if (Environment.GetEnvironmentVariable("DISPATCH_BENCH_TOKEN") is { Length: > 0 } token)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        var refused = 0;
        for (var n = 0; n < changes; n++)
        {
            var regime = n % 2 == 0 ? "HIGH_READINESS" : "DAILY";
            using var response = await http.PostAsJsonAsync("/graphql", new
            {
                query = $"mutation {{ declareRegime(territory: \"470000000\", regime: {regime}, basis: \"fan-out benchmark {n}\") {{ id }} }}",
            });
            response.EnsureSuccessStatusCode();
            // A declaration of the regime already in force is refused and makes no event: it is not a change to deliver.
            if ((await response.Content.ReadAsStringAsync()).Contains("\"errors\"", StringComparison.Ordinal))
            {
                refused++;
            }

            await Task.Delay(200);
        }

        await Task.Delay(2000);
        await stop.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        // A subscription the service refused (anonymous readers share one identity and its subscription quota) is not owed anything.
        var subscribed = refusals.Count(r => r is null);
        var expected = (long)subscribed * (changes - refused);
        if (subscribed < subscribers)
        {
            Console.WriteLine($"fanout: {subscribers - subscribed} subscription(s) refused, e.g. {refusals.First(r => r is not null)}");
        }

        double P(double p) => all.Length == 0 ? double.NaN : all[Math.Clamp((int)Math.Ceiling(p * all.Length) - 1, 0, all.Length - 1)];
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"fanout: subscribers={subscribers} changes={changes} delivered={all.Length}/{expected} " +
            $"p50={P(0.50):F1} ms p95={P(0.95):F1} ms p99={P(0.99):F1} ms max={P(1):F1} ms; changes refused {refused}; " +
            $"fewest received by one subscriber that was accepted {latencies.Where((_, i) => refusals[i] is null).DefaultIfEmpty([]).Min(l => l.Count)}, most {latencies.Max(l => l.Count)}"));
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }
    }

    private static async Task ReadAsync(ClientWebSocket socket, List<double> latencies, Action<string> refused, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var message = await WebSocketText.ReceiveAsync(socket, ct);
            var received = DateTime.UtcNow;
            using var json = JsonDocument.Parse(message);
            var type = json.RootElement.GetProperty("type").GetString();
            if (type == "error")
            {
                refused(message);
            }

            if (type != "next")
            {
                continue;
            }

            var occurred = json.RootElement.GetProperty("payload").GetProperty("data").GetProperty("events").GetProperty("occurredAt").GetDateTime();
            latencies.Add((received - occurred.ToUniversalTime()).TotalMilliseconds);
        }
    }
}
