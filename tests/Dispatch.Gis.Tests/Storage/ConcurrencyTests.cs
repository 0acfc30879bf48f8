using System.Collections.Concurrent;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

/// <summary>
/// Racing writers on the same rows (issue 9): readiness for a group forward and in reverse, single-unit status
/// changes, dispatches, position batches crossing a zone in both orders and redraws of that zone, all at once.
/// Not timed: what must hold is that no caller ever gets INTERNAL, and that the history is the truth — every unit's
/// stored status is the status of its last event, and every unit is inside a zone exactly when its last crossing
/// event for that zone says it entered.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ConcurrencyTests(ApiFixture api, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Rounds = 30;

    [Fact]
    public async Task Issue9_racing_writers_get_no_internal_error_and_the_events_tell_the_stored_truth()
    {
        // Arrange: three units of one service around a zone, an incident they can be sent to.
        var seed = new Seed(api.GraphQL);
        double[] centre = [76.87, 43.21];
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity, "UDDS_112");
        var units = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            units.Add(await seed.UnitAsync(service, [centre[0] - 0.02 + i * 0.001, centre[1]], "RESCUE"));
        }

        var zone = await seed.ZoneAsync(Seed.Square(centre[0], centre[1], 0.01));
        var incident = await seed.IncidentAsync(centre, "FIRE");
        var outcomes = new ConcurrentBag<string>();
        var t0 = DateTime.UtcNow.AddMinutes(-30);
        var clock = 0;

        async Task CallAsync(string document, object variables)
        {
            var response = await api.GraphQL.PostAsync(document, variables);
            outcomes.Add(response.Errors is null ? "OK" : string.Join(",", response.Errors.Select(e => e!["extensions"]?["code"]?.GetValue<string>() ?? "(none)")));
        }

        Task Readiness(IEnumerable<string> group, int round) => CallAsync(
            "mutation ($s: ID!, $u: [ID!]!, $st: UnitStatus!) { setReadiness(service: $s, units: $u, status: $st, personnel: 3) { id } }",
            new { s = service, u = group.ToArray(), st = round % 2 == 0 ? "HIGH_READINESS" : "AVAILABLE" });

        Task Status(string unit, int round) => CallAsync(
            "mutation ($u: ID!, $st: UnitStatus!) { setUnitStatus(unit: $u, status: $st) { status } }",
            new { u = unit, st = round % 3 == 0 ? "AVAILABLE" : round % 3 == 1 ? "HIGH_READINESS" : "OUT_OF_SERVICE" });

        Task Positions(IEnumerable<string> group, int round) => CallAsync(
            "mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            new
            {
                p = group.Select(u => new
                {
                    unit = u,
                    // Back and forth across the zone's western edge, each fix newer than the last.
                    point = Seed.Point(centre[0] + (round % 2 == 0 ? -0.015 : 0.0), centre[1] + Random.Shared.NextDouble() / 1000),
                    at = t0.AddSeconds(Interlocked.Increment(ref clock)).ToString("O"),
                }).ToArray(),
            });

        Task Redraw(int round) => CallAsync(
            "mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Seed.Square(centre[0] - (round % 2) * 0.004, centre[1], 0.01 + round * 0.0001) });

        Task DispatchAndRelease(string unit) => Task.Run(async () =>
        {
            await CallAsync("mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id } }", new { i = incident, u = new[] { unit } });
            await CallAsync("mutation ($u: ID!) { setUnitStatus(unit: $u, status: AVAILABLE) { status } }", new { u = unit });
        });

        // Act
        var reversed = Enumerable.Reverse(units).ToList();
        var work = new List<Task>();
        for (var round = 0; round < Rounds; round++)
        {
            var r = round;
            work.Add(Task.Run(() => Readiness(units, r)));
            work.Add(Task.Run(() => Readiness(reversed, r + 1)));
            work.Add(Task.Run(() => Status(units[r % 3], r)));
            work.Add(Task.Run(() => Status(units[(r + 1) % 3], r + 1)));
            work.Add(Task.Run(() => Positions(units, r)));
            work.Add(Task.Run(() => Positions(reversed, r + 1)));
            work.Add(Task.Run(() => Redraw(r)));
            if (r % 5 == 0)
            {
                work.Add(DispatchAndRelease(units[r % 3]));
            }
        }

        await Task.WhenAll(work);

        // Assert: conflicts of state (a unit already dispatched, a transition not allowed) are answers; INTERNAL is a bug.
        var counts = outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{outcomes.Count} calls: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}");
        Assert.False(counts.ContainsKey("INTERNAL"), $"outcomes: {string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.All(counts.Keys, k => Assert.Contains(k, new[] { "OK", "CONFLICT" }));
        Assert.True(counts.GetValueOrDefault("OK") > outcomes.Count / 2, $"too few calls succeeded: {string.Join(", ", counts)}");

        foreach (var unit in units)
        {
            var stored = await api.ScalarAsync<string>($"SELECT status FROM response_units WHERE id = '{unit}'");
            var last = await api.ScalarAsync<string>(
                $"SELECT payload ->> 'to' FROM events WHERE kind = 'UNIT_STATUS_CHANGED' AND entity_id = '{unit}' ORDER BY id DESC LIMIT 1");
            Assert.Equal(stored, last);

            var inside = await api.ScalarAsync<bool>(
                $"SELECT ST_Intersects(z.geom, u.location) FROM emergency_zones z, response_units u WHERE z.id = '{zone}' AND u.id = '{unit}'");
            var lastCrossing = await api.ScalarAsync<string>($"""
                SELECT coalesce((SELECT kind FROM events WHERE kind IN ('UNIT_ENTERED_ZONE', 'UNIT_EXITED_ZONE') AND entity_id = '{unit}'
                                 AND payload ->> 'zoneId' = '{zone}' ORDER BY id DESC LIMIT 1), 'NONE')
                """);
            Assert.Equal(inside, lastCrossing == "UNIT_ENTERED_ZONE");
        }
    }
}
