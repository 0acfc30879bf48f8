using System.Diagnostics;
using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Units;

/// <summary>unitPositions(bbox): live positions for a map view, at most once a second, only what changed, only inside the box.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class UnitPositionsSubscriptionTests(ApiFixture api)
{
    [Fact]
    public async Task Moves_inside_the_box_arrive_coalesced_at_most_once_a_second_and_moves_outside_do_not()
    {
        // Arrange: one unit inside the box, one outside it.
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] c = [70.0 + Random.Shared.NextDouble(), 49.0];
        var inside = await seed.UnitAsync(service, c);
        var outside = await seed.UnitAsync(service, [c[0] + 1, c[1]]);
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new
        {
            id = "live", type = "subscribe",
            payload = new
            {
                query = "subscription ($b: [Float!]!) { unitPositions(bbox: $b) { asOf units { id status position { point at } } } }",
                variables = new { b = new[] { c[0] - 0.1, c[1] - 0.1, c[0] + 0.1, c[1] + 0.1 } },
            },
        });
        await Task.Delay(300); // the first look of the poll happens at once and finds nothing new

        // Act: five fixes for the inside unit within about half a second, one for the outside unit.
        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= 5; i++)
        {
            await seed.ReportAsync((inside, c[0] + i * 0.001, c[1], DateTime.UtcNow));
        }

        await seed.ReportAsync((outside, c[0] + 1.001, c[1], DateTime.UtcNow));
        var updates = new List<(long At, DateTime AsOf, JsonArray Units)>();
        while (clock.Elapsed < TimeSpan.FromSeconds(3.5))
        {
            // A receive that times out ends the socket, so it is the last one.
            if (await ReceiveNextOrNullAsync(ws, TimeSpan.FromSeconds(3.5) - clock.Elapsed) is not { } message)
            {
                break;
            }

            var update = message["payload"]!["data"]!["unitPositions"]!;
            updates.Add((clock.ElapsedMilliseconds, update["asOf"]!.GetValue<DateTime>(), update["units"]!.AsArray()));
        }

        // Assert: the latest fix arrived; never two updates in one interval; the outside unit never.
        Assert.NotEmpty(updates);
        var last = updates.SelectMany(u => u.Units).Last(u => u!["id"]!.GetValue<string>() == inside)!;
        Assert.Equal(c[0] + 0.005, last["position"]!["point"]!["coordinates"]![0]!.GetValue<double>(), 9);
        Assert.True(updates[0].At < 2500, $"first update after {updates[0].At} ms");
        Assert.True(updates.Count <= 4, $"{updates.Count} updates in 3.5 s");
        // Spacing by the service's own clock (asOf): the client may read two queued updates back to back.
        for (var i = 1; i < updates.Count; i++)
        {
            Assert.True(updates[i].AsOf - updates[i - 1].AsOf > TimeSpan.FromMilliseconds(950), $"updates as of {updates[i - 1].AsOf:O} and {updates[i].AsOf:O}");
        }

        Assert.DoesNotContain(outside, string.Join(",", updates.Select(u => u.Units.ToJsonString())), StringComparison.Ordinal);
        Assert.All(updates, u => Assert.Equal(u.Units.Count, u.Units.Select(x => x!["id"]!.GetValue<string>()).Distinct().Count()));
    }

    [Fact]
    public async Task A_status_change_is_a_change_and_nothing_is_sent_twice()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] c = [71.5 + Random.Shared.NextDouble(), 50.0];
        var unit = await seed.UnitAsync(service, c);
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new
        {
            id = "live", type = "subscribe",
            payload = new { query = "subscription ($b: [Float!]!) { unitPositions(bbox: $b) { units { id status } } }", variables = new { b = new[] { c[0] - 0.1, c[1] - 0.1, c[0] + 0.1, c[1] + 0.1 } } },
        });
        // The unit was created moments ago (a status time inside the lookback): that is its first update.
        var created = await ws.ReceiveTypeAsync("next", TimeSpan.FromSeconds(3));
        Assert.Equal("AVAILABLE", created["payload"]!["data"]!["unitPositions"]!["units"]![0]!["status"]!.GetValue<string>());

        await api.GraphQL.QueryAsync("mutation ($u: ID!) { setUnitStatus(unit: $u, status: OUT_OF_SERVICE) { status } }", new { u = unit });
        var changed = await ws.ReceiveTypeAsync("next", TimeSpan.FromSeconds(3));
        var quiet = await ReceiveNextOrNullAsync(ws, TimeSpan.FromSeconds(2.2));

        Assert.Equal("OUT_OF_SERVICE", changed["payload"]!["data"]!["unitPositions"]!["units"]![0]!["status"]!.GetValue<string>());
        Assert.Null(quiet);
    }

    [Fact]
    public async Task It_needs_a_reader_and_a_valid_box()
    {
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "bad", type = "subscribe", payload = new { query = "subscription { unitPositions(bbox: [1, 2, 3]) { asOf } }" } });

        var error = await ws.ReceiveTypeAsync("error");

        Assert.Equal("BAD_USER_INPUT", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    private static async Task<JsonObject?> ReceiveNextOrNullAsync(RawWebSocket ws, TimeSpan wait)
    {
        try
        {
            return await ws.ReceiveTypeAsync("next", wait);
        }
        catch (Exception e) when (e is OperationCanceledException || e.InnerException is OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
