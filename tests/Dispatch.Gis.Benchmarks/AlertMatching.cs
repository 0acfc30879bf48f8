using System.Diagnostics;
using Dispatch.Gis.Alerts;
using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Issue 12: commit-to-inbox latency of the standing-subscription matcher. Seeds N subscriptions (squares of 2–20 km
/// across Kazakhstan, one benchmark service), then commits events one at a time through the unit of writing, each a zone
/// somewhere among them, while a matcher loop here — the service's own AlertMatcher.MatchBatchAsync, woken by LISTEN as the
/// service's is — records them. Latency = the matcher's commit (its cursor now at or past the event) minus the event's
/// commit, on one clock. The service must not run against this database meanwhile (its matcher would take the batches).
/// </summary>
internal static class AlertMatching
{
    public static async Task RunAsync(NpgsqlDataSource db, int subscriptions, int events, TimeSpan gap)
    {
        await SeedAsync(db, subscriptions);
        await using (var start = db.CreateCommand("UPDATE alert_matcher_cursor SET last_event_id = (SELECT coalesce(max(id), 0) FROM events) WHERE name = 'standing'"))
        {
            await start.ExecuteNonQueryAsync();
        }

        using var stop = new CancellationTokenSource();
        var done = new List<(long Cursor, long At)>();
        var matcher = Task.Run(() => MatchLoopAsync(db, done, stop.Token));
        var committed = new List<(long Id, long At)>();
        var random = new Random(12);
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        for (var i = 0; i < events + 20; i++)
        {
            var (lon, lat) = (50 + random.NextDouble() * 30, 43 + random.NextDouble() * 9);
            var shape = factory.CreatePolygon([new(lon, lat), new(lon + 0.02, lat), new(lon + 0.02, lat + 0.02), new(lon, lat + 0.02), new(lon, lat)]);
            await using var w = await UnitOfWork.BeginAsync(db, new WriteOrigin("bench:alerts"), CancellationToken.None);
            w.Add(new NewEvent("ZONE_CREATED", "Zone", Guid.NewGuid().ToString(), new { name = "bench" }, shape));
            var ids = await w.CommitAsync(CancellationToken.None);
            // The first 20 warm up the JIT, the pool and the plan cache.
            if (i >= 20)
            {
                committed.Add((ids[0], Stopwatch.GetTimestamp()));
            }

            await Task.Delay(gap);
        }

        var last = committed[^1].Id;
        while (Snapshot(done).LastOrDefault().Cursor < last)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await matcher.ContinueWith(_ => { }, TaskScheduler.Default);
        var marks = Snapshot(done);
        var latencies = committed.Select(c => Stopwatch.GetElapsedTime(c.At, marks.First(m => m.Cursor >= c.Id).At).TotalMilliseconds).Order().ToArray();
        await using var matched = db.CreateCommand("SELECT count(*) FROM alert_inbox WHERE event_id >= $1");
        matched.Parameters.Add(new NpgsqlParameter { Value = committed[0].Id });
        var rows = (long)(await matched.ExecuteScalarAsync())!;
        Console.WriteLine(FormattableString.Invariant(
            $"alerts: {subscriptions} standing subscriptions, {committed.Count} events {gap.TotalMilliseconds:F0} ms apart, {rows} inbox rows ({(double)rows / committed.Count:F1} per event)"));
        Console.WriteLine(FormattableString.Invariant(
            $"alerts: commit→inbox p50={P(latencies, 0.5):F1} ms p95={P(latencies, 0.95):F1} ms p99={P(latencies, 0.99):F1} ms max={latencies[^1]:F1} ms"));
    }

    private static List<(long Cursor, long At)> Snapshot(List<(long Cursor, long At)> done)
    {
        lock (done)
        {
            return [.. done];
        }
    }

    private static double P(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task MatchLoopAsync(NpgsqlDataSource db, List<(long Cursor, long At)> done, CancellationToken ct)
    {
        await using var listen = await db.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand($"LISTEN {EventListener.Channel}", listen))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        while (!ct.IsCancellationRequested)
        {
            while (await AlertMatcher.MatchBatchAsync(db, 500, ct) > 0)
            {
                await using var cursor = db.CreateCommand("SELECT last_event_id FROM alert_matcher_cursor WHERE name = 'standing'");
                var at = (long)(await cursor.ExecuteScalarAsync(ct))!;
                lock (done)
                {
                    done.Add((at, Stopwatch.GetTimestamp()));
                }
            }

            try
            {
                await listen.WaitAsync(TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task SeedAsync(NpgsqlDataSource db, int subscriptions)
    {
        await using var cmd = db.CreateCommand("""
            WITH service AS (
                INSERT INTO duty_services (code, kind, name, territory_kato)
                VALUES ('BENCH-ALERTS', 'AMBULANCE', 'alert benchmark', '750000000')
                ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id
            ), cleared AS (
                DELETE FROM alert_subscriptions WHERE owner_service_id = (SELECT id FROM service)
            )
            INSERT INTO alert_subscriptions (owner_service_id, territory_kato, name, kinds, min_severity, area, deliver_socket, created_by)
            SELECT (SELECT id FROM service), '750000000', 'bench ' || g,
                   ARRAY['ZONE_CREATED', 'ZONE_CHANGED', 'SITUATION_UPDATE_SENT'], 'UNKNOWN',
                   ST_Expand(ST_SetSRID(ST_MakePoint(50 + random() * 30, 43 + random() * 9), 4326), 0.01 + random() * 0.09), true, 'bench'
            FROM generate_series(1, $1) g
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscriptions });
        var clock = Stopwatch.StartNew();
        await cmd.ExecuteNonQueryAsync();
        await using var analyze = db.CreateCommand("ANALYZE alert_subscriptions");
        await analyze.ExecuteNonQueryAsync();
        Console.WriteLine(FormattableString.Invariant($"alerts: {subscriptions} subscriptions seeded in {clock.Elapsed.TotalSeconds:F1} s"));
    }
}
