using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

/// <summary>
/// The geofence gate (schema/328_geofence_gate.sql): a zone change and a position batch never run at once, while zone
/// changes run beside each other (a hundred forecasts recomputed after one wind reading no longer queue one behind
/// another). A transaction of this test's own stands on one side of the gate as that side's writers do; the service's
/// mutations, through GraphQL over HTTP, either pass beside it or wait for it, which pg_locks shows.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class GeofenceGateTests(ApiFixture api)
{
    private const string Redraw = "mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }";
    private const string Report = "mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored geofenceEvents } }";

    [Fact]
    public async Task A_zone_change_passes_beside_another_zone_writer_and_a_position_batch_waits_for_it()
    {
        var (zone, unit, centre) = await ArrangeAsync(0.31);
        await using var zoneWriter = await HoldGateAsync("SHARE");

        // Another zone writer is inside the gate: this redraw goes through beside it.
        var redrawn = await api.GraphQL.QueryAsync(Redraw, new { z = zone, g = Seed.Square(centre[0], centre[1], 0.012) });
        Assert.Equal(2, redrawn["updateZoneGeometry"]!["version"]!.GetValue<int>());

        // A position batch waits until the zone writer is done, then judges against the zone as it was committed.
        var report = api.GraphQL.QueryAsync(Report, new { p = new[] { new { unit, point = Seed.Point(centre[0], centre[1]), at = DateTime.UtcNow.ToString("O") } } });
        await WaitUntilWaitingAsync();
        Assert.False(report.IsCompleted, "the position batch ran while a zone writer held the gate");
        await zoneWriter.CommitAsync();
        var stored = (await report)["reportPositions"]!;
        Assert.Equal(1, stored["stored"]!.GetValue<int>());
        Assert.Equal(1, stored["geofenceEvents"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_position_batch_passes_beside_another_position_writer_and_a_zone_change_waits_for_it()
    {
        var (zone, unit, centre) = await ArrangeAsync(0.37);
        await using var positionWriter = await HoldGateAsync("ROW EXCLUSIVE");

        var stored = await api.GraphQL.QueryAsync(Report, new { p = new[] { new { unit, point = Seed.Point(centre[0], centre[1]), at = DateTime.UtcNow.ToString("O") } } });
        Assert.Equal(1, stored["reportPositions"]!["stored"]!.GetValue<int>());

        var redraw = api.GraphQL.QueryAsync(Redraw, new { z = zone, g = Seed.Square(centre[0] + 0.05, centre[1], 0.01) });
        await WaitUntilWaitingAsync();
        Assert.False(redraw.IsCompleted, "the zone changed while a position writer held the gate");
        await positionWriter.CommitAsync();
        Assert.Equal(2, (await redraw)["updateZoneGeometry"]!["version"]!.GetValue<int>());
        // The redraw moved the zone off the unit the batch had put inside it: its exit is on record.
        Assert.Equal(1, await api.ScalarAsync<long>(
            $"SELECT count(*) FROM events WHERE kind = 'UNIT_EXITED_ZONE' AND entity_id = '{unit}' AND payload ->> 'zoneId' = '{zone}'"));
    }

    private async Task<(string Zone, string Unit, double[] Centre)> ArrangeAsync(double offset)
    {
        var seed = new Seed(api.GraphQL);
        double[] centre = [Seed.InCity[0] + offset, Seed.InCity[1] - 0.2];
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity, "UDDS_112");
        // The unit starts outside the zone; the tests move it in.
        var unit = await seed.UnitAsync(service, [centre[0] - 0.03, centre[1]], "RESCUE");
        var zone = await seed.ZoneAsync(Seed.Square(centre[0], centre[1], 0.01));
        return (zone, unit, centre);
    }

    /// <summary>An open transaction standing in the gate in <paramref name="mode"/>, as one side's writers do.</summary>
    private async Task<GateHolder> HoldGateAsync(string mode)
    {
        var connection = await api.Db.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand($"LOCK TABLE geofence_gate IN {(mode == "SHARE" ? "SHARE" : "ROW EXCLUSIVE")} MODE", connection, transaction);
        await cmd.ExecuteNonQueryAsync();
        return new GateHolder(connection, transaction);
    }

    private sealed class GateHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task WaitUntilWaitingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await api.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE relation = 'geofence_gate'::regclass AND NOT granted") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no writer came to wait at the gate");
            await Task.Delay(50);
        }
    }
}
