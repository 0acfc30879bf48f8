using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Alerts;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Forecasts write their zones beside each other (the geofence gate keeps only position batches out). Two forecasts
/// that read one station recompute together on every reading there; standing subscriptions follow their zones
/// crosswise (one follows the first forecast's near zone and the second's far one, the other the reverse), so
/// locking followers zone by zone, as the follow trigger does, would take them in crossing orders. Through GraphQL
/// over HTTP, the clustered scheduler and PostGIS; PostgreSQL's own deadlock counter is the witness, since the unit of
/// work would hide a deadlock by running the work again.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ForecastsSideBySideTests(ApiFixture api)
{
    private const string Read = "query ($id: ID!) { forecast(id: $id) { state version horizons { minutes zoneId } } }";
    private const int Readings = 8;

    [Fact]
    public async Task Forecasts_recomputed_together_whose_zones_share_followers_never_deadlock_and_all_succeed()
    {
        double[] at = [Seed.InCity[0] - 0.09, Seed.InCity[1] - 0.03];
        var (station, feed) = await MeteoReadings.StationAsync(api, at, 0.004, "SIDE");
        await MeteoReadings.ObserveAsync(api, feed, station, 2.0, -30);
        var first = await RunAsync([at[0], at[1]], "chlorine");
        var second = await RunAsync([at[0] + 0.02, at[1] + 0.01], "ammonia");
        var zonesOfFirst = await ZonesAsync(first, 1);
        var zonesOfSecond = await ZonesAsync(second, 1);

        var h = await StandingAlertHarness.StartAsync(api);
        await h.SubscribeAsync(new { name = "near first, far second", zones = new[] { zonesOfFirst[15], zonesOfSecond[30] }, kinds = new[] { "ZONE_CHANGED" } });
        await h.SubscribeAsync(new { name = "far first, near second", zones = new[] { zonesOfFirst[30], zonesOfSecond[15] }, kinds = new[] { "ZONE_CHANGED" } });
        var deadlocksBefore = await DeadlocksAsync();

        for (var reading = 1; reading <= Readings; reading++)
        {
            // Each reading newer than the last and with another wind: both forecasts' inputs change, both recompute at once.
            await MeteoReadings.ObserveAsync(api, feed, station, 2.0 + reading * 0.5, -30 + reading);
            await ZonesAsync(first, reading + 1);
            await ZonesAsync(second, reading + 1);
        }

        Assert.Equal(0, await api.ScalarAsync<long>(
            $"SELECT count(*) FROM events WHERE kind = 'FORECAST_FAILED' AND entity_id IN ('{first}', '{second}')"));
        Assert.Equal(2 * Readings, await api.ScalarAsync<long>(
            $"SELECT count(*) FROM events WHERE kind = 'FORECAST_COMPUTED' AND entity_id IN ('{first}', '{second}') AND payload ->> 'reason' = 'INPUTS_CHANGED'"));
        // Each follower's area is the union of its zones as they now stand.
        Assert.Equal(0, await api.ScalarAsync<long>($"""
            SELECT count(*) FROM alert_subscriptions s
            WHERE s.zones && ARRAY['{zonesOfFirst[15]}', '{zonesOfFirst[30]}']::uuid[]
              AND NOT ST_Equals(s.area, alert_subscription_area(s.requested_area, s.territories, s.zones))
            """));
        Assert.Equal(deadlocksBefore, await DeadlocksAsync());
    }

    private async Task<string> RunAsync(double[] at, string substance) => await ForecastPolling.RunAsync(api, new
    {
        location = Seed.Point(at[0], at[1]), substance, releasedMassKilograms = 8_000.0, horizonsMinutes = new[] { 15, 30 },
    });

    private async Task<Dictionary<int, string>> ZonesAsync(string forecast, int version)
    {
        JsonNode done = await ForecastPolling.WaitAsync(api, forecast, f => f["state"]!.GetValue<string>() == "SUCCEEDED" && f["version"]!.GetValue<int>() == version,
            read: Read);
        return done["horizons"]!.AsArray().ToDictionary(h => h!["minutes"]!.GetValue<int>(), h => h!["zoneId"]!.GetValue<string>());
    }

    /// <summary>
    /// Deadlocks PostgreSQL has detected in this test's database. Backends report them when they next go idle (at most a
    /// second later), so the count is read after a pause and from a fresh statistics snapshot.
    /// </summary>
    private async Task<long> DeadlocksAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        return await api.ScalarAsync<long>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    }
}
