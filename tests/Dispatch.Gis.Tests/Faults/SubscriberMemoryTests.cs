using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: a subscriber that replays large zone events and never reads holds at most its byte budget, however much
/// history it asked for; another subscriber of the same events keeps receiving; the stalled socket is dropped after
/// the send timeout and what it held is released.
/// </summary>
[Trait("Category", "Database")]
public sealed class SubscriberMemoryTests(ITestOutputHelper output)
{
    private const long Budget = 2 * 1024 * 1024;
    private const int Zones = 80;
    private const int StalledSubscriptions = 5;

    [Fact]
    public async Task Issue15_a_stalled_replay_of_large_zones_stays_within_its_byte_budget_and_a_fast_subscriber_keeps_receiving()
    {
        var name = PostgisServer.NewDatabaseName("membound");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        try
        {
            await using var app = await ApiFixture.StartAsync(database, new Dictionary<string, string?>
            {
                ["Dispatch:Scheduling:Enabled"] = "false",
                ["Dispatch:Events:SubscriberBufferBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Dispatch:GraphQL:WebSocketSendTimeout"] = "00:00:05",
            });
            var baseUri = new Uri(app.Urls.First());
            var token = app.Services.GetRequiredService<TokenIssuer>().Issue("memory-test", Role.DutyOfficer112, ["*"], "Memory Test");
            var hub = app.Services.GetRequiredService<EventHub>();
            await using var owner = Npgsql.NpgsqlDataSource.Create(database.Owner);

            // 80 zones of 10,001 vertices each (a buffer with 2,500 segments per quarter circle): ~30 MB of GeoJSON.
            long before;
            await using (var cmd = owner.CreateCommand("SELECT coalesce(max(id), 0) FROM events"))
            {
                before = (long)(await cmd.ExecuteScalarAsync())!;
            }

            await using (var cmd = owner.CreateCommand("""
                INSERT INTO events (kind, entity_type, entity_id, payload, geom)
                SELECT 'ZONE_CREATED', 'Zone', 'memory-test-' || n, jsonb_build_object('n', n),
                       ST_Buffer(ST_SetSRID(ST_MakePoint(76.9 + n * 0.01, 43.2), 4326), 0.01, 2500)
                FROM generate_series(1, $1) n
                """))
            {
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Zones });
                await cmd.ExecuteNonQueryAsync();
            }

            var subscription = new
            {
                type = "subscribe",
                payload = new { query = $"subscription {{ events(kinds: [\"ZONE_CREATED\"], after: \"{before}\") {{ id geometry }} }}" },
            };
            var heapBefore = Heap();
            // The service's own listeners (the alert matcher among them) are hub subscribers too.
            var baseline = hub.SubscriberCount;
            var serviceBuffers = hub.Buffers;
            await using var stalled = await RawWebSocket.ConnectAsync(baseUri);
            await stalled.InitAsync(token);
            await stalled.ReceiveTypeAsync("connection_ack");
            for (var i = 0; i < StalledSubscriptions; i++)
            {
                await stalled.SendAsync(new { id = "stalled-" + i, subscription.type, subscription.payload });
            }

            // From here on the stalled client reads nothing.
            await WaitUntilAsync(() => hub.SubscriberCount == baseline + StalledSubscriptions, "the stalled subscriptions");
            var stalledBuffers = hub.Buffers.Except(serviceBuffers).ToList();

            await using var fast = await RawWebSocket.ConnectAsync(baseUri);
            await fast.InitAsync(token);
            await fast.ReceiveTypeAsync("connection_ack");
            await fast.SendAsync(new { id = "fast", subscription.type, subscription.payload });

            await WaitUntilAsync(() => hub.SubscriberCount == baseline + StalledSubscriptions + 1, "the fast subscription");
            var fastBuffer = hub.Buffers.Except(serviceBuffers).Single(b => !stalledBuffers.Contains(b));
            long stalledHeldMax = 0;
            var reading = System.Diagnostics.Stopwatch.StartNew();
            var ids = new List<long>();
            while (ids.Count < Zones)
            {
                var next = await fast.ReceiveTypeAsync("next", TimeSpan.FromSeconds(30));
                ids.Add(Id(next));
                stalledHeldMax = Math.Max(stalledHeldMax, stalledBuffers.Max(b => b.Held));
            }

            var readFor = reading.Elapsed;

            Assert.True(ids[0] > before);
            Assert.Equal(ids.Order().Distinct(), ids);

            // A live zone reaches the fast subscriber while the stalled one is still stuck in its replay.
            await using (var cmd = owner.CreateCommand("""
                INSERT INTO events (kind, entity_type, entity_id, payload, geom)
                VALUES ('ZONE_CREATED', 'Zone', 'memory-test-live', '{}', ST_Buffer(ST_SetSRID(ST_MakePoint(77.5, 43.2), 4326), 0.01, 2500))
                """))
            {
                await cmd.ExecuteNonQueryAsync();
            }

            var live = Id(await fast.ReceiveTypeAsync("next", TimeSpan.FromSeconds(30)));
            Assert.True(live > ids[^1]);

            // Measured while the stalled subscriptions wait: the bound is an estimate, the heap is what they really pin
            // (without the bound each would hold all 80 polygons, about 40 MB, so five about 200 MB).
            var heapStalled = Heap() - heapBefore;
            output.WriteLine($"budget {Budget:N0} bytes; stalled subscriptions peak {stalledBuffers.Max(b => b.Peak):N0}, most held while the other read " +
                $"{stalledHeldMax:N0}; fast subscriber peak {fastBuffer.Peak:N0}, got {ids.Count + 1} events in {readFor.TotalSeconds:F1} s; " +
                $"managed heap +{heapStalled / 1048576.0:F1} MiB with {StalledSubscriptions} stalled subscriptions");
            Assert.All([.. stalledBuffers, fastBuffer], b => Assert.True(b.Peak <= Budget, $"a subscriber held {b.Peak:N0} bytes, over {Budget:N0}"));
            Assert.True(heapStalled < 100L * 1024 * 1024, $"the managed heap grew by {heapStalled:N0} bytes");
            // The bound was reached (else this test proves nothing): the stalled replay waits with about its budget held.
            Assert.True(stalledHeldMax >= Budget / 2, $"the stalled subscriber held only {stalledHeldMax:N0} bytes");

            // Past the send timeout the stalled socket is dropped, and its buffer goes with it.
            await WaitUntilAsync(() => hub.SubscriberCount == baseline + 1, "the stalled socket to be dropped");
            Assert.DoesNotContain(hub.Buffers, stalledBuffers.Contains);
            await app.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long Id(JsonObject next) =>
        long.Parse(next["payload"]!["data"]!["events"]!["id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
