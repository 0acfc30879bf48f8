using Stopwatch = System.Diagnostics.Stopwatch;
using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Events;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class EventLogTests(ApiFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task A_change_committed_through_instance_B_reaches_a_subscriber_on_instance_A()
    {
        await using var instanceB = await ApiFixture.StartAsync(api.Database);
        using var httpB = new GraphQLClient(new HttpClient { BaseAddress = new Uri(instanceB.Urls.First()) });
        httpB.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.OfficerToken);
        await using var ws = await SubscribeAsync(api.BaseAddress, api.OfficerToken, "subscription { events(kinds: [\"REGIME_DECLARED\"]) { id entityId payload } }");

        // Repeat until the subscription is live: subscribing has no acknowledgement in the protocol.
        var clock = Stopwatch.StartNew();
        var received = await ReceiveWhileTriggeringAsync(ws, () => DeclareAsync(httpB, "470000000", "HIGH_READINESS", "instance B"));

        Assert.Equal("470000000", received["entityId"]!.GetValue<string>());
        Assert.Equal("HIGH_READINESS", received["payload"]!["regime"]!.GetValue<string>());
        output.WriteLine($"delivered across instances within {clock.ElapsedMilliseconds} ms of the first attempt");
        await instanceB.StopAsync();
    }

    [Fact]
    public async Task Resuming_after_an_id_replays_every_later_event_once_then_goes_live()
    {
        var before = await LastIdAsync();
        await DeclareAsync(api.GraphQL, "150000000", "HIGH_READINESS", "replay 1");
        await DeclareAsync(api.GraphQL, "150000000", "EMERGENCY", "replay 2");
        var expected = await IdsAfterAsync(before, "REGIME_DECLARED");

        await using var ws = await SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ events(kinds: [\"REGIME_DECLARED\"], after: \"{before}\") {{ id }} }}");
        var replayed = new List<long>();
        while (replayed.Count < expected.Count)
        {
            replayed.Add(long.Parse((await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["events"]!["id"]!.GetValue<string>(),
                System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(expected, replayed);

        // Then live: a new change arrives after the replayed ones, with a larger id and no repeat.
        await DeclareAsync(api.GraphQL, "150000000", "DAILY", "live after replay");
        var live = long.Parse((await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["events"]!["id"]!.GetValue<string>(),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(live > replayed[^1]);
        Assert.Equal((await IdsAfterAsync(before, "REGIME_DECLARED"))[^1], live);
    }

    [Fact]
    public async Task An_area_subscription_gets_only_the_events_whose_place_meets_the_area()
    {
        // A square around Oskemen (East Kazakhstan); Mangystau lies 2,000 km to the west.
        var area = Seed.Square(82.6, 49.95, 0.2);
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "area", type = "subscribe", payload = new { query = "subscription ($a: Geometry) { events(kinds: [\"REGIME_DECLARED\"], area: $a) { entityId } }", variables = new { a = area } } });

        var received = await ReceiveWhileTriggeringAsync(ws, async () =>
        {
            await DeclareAsync(api.GraphQL, "470000000", "HIGH_READINESS", "far away");
            await DeclareAsync(api.GraphQL, "630000000", "HIGH_READINESS", "inside the area");
        });

        Assert.Equal("630000000", received["entityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Alerts_for_a_territory_skip_changes_elsewhere()
    {
        await using var ws = await SubscribeAsync(api.BaseAddress, api.OfficerToken, "subscription { alerts(territoryId: \"390000000\") { kind entityId } }");

        var received = await ReceiveWhileTriggeringAsync(ws, async () =>
        {
            await DeclareAsync(api.GraphQL, "430000000", "HIGH_READINESS", "another region");
            await DeclareAsync(api.GraphQL, "390000000", "HIGH_READINESS", "this region");
        }, "alerts");

        Assert.Equal(("REGIME_DECLARED", "390000000"), (received["kind"]!.GetValue<string>(), received["entityId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Zone_changes_and_incident_updates_replay_what_matches_them()
    {
        var last = await LastIdAsync();
        var seed = new Seed(api.GraphQL);
        var incident = await seed.IncidentAsync([80.1, 50.3]);
        var other = await seed.IncidentAsync([80.2, 50.3]);
        var zone = await seed.ZoneAsync(Seed.Square(80.1, 50.3, 0.01));
        await api.GraphQL.QueryAsync("mutation ($i: ID!) { setIncidentStatus(incident: $i, status: CLOSED) { status } }", new { i = incident });

        await using var zones = await SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ zoneChanges(area: {{ type: \"Point\", coordinates: [80.1, 50.3] }}, after: \"{last}\") {{ kind entityId }} }}");
        await using var updates = await SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ incidentUpdates(incident: \"{incident}\", after: \"{last}\") {{ kind entityId }} }}");

        var zoneEvent = (await zones.ReceiveTypeAsync("next"))["payload"]!["data"]!["zoneChanges"]!;
        Assert.Equal(("ZONE_CREATED", zone), (zoneEvent["kind"]!.GetValue<string>(), zoneEvent["entityId"]!.GetValue<string>()));
        var story = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var e = (await updates.ReceiveTypeAsync("next"))["payload"]!["data"]!["incidentUpdates"]!;
            Assert.Equal(incident, e["entityId"]!.GetValue<string>());
            Assert.NotEqual(other, e["entityId"]!.GetValue<string>());
            story.Add(e["kind"]!.GetValue<string>());
        }

        Assert.Equal(["INCIDENT_RECEIVED", "INCIDENT_STATUS_CHANGED"], story);
    }

    [Fact]
    public async Task After_beyond_the_newest_event_is_refused()
    {
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");

        await ws.SendAsync(new { id = "x", type = "subscribe", payload = new { query = "subscription { events(after: \"999999999999\") { id } }" } });

        var error = await ws.ReceiveTypeAsync("error");
        Assert.Equal("BAD_USER_INPUT", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stalled_subscriber_overflows_without_holding_up_others_and_then_catches_up_in_order()
    {
        var hub = api.Services.GetRequiredService<EventHub>();
        var filter = new EventFilter(new HashSet<string> { "TEST_OVERFLOW" }, Dispatch.Gis.Auth.TerritoryScope.All);
        const int total = 300;

        // The stalled one: its transport never returns credits, as when a socket stops draining.
        using var stalledFlow = new OperationFlowControl();
        var stalled = new Collector();
        var fast = new Collector();
        using (new EventStream(api.Db, hub, filter, null, queueCapacity: 10, stalledFlow, NullLogger).Subscribe(stalled))
        using (new EventStream(api.Db, hub, filter, null, queueCapacity: 10, null, NullLogger).Subscribe(fast))
        {
            await AppendAsync("TEST_OVERFLOW", total);

            await fast.WaitForAsync(total);
            await stalled.WaitForAsync(OperationFlowControl.Window);
            await Task.Delay(100);
            Assert.Equal(OperationFlowControl.Window, stalled.Count);

            // The socket drains again: credits come back as fast as the stream takes them.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (stalled.Count < total && DateTime.UtcNow < deadline)
            {
                stalledFlow.Return();
                await Task.Yield();
            }

            await stalled.WaitForAsync(total);
        }

        Assert.Equal(fast.Ids, stalled.Ids);
        Assert.Equal(total, stalled.Ids.Distinct().Count());
        Assert.Equal(stalled.Ids.Order(), stalled.Ids);
    }

    [Fact]
    public async Task The_event_log_rejects_updates_and_deletes_even_from_its_owner()
    {
        await AppendAsync("TEST_APPEND_ONLY", 1);

        var update = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("UPDATE events SET kind = 'X' WHERE kind = 'TEST_APPEND_ONLY'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("DELETE FROM events WHERE kind = 'TEST_APPEND_ONLY'"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("TRUNCATE events"));

        Assert.All(new[] { update, delete, truncate }, e => Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal));
    }

    internal static async Task<RawWebSocket> SubscribeAsync(Uri server, string token, string query)
    {
        var ws = await RawWebSocket.ConnectAsync(server);
        await ws.InitAsync(token);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "sub", type = "subscribe", payload = new { query } });
        return ws;
    }

    internal static async Task<System.Text.Json.Nodes.JsonNode> ReceiveWhileTriggeringAsync(RawWebSocket ws, Func<Task> trigger, string field = "events")
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            await trigger();
            try
            {
                var next = await ws.ReceiveTypeAsync("next", TimeSpan.FromMilliseconds(500));
                return next["payload"]?["data"]?[field] ?? throw new InvalidOperationException($"event without data: {next.ToJsonString()}");
            }
            catch (OperationCanceledException)
            {
            }
        }

        throw new TimeoutException("no event arrived");
    }

    internal static Task DeclareAsync(GraphQLClient client, string kato, string regime, string basis) =>
        client.QueryAsync("mutation ($t: String!, $r: Regime!, $b: String!) { declareRegime(territory: $t, regime: $r, basis: $b) { id } }",
            new { t = kato, r = regime, b = basis });

    private Task AppendAsync(string kind, int count) =>
        UnitOfWork.RunAsync(api.Db, new WriteOrigin("test"), w =>
        {
            w.Add(Enumerable.Range(0, count).Select(i => new NewEvent(kind, "Test", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            return Task.CompletedTask;
        }, CancellationToken.None);

    internal async Task<long> LastIdAsync()
    {
        await using var cmd = api.Db.CreateCommand("SELECT coalesce(max(id), 0) FROM events");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<List<long>> IdsAfterAsync(long after, string kind)
    {
        await using var cmd = api.Db.CreateCommand("SELECT id FROM events WHERE id > $1 AND kind = $2 ORDER BY id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kind });
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static Microsoft.Extensions.Logging.ILogger NullLogger => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private sealed class Collector : IObserver<StoredEvent>
    {
        private readonly List<long> _ids = [];
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _ids.Count;
                }
            }
        }

        public List<long> Ids
        {
            get
            {
                lock (_gate)
                {
                    return [.. _ids];
                }
            }
        }

        public void OnNext(StoredEvent value)
        {
            lock (_gate)
            {
                _ids.Add(value.Id);
            }
        }

        public void OnError(Exception error) => throw error;

        public void OnCompleted()
        {
        }

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(count, Count);
        }
    }
}
