using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Units;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class PositionTests(ApiFixture api)
{
    [Fact]
    public async Task A_unit_driven_across_a_zone_enters_and_exits_it_once_each()
    {
        // Arrange: a zone around a point, a unit west of it, a subscriber to geofence events.
        var seed = new Seed(api.GraphQL);
        double[] centre = [77.3, 44.6];
        var zone = await seed.ZoneAsync(Seed.Square(centre[0], centre[1], 0.01));
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        var unit = await seed.UnitAsync(service, [centre[0] - 0.05, centre[1]], "RESCUE");
        var last = await LastEventIdAsync();
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ events(kinds: [\"UNIT_ENTERED_ZONE\", \"UNIT_EXITED_ZONE\"], after: \"{last}\") {{ kind entityId payload }} }}");
        var t0 = DateTime.UtcNow.AddMinutes(-10);

        // Act: outside → inside → inside → outside, in one call and in order.
        var result = (await seed.ReportAsync(
            (unit, centre[0] - 0.03, centre[1], t0),
            (unit, centre[0] - 0.002, centre[1], t0.AddMinutes(1)),
            (unit, centre[0] + 0.002, centre[1], t0.AddMinutes(2)),
            (unit, centre[0] + 0.03, centre[1], t0.AddMinutes(3))))["reportPositions"]!;

        // Assert: crossing inside one batch counts, fix by fix.
        Assert.Equal(4, result["stored"]!.GetValue<int>());
        Assert.Equal(2, result["geofenceEvents"]!.GetValue<int>());

        // Fix by fix, as devices also send them: in, then out again.
        var inside = (await seed.ReportAsync((unit, centre[0], centre[1] + 0.001, t0.AddMinutes(4))))["reportPositions"]!;
        var outside = (await seed.ReportAsync((unit, centre[0], centre[1] + 0.05, t0.AddMinutes(5))))["reportPositions"]!;

        Assert.Equal(1, inside["geofenceEvents"]!.GetValue<int>());
        Assert.Equal(1, outside["geofenceEvents"]!.GetValue<int>());
        var kinds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var e = (await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["events"]!;
            Assert.Equal((unit, zone), (e["entityId"]!.GetValue<string>(), e["payload"]!["zoneId"]!.GetValue<string>()));
            kinds.Add(e["kind"]!.GetValue<string>());
        }

        Assert.Equal(["UNIT_ENTERED_ZONE", "UNIT_EXITED_ZONE", "UNIT_ENTERED_ZONE", "UNIT_EXITED_ZONE"], kinds);
    }

    [Fact]
    public async Task Resends_are_not_duplicates_and_older_fixes_do_not_move_the_unit()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
        var unit = await seed.UnitAsync(service, Seed.InCity);
        var t = DateTime.UtcNow.AddMinutes(-1);

        var first = (await seed.ReportAsync((unit, 76.94, 43.26, t)))["reportPositions"]!;
        var resend = (await seed.ReportAsync((unit, 76.94, 43.26, t)))["reportPositions"]!;
        var older = (await seed.ReportAsync((unit, 76.90, 43.20, t.AddMinutes(-5))))["reportPositions"]!;

        Assert.Equal((1, 0), (first["stored"]!.GetValue<int>(), first["duplicates"]!.GetValue<int>()));
        Assert.Equal((0, 1), (resend["stored"]!.GetValue<int>(), resend["duplicates"]!.GetValue<int>()));
        Assert.Equal((1, 1), (older["stored"]!.GetValue<int>(), older["superseded"]!.GetValue<int>()));
        var data = await api.GraphQL.QueryAsync("query ($u: ID!) { unit(id: $u) { position { point at stale } } }", new { u = unit });
        Assert.Equal([76.94, 43.26], data["unit"]!["position"]!["point"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.False(data["unit"]!["position"]!["stale"]!.GetValue<bool>());
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM unit_track WHERE unit_id = '{unit}'"));
    }

    [Fact]
    public async Task A_unit_silent_for_longer_than_the_limit_is_stale()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
        var unit = await seed.UnitAsync(service, Seed.InCity);
        await seed.ReportAsync((unit, 76.94, 43.26, DateTime.UtcNow.AddMinutes(-30)));

        var data = await api.GraphQL.QueryAsync("query ($u: ID!) { unit(id: $u) { stale asOf position { stale } } }", new { u = unit });

        Assert.True(data["unit"]!["stale"]!.GetValue<bool>());
        Assert.True(data["unit"]!["position"]!["stale"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(10, 0, 0, "at")]      // minutes in the future, beyond the 2-minute skew
    [InlineData(-20_000, 0, 0, "at")] // two weeks old
    [InlineData(-1, -5, 0, "speedKmh")]
    [InlineData(-1, 0, 400, "headingDeg")]
    public async Task One_impossible_fix_refuses_the_whole_call_naming_it(int minutes, double speed, double heading, string field)
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
        var unit = await seed.UnitAsync(service, Seed.InCity);
        var before = await ScalarAsync("SELECT count(*) FROM unit_track");

        var response = await api.GraphQL.PostAsync("""
            mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }
            """, new
        {
            p = new object[]
            {
                new { unit, point = Seed.Point(76.94, 43.26), at = DateTime.UtcNow.AddMinutes(-2).ToString("O") },
                new { unit, point = Seed.Point(76.95, 43.26), at = DateTime.UtcNow.AddMinutes(minutes).ToString("O"), speedKmh = speed, headingDeg = heading },
            },
        });

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal($"positions[1].{field}", response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM unit_track"));
    }

    [Fact]
    public async Task An_unknown_unit_or_a_point_out_of_range_refuses_the_call()
    {
        var unknown = await api.GraphQL.PostAsync("mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            new { p = new[] { new { unit = Guid.NewGuid(), point = Seed.Point(76.9, 43.2), at = DateTime.UtcNow.ToString("O") } } });
        var outOfRange = await api.GraphQL.PostAsync("mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            new { p = new[] { new { unit = Guid.NewGuid(), point = Seed.Point(76.9, 93.2), at = DateTime.UtcNow.ToString("O") } } });
        var tooMany = await api.GraphQL.PostAsync("mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            new { p = Enumerable.Range(0, 10_001).Select(_ => new { unit = Guid.Empty, point = Seed.Point(76.9, 43.2), at = DateTime.UtcNow.ToString("O") }) });

        Assert.Equal("NOT_FOUND", unknown.ErrorCode());
        Assert.Equal("INVALID_GEOMETRY", outOfRange.ErrorCode());
        Assert.Equal("BAD_USER_INPUT", tooMany.ErrorCode());
    }

    private async Task<long> LastEventIdAsync() => await ScalarAsync("SELECT coalesce(max(id), 0) FROM events");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
