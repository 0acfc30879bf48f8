using Dispatch.Gis.Tests.Alerts;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Issue 11: an en-route unit whose straight path to the incident crosses a forecast zone is a ROUTE_CROSSES_HAZARD
/// alert delivered, through the standing-alert matcher, to its own service's subscription and not to another's.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class RouteCrossingAlertTests(ApiFixture api)
{
    [Fact]
    public async Task A_crossing_reaches_the_units_service_and_no_other()
    {
        var own = await StandingAlertHarness.StartAsync(api);
        var other = await StandingAlertHarness.StartAsync(api);
        var source = own.Here;
        // The incident 1.6 km upwind (west); the unit 4 km downwind, so its way to the incident runs through the cloud.
        var incident = await own.Seed.IncidentAsync([source[0] - 0.02, source[1]], "CHEMICAL_RELEASE", "chlorine smell");
        var unit = await own.Seed.UnitAsync(own.ServiceId, [source[0] + 0.05, source[1]], "HAZMAT");
        await own.Seed.DeploymentAsync(incident, unit);
        var area = Seed.Square(source[0] + 0.05, source[1], 0.01);
        var (mine, _) = await own.SubscribeAsync(new { name = "route crossings", kinds = new[] { "ROUTE_CROSSES_HAZARD" }, area });
        var (theirs, _) = await other.SubscribeAsync(new { name = "route crossings", kinds = new[] { "ROUTE_CROSSES_HAZARD" }, area });

        var id = (await api.GraphQL.QueryAsync("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new
        {
            i = new { location = Seed.Point(source[0], source[1]), substance = "chlorine", releasedMassKilograms = 10_000.0, horizonsMinutes = new[] { 30 }, incident,
                weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" } },
        }))["runForecast"]!["id"]!.GetValue<string>();

        var inbox = await own.InboxAtLeastAsync(mine, 1, TimeSpan.FromSeconds(60));
        var alert = Assert.Single(inbox)!;
        Assert.Equal("ROUTE_CROSSES_HAZARD", alert["kind"]!.GetValue<string>());
        Assert.Equal("SEVERE", alert["severity"]!.GetValue<string>());
        Assert.Contains(alert["objects"]!.AsArray(), o => o!["type"]!.GetValue<string>() == "Unit" && o["id"]!.GetValue<string>() == unit);
        Assert.Contains(alert["objects"]!.AsArray(), o => o!["type"]!.GetValue<string>() == "Incident" && o["id"]!.GetValue<string>() == incident);
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'ROUTE_CROSSES_HAZARD' AND payload ->> 'forecastId' = '{id}'"));
        // The same batch of events was matched for both subscriptions: the other service's inbox is final and empty.
        Assert.Empty(await other.InboxAsync(theirs));
    }
}
