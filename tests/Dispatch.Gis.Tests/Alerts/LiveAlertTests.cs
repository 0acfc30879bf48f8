using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>Issue 12: the live alerts subscription refuses what it cannot match and finds place-less events by territory.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class LiveAlertTests(ApiFixture api)
{
    [Theory]
    [InlineData("subscription { alerts(kinds: [UNIT_ENTERED]) { id } }", "BAD_USER_INPUT")]
    [InlineData("subscription { alerts(kinds: [\"ZONE_CREATED\"]) { id } }", "BAD_USER_INPUT")]
    [InlineData("subscription { alerts(territoryId: \"abc\") { id } }", "BAD_USER_INPUT")]
    [InlineData("subscription { alerts(territoryId: \"999999999\") { id } }", "BAD_USER_INPUT")]
    [InlineData("subscription { alerts(zone: \"not-a-zone\") { id } }", "BAD_USER_INPUT")]
    [InlineData("subscription { alerts(zone: \"6b1f3d1e-0c1a-4b54-9a8e-5f0c7a1d2e3f\") { id } }", "NOT_FOUND")]
    [InlineData("subscription { alerts(area: {type: \"Point\", coordinates: [76.9, 43.2]}, zone: \"6b1f3d1e-0c1a-4b54-9a8e-5f0c7a1d2e3f\") { id } }",
        "BAD_USER_INPUT")]
    [InlineData("subscription { standingAlerts(subscription: \"42\") { subscription } }", "BAD_USER_INPUT")]
    [InlineData("subscription { standingAlerts(subscription: \"6b1f3d1e-0c1a-4b54-9a8e-5f0c7a1d2e3f\") { subscription } }", "NOT_FOUND")]
    public async Task Issue12_an_alert_subscription_that_could_never_match_is_refused_before_it_starts(string query, string code)
    {
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, api.OfficerToken, query);

        var error = await ws.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal(code, error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue12_a_territory_outside_the_token_is_forbidden_not_silently_empty()
    {
        var almaty = api.Tokens.Issue("alerts-almaty-viewer", Role.Viewer, [Seed.AlmatyCity], "Almaty viewer");
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, almaty, "subscription { alerts(territoryId: \"390000000\") { id } }");

        var error = await ws.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("FORBIDDEN", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue12_a_situation_update_without_geometry_reaches_an_area_over_its_territory()
    {
        var seed = new Seed(api.GraphQL);
        var area = System.Text.Json.JsonSerializer.Serialize(Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.02)).Replace("\"type\"", "type").Replace("\"coordinates\"", "coordinates");
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ alerts(area: {area}, kinds: [SITUATION_UPDATE_SENT]) {{ kind territoryKato geometry }} }}");

        // Elsewhere first, so an area filter that let everything through would deliver the wrong one.
        var received = await EventLogTests.ReceiveWhileTriggeringAsync(ws, async () =>
        {
            await seed.SituationUpdateAsync("390000000");
            await seed.SituationUpdateAsync(Seed.AlmatyCity);
        }, "alerts");

        Assert.Equal(("SITUATION_UPDATE_SENT", Seed.AlmatyCity), (received["kind"]!.GetValue<string>(), received["territoryKato"]!.GetValue<string>()));
        Assert.Null(received["geometry"]);
    }

    [Fact]
    public async Task Issue12_an_area_replay_includes_place_less_events_of_its_territory_and_not_of_others()
    {
        var seed = new Seed(api.GraphQL);
        var last = await LastIdAsync();
        var here = await seed.SituationUpdateAsync(Seed.AlmatyCity);
        await seed.SituationUpdateAsync("390000000");
        var area = System.Text.Json.JsonSerializer.Serialize(Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.02)).Replace("\"type\"", "type").Replace("\"coordinates\"", "coordinates");

        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, api.OfficerToken,
            $"subscription {{ alerts(area: {area}, kinds: [SITUATION_UPDATE_SENT], after: \"{last}\") {{ kind entityId }} }}");

        var first = (await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["alerts"]!;
        Assert.Equal(here, first["entityId"]!.GetValue<string>());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ws.ReceiveTypeAsync("next", TimeSpan.FromMilliseconds(700)));
    }

    private Task<long> LastIdAsync() => api.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM events");
}
