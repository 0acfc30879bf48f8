using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Issue 12, fan-out at scale: N standing subscriptions (squares of 2–20 km across the country, owned by 100 partner
/// services) and one WebSocket per subscription, spread over the given service instances. Each socket holds two
/// operations: `standingAlerts` of its own subscription (the inbox, pushed as the matcher records it) and the live
/// `alerts(area:)` over the same square. Events (small zones, each drawn over a randomly chosen subscription's centre, so
/// matching is selective: one to a few subscriptions each) are committed here through the unit of writing into the
/// service's database; the instances see them through LISTEN/NOTIFY as they see their own. Latency = the socket has the
/// message minus this process's return from the commit (one monotonic clock), and for the inbox its row's recorded_at
/// minus the commit (one machine clock). Every tenth subscription also has a webhook to a loopback receiver in this
/// process: commit → POST received measures the matcher's record, its start of the delivery job and the POST.
/// </summary>
internal static class AlertFanout
{
    private const int Services = 100;
    private const double MinLon = 50, MinLat = 43, SpanLon = 30, SpanLat = 9;

    private sealed record Square(Guid Subscription, int Service, double Lon, double Lat, double Half)
    {
        public bool Meets(double lon, double lat, double size) =>
            lon <= Lon + Half && lon + size >= Lon - Half && lat <= Lat + Half && lat + size >= Lat - Half;
    }

    private sealed class Socket(ClientWebSocket ws)
    {
        public ClientWebSocket Ws { get; } = ws;

        // One small buffer per socket: 10,000 idle receives must not hold 16 KB each.
        public byte[] Buffer { get; } = new byte[2048];

        public MemoryStream Message { get; } = new();

        public List<(char Op, long EventId, long At)> Received { get; } = [];

        public int Errors;
    }

    /// <summary>One subscription in this many has a webhook.</summary>
    private const int WebhookEvery = 10;

    public static async Task RunAsync(Uri[] instances, NpgsqlDataSource db, int sockets, int events, TimeSpan gap)
    {
        using var hooks = new HookReceiver();
        var squares = await SeedAsync(db, sockets, hooks.Url);
        var issuer = new TokenIssuer(Microsoft.Extensions.Options.Options.Create(new AuthOptions { SigningKey = AuthOptions.DevelopmentSigningKey }));

        var clients = new Socket[sockets];
        using var stop = new CancellationTokenSource();
        var readers = new Task[sockets];
        var connect = Stopwatch.StartNew();
        // A few at a time: the service's accept loop and the TLS-free handshakes share the 2 cores with everything else.
        using (var gate = new SemaphoreSlim(32))
        {
            await Task.WhenAll(Enumerable.Range(0, sockets).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var s = squares[i];
                    var token = issuer.Issue($"bench-fanout-{i}", Role.PartnerOfficer, ["*"], serviceId: ServiceCode(s.Service));
                    clients[i] = await OpenAsync(instances[i % instances.Length], token, s);
                    readers[i] = Task.Run(() => ReadAsync(clients[i], stop.Token));
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        Console.WriteLine(FormattableString.Invariant(
            $"alerts-fanout: {sockets} sockets × 2 operations on {instances.Length} instance(s) connected in {connect.Elapsed.TotalSeconds:F1} s"));
        // Subscribing has no acknowledgement in graphql-transport-ws, and the service works through the subscribe messages
        // after the sockets are open: wait until each instance's hub holds all of its operations (its readiness report counts them).
        using (var health = new HttpClient())
        {
            for (var k = 0; k < instances.Length; k++)
            {
                var operations = 2 * Enumerable.Range(0, sockets).Count(i => i % instances.Length == k);
                int held;
                while ((held = await HubSubscribersAsync(health, instances[k])) < operations)
                {
                    await Task.Delay(500);
                }

                Console.WriteLine(FormattableString.Invariant($"alerts-fanout: {instances[k]} holds {held} hub subscribers after {connect.Elapsed.TotalSeconds:F1} s"));
            }
        }

        await Task.Delay(2000);

        var random = new Random(4012);
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var committed = new List<(long Id, long At, DateTime Wall, double Lon, double Lat)>();
        const double size = 0.02;
        const int warmUp = 20;
        for (var n = 0; n < events + warmUp; n++)
        {
            var target = squares[random.Next(squares.Length)];
            var (lon, lat) = (target.Lon - size / 2, target.Lat - size / 2);
            var shape = factory.CreatePolygon([new(lon, lat), new(lon + size, lat), new(lon + size, lat + size), new(lon, lat + size), new(lon, lat)]);
            await using var w = await UnitOfWork.BeginAsync(db, new WriteOrigin("bench:alerts-fanout"), CancellationToken.None);
            w.Add(new NewEvent("ZONE_CREATED", "Zone", Guid.NewGuid().ToString(), new { name = $"fan-out {n}" }, shape));
            var ids = await w.CommitAsync(CancellationToken.None);
            var at = Stopwatch.GetTimestamp();
            if (n >= warmUp)
            {
                committed.Add((ids[0], at, DateTime.UtcNow, lon, lat));
            }

            await Task.Delay(gap);
        }

        // Let the last deliveries arrive.
        await Task.Delay(5000);
        await stop.CancelAsync();
        foreach (var c in clients)
        {
            c.Ws.Abort();
        }

        await Task.WhenAll(readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        var commitAt = committed.ToDictionary(c => c.Id, c => c.At);
        var expected = committed.Sum(c => squares.Count(s => s.Meets(c.Lon, c.Lat, size)));
        foreach (var op in new[] { 'l', 's' })
        {
            var latencies = clients.SelectMany(c => c.Received.Where(r => r.Op == op && commitAt.ContainsKey(r.EventId))
                    .Select(r => Stopwatch.GetElapsedTime(commitAt[r.EventId], r.At).TotalMilliseconds))
                .Order().ToArray();
            Console.WriteLine(FormattableString.Invariant(
                $"alerts-fanout: {(op == 'l' ? "live alerts(area:)   " : "standingAlerts socket")} commit→socket {Figures(latencies)}, delivered {latencies.Length}/{expected}"));
        }

        if (Environment.GetEnvironmentVariable("FANOUT_TIMELINE") == "1")
        {
            // The slowest delivery of each event, in commit order: a stall shows as a run of large numbers.
            var slowest = clients.SelectMany(c => c.Received).Where(r => commitAt.ContainsKey(r.EventId))
                .GroupBy(r => r.EventId).OrderBy(g => g.Key)
                .Select(g => g.Max(r => Stopwatch.GetElapsedTime(commitAt[r.EventId], r.At).TotalMilliseconds).ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"alerts-fanout: slowest delivery per event (ms): {string.Join(' ', slowest)}");
        }

        await using var inbox = db.CreateCommand("""
            SELECT e.id, extract(epoch FROM i.recorded_at) * 1000
            FROM alert_inbox i JOIN events e ON e.id = i.event_id
            WHERE i.event_id = ANY ($1)
            """);
        inbox.Parameters.Add(new NpgsqlParameter { Value = committed.Select(c => c.Id).ToArray() });
        var wall = committed.ToDictionary(c => c.Id, c => c.Wall);
        var inboxLatencies = new List<double>();
        await using (var reader = await inbox.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var recorded = DateTime.UnixEpoch.AddMilliseconds((double)reader.GetDecimal(1));
                inboxLatencies.Add((recorded - wall[reader.GetInt64(0)]).TotalMilliseconds);
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"alerts-fanout: inbox row written       commit→row    {Figures([.. inboxLatencies.Order()])}, rows {inboxLatencies.Count}/{expected}"));
        var hooked = committed.Sum(c => squares.Where((sq, i) => i % WebhookEvery == 0).Count(sq => sq.Meets(c.Lon, c.Lat, size)));
        var hookLatencies = hooks.Received.Where(r => commitAt.ContainsKey(r.EventId))
            .Select(r => Stopwatch.GetElapsedTime(commitAt[r.EventId], r.At).TotalMilliseconds).Order().ToArray();
        Console.WriteLine(FormattableString.Invariant(
            $"alerts-fanout: webhook POST received   commit→POST   {Figures(hookLatencies)}, POSTs {hookLatencies.Length}/{hooked} ({squares.Length / WebhookEvery} webhooks)"));
        Console.WriteLine(FormattableString.Invariant(
            $"alerts-fanout: {committed.Count} events {gap.TotalMilliseconds:F0} ms apart, {(double)expected / committed.Count:F2} matching subscriptions per event, subscribe errors {clients.Sum(c => c.Errors)}"));
        foreach (var c in clients)
        {
            c.Ws.Dispose();
        }
    }

    private static async Task<int> HubSubscribersAsync(HttpClient http, Uri instance)
    {
        using var report = JsonDocument.Parse(await http.GetStringAsync(new Uri(instance, "/health/ready")));
        foreach (var check in report.RootElement.GetProperty("checks").EnumerateObject())
        {
            if (check.Value.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("subscribers", out var n))
            {
                return n.GetInt32();
            }
        }

        throw new InvalidOperationException($"{instance}/health/ready reports no subscriber count");
    }

    private static string Figures(double[] sorted) => sorted.Length == 0 ? "none"
        : FormattableString.Invariant($"p50={P(sorted, 0.5):F1} ms p95={P(sorted, 0.95):F1} ms p99={P(sorted, 0.99):F1} ms max={sorted[^1]:F1} ms");

    private static double P(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string ServiceCode(int service) => FormattableString.Invariant($"BENCH-FANOUT-{service:D3}");

    private static async Task<Socket> OpenAsync(Uri instance, string token, Square s)
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("graphql-transport-ws");
        var url = new UriBuilder(instance) { Scheme = instance.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
        await ws.ConnectAsync(url, CancellationToken.None);
        await WebSocketText.SendAsync(ws, JsonSerializer.Serialize(new { type = "connection_init", payload = new { authorization = $"Bearer {token}" } }));
        var ack = await WebSocketText.ReceiveAsync(ws, CancellationToken.None);
        if (!ack.Contains("connection_ack", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"no connection_ack: {ack}");
        }

        var area = new
        {
            type = "Polygon",
            coordinates = new[] { new[] { new[] { s.Lon - s.Half, s.Lat - s.Half }, new[] { s.Lon + s.Half, s.Lat - s.Half },
                new[] { s.Lon + s.Half, s.Lat + s.Half }, new[] { s.Lon - s.Half, s.Lat + s.Half }, new[] { s.Lon - s.Half, s.Lat - s.Half } } },
        };
        await WebSocketText.SendAsync(ws, JsonSerializer.Serialize(new
        {
            id = "s",
            type = "subscribe",
            payload = new { query = "subscription ($s: ID!) { standingAlerts(subscription: $s) { entries { eventId } } }", variables = new { s = s.Subscription } },
        }));
        await WebSocketText.SendAsync(ws, JsonSerializer.Serialize(new
        {
            id = "l",
            type = "subscribe",
            payload = new { query = "subscription ($a: Geometry!) { alerts(area: $a, kinds: [ZONE_CREATED]) { id } }", variables = new { a = area } },
        }));
        return new Socket(ws);
    }

    private static async Task ReadAsync(Socket socket, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            socket.Message.SetLength(0);
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.Ws.ReceiveAsync(socket.Buffer.AsMemory(), ct);
                socket.Message.Write(socket.Buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var message = System.Text.Encoding.UTF8.GetString(socket.Message.GetBuffer(), 0, (int)socket.Message.Length);
            var at = Stopwatch.GetTimestamp();
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            var type = root.GetProperty("type").GetString();
            if (type is "error" || (type is "next" && root.GetProperty("payload").TryGetProperty("errors", out _)))
            {
                Interlocked.Increment(ref socket.Errors);
                Console.Error.WriteLine($"alerts-fanout: {message}");
                continue;
            }

            if (type != "next")
            {
                continue;
            }

            var data = root.GetProperty("payload").GetProperty("data");
            if (root.GetProperty("id").GetString() == "l")
            {
                socket.Received.Add(('l', long.Parse(data.GetProperty("alerts").GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture), at));
            }
            else
            {
                foreach (var entry in data.GetProperty("standingAlerts").GetProperty("entries").EnumerateArray())
                {
                    socket.Received.Add(('s', long.Parse(entry.GetProperty("eventId").GetString()!, System.Globalization.CultureInfo.InvariantCulture), at));
                }
            }
        }
    }

    /// <summary>A partner's system on loopback that answers every POST at once and notes when each alert's event arrived.</summary>
    private sealed class HookReceiver : IDisposable
    {
        private readonly System.Net.HttpListener _listener = new();
        private readonly List<(long EventId, long At)> _received = [];

        public HookReceiver()
        {
            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            probe.Start();
            var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = FormattableString.Invariant($"http://127.0.0.1:{port}/hook");
            _listener.Prefixes.Add(FormattableString.Invariant($"http://127.0.0.1:{port}/"));
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public List<(long EventId, long At)> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                System.Net.HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is System.Net.HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                _ = Task.Run(() =>
                {
                    using var body = JsonDocument.Parse(context.Request.InputStream);
                    var eventId = long.Parse(body.RootElement.GetProperty("eventId").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                    lock (_received)
                    {
                        _received.Add((eventId, at));
                    }

                    context.Response.StatusCode = 200;
                    context.Response.Close();
                });
            }
        }

        public void Dispose() => _listener.Close();
    }

    private static async Task<Square[]> SeedAsync(NpgsqlDataSource db, int count, string hookUrl)
    {
        var random = new Random(12012);
        var lon = new double[count];
        var lat = new double[count];
        var half = new double[count];
        var service = new int[count];
        for (var i = 0; i < count; i++)
        {
            // Squares of 2–20 km a side (0.01–0.1° half-width is about 1–10 km at these latitudes in latitude).
            (lon[i], lat[i], half[i], service[i]) = (MinLon + random.NextDouble() * SpanLon, MinLat + random.NextDouble() * SpanLat,
                0.01 + random.NextDouble() * 0.09, i % Services);
        }

        var clock = Stopwatch.StartNew();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var services = new NpgsqlCommand("""
            INSERT INTO duty_services (code, kind, name, territory_kato)
            SELECT 'BENCH-FANOUT-' || lpad(g::text, 3, '0'), 'AMBULANCE', 'fan-out benchmark ' || g, '750000000'
            FROM generate_series(0, $1 - 1) g
            ON CONFLICT (code) DO NOTHING
            """, connection, tx))
        {
            services.Parameters.Add(new NpgsqlParameter { Value = Services });
            await services.ExecuteNonQueryAsync();
        }

        await using (var clear = new NpgsqlCommand(
            "DELETE FROM alert_subscriptions WHERE owner_service_id IN (SELECT id FROM duty_services WHERE code LIKE 'BENCH-FANOUT-%')", connection, tx))
        {
            await clear.ExecuteNonQueryAsync();
        }

        var ids = new Guid[count];
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO alert_subscriptions (owner_service_id, territory_kato, name, kinds, min_severity, area, requested_area, deliver_socket, created_by, match_after,
                                             webhook_url, webhook_secret)
            SELECT d.id, '750000000', 'fan-out ' || v.n, ARRAY['ZONE_CREATED', 'ZONE_CHANGED', 'SITUATION_UPDATE_SENT'], 'UNKNOWN',
                   ST_MakeEnvelope(v.lon - v.half, v.lat - v.half, v.lon + v.half, v.lat + v.half, 4326),
                   ST_MakeEnvelope(v.lon - v.half, v.lat - v.half, v.lon + v.half, v.lat + v.half, 4326),
                   true, 'bench', (SELECT coalesce(max(id), 0) FROM events),
                   CASE WHEN (v.n - 1) % $5 = 0 THEN $6 END, CASE WHEN (v.n - 1) % $5 = 0 THEN 'bench-secret' END
            FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::int[]) WITH ORDINALITY v(lon, lat, half, service, n)
            JOIN duty_services d ON d.code = 'BENCH-FANOUT-' || lpad(v.service::text, 3, '0')
            RETURNING id, name
            """, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = lon });
            insert.Parameters.Add(new NpgsqlParameter { Value = lat });
            insert.Parameters.Add(new NpgsqlParameter { Value = half });
            insert.Parameters.Add(new NpgsqlParameter { Value = service });
            insert.Parameters.Add(new NpgsqlParameter { Value = WebhookEvery });
            insert.Parameters.Add(new NpgsqlParameter { Value = hookUrl });
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // WITH ORDINALITY counts from 1.
                ids[int.Parse(reader.GetString(1)["fan-out ".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1] = reader.GetGuid(0);
            }
        }

        await using (var state = new NpgsqlCommand("""
            INSERT INTO alert_webhook_state (subscription_id) SELECT id FROM alert_subscriptions WHERE id = ANY ($1) AND webhook_url IS NOT NULL
            """, connection, tx))
        {
            state.Parameters.Add(new NpgsqlParameter { Value = ids });
            await state.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE alert_subscriptions", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        Console.WriteLine(FormattableString.Invariant($"alerts-fanout: {count} standing subscriptions seeded in {clock.Elapsed.TotalSeconds:F1} s"));
        return [.. Enumerable.Range(0, count).Select(i => new Square(ids[i], service[i], lon[i], lat[i], half[i]))];
    }
}
