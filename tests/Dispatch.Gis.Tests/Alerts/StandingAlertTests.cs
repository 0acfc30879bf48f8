using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>Issue 12: standing subscriptions, their inbox and socket delivery, end to end over HTTP and WebSocket.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class StandingAlertTests(ApiFixture api)
{
    [Fact]
    public async Task Issue12_a_zone_drawn_over_a_partners_area_reaches_its_inbox_and_its_socket()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, secret) = await h.SubscribeAsync(new { name = "zones over our base", area = h.Area(), kinds = new[] { "ZONE_CREATED" } });
        Assert.Null(secret);
        var hub = api.Services.GetRequiredService<Dispatch.Gis.Events.EventHub>();
        var before = hub.SubscriberCount;
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, h.PartnerToken,
            $"subscription {{ standingAlerts(subscription: \"{subscription}\") {{ subscription entries {{ id kind headline objects {{ type id }} }} }} }}");
        // The protocol does not acknowledge a subscription; the hub shows when it is live. (A timed-out receive would abort
        // the client socket, so the test waits for that instead of retrying the change.)
        for (var i = 0; i < 100 && hub.SubscriberCount <= before; i++)
        {
            await Task.Delay(50);
        }

        var zones = new List<string> { await h.ZoneHereAsync() };
        var delivery = (await ws.ReceiveTypeAsync("next", TimeSpan.FromSeconds(20)))["payload"]!["data"]!["standingAlerts"]!;

        var entry = delivery["entries"]![0]!;
        Assert.Equal(subscription, delivery["subscription"]!.GetValue<string>());
        Assert.Equal("ZONE_CREATED", entry["kind"]!.GetValue<string>());
        Assert.Contains(entry["objects"]!.AsArray(), o => o!["type"]!.GetValue<string>() == "Zone" && zones.Contains(o["id"]!.GetValue<string>()));
        var inbox = await h.InboxAtLeastAsync(subscription, zones.Count);
        Assert.Equal(zones.Count, inbox.Count);
        Assert.Equal(zones, inbox.Select(e => e!["objects"]![0]!["id"]!.GetValue<string>()).ToList());
        Assert.All(inbox, e => Assert.Equal(("SEVERE", "IMMEDIATE", "OBSERVED"),
            (e!["severity"]!.GetValue<string>(), e["urgency"]!.GetValue<string>(), e["certainty"]!.GetValue<string>())));
        Assert.StartsWith("Emergency zone drawn: Zone-", inbox[0]!["headline"]!.GetValue<string>());
        var eventId = long.Parse(inbox[0]!["eventId"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(zones[0], await api.ScalarAsync<string>($"SELECT entity_id FROM events WHERE id = {eventId} AND kind = 'ZONE_CREATED'"));
    }

    [Fact]
    public async Task Issue12_an_offline_partner_catches_up_from_its_inbox_in_order_and_acknowledges()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "catch up", area = h.Area(), kinds = new[] { "ZONE_CREATED", "ZONE_CLOSED" } });
        var first = await h.ZoneHereAsync();
        await h.Seed.ZoneAsync(Seed.Square(h.Here[0] + 0.2, h.Here[1] + 0.2, 0.001)); // outside the area
        var second = await h.ZoneHereAsync(0.001);
        await api.GraphQL.QueryAsync("mutation ($z: ID!) { closeZone(zone: $z) { id } }", new { z = first });

        var all = await h.InboxAtLeastAsync(subscription, 3);
        var page1 = await h.InboxAsync(subscription, first: 2);
        var page2 = await h.InboxAsync(subscription, after: page1[1]!["cursor"]!.GetValue<string>(), first: 2);

        Assert.Equal(3, all.Count);
        Assert.Equal([("ZONE_CREATED", first), ("ZONE_CREATED", second), ("ZONE_CLOSED", first)],
            all.Select(e => (e!["kind"]!.GetValue<string>(), e["objects"]![0]!["id"]!.GetValue<string>())).ToList());
        Assert.Equal(all.Select(e => e!["id"]!.GetValue<string>()), page1.Concat(page2).Select(e => e!["id"]!.GetValue<string>()));

        var unacknowledged = await UnacknowledgedAsync();
        Assert.Contains(unacknowledged, u => u!["entry"]!["id"]!.GetValue<string>() == all[0]!["id"]!.GetValue<string>()
            && u["service"]!.GetValue<string>() == h.ServiceId);
        var acknowledged = (await h.Partner.QueryAsync("mutation ($e: ID!) { acknowledgeAlert(entry: $e) { id acknowledgedAt acknowledgedBy } }",
            new { e = all[0]!["id"]!.GetValue<string>() }))["acknowledgeAlert"]!;
        Assert.NotNull(acknowledged["acknowledgedAt"]);
        Assert.DoesNotContain(await UnacknowledgedAsync(), u => u!["entry"]!["id"]!.GetValue<string>() == all[0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue12_a_situation_update_without_geometry_reaches_a_subscription_to_its_territory_not_others()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "our city", territories = new[] { Seed.AlmatyCity }, kinds = new[] { "SITUATION_UPDATE_SENT" } });
        await h.Seed.SituationUpdateAsync("390000000");
        var update = await h.Seed.SituationUpdateAsync(Seed.AlmatyCity);

        var inbox = await h.InboxAtLeastAsync(subscription, 1);
        await Task.Delay(300);
        inbox = await h.InboxAsync(subscription);

        var entry = Assert.Single(inbox);
        Assert.Equal(update, entry!["objects"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(Seed.AlmatyCity, entry["territoryKato"]!.GetValue<string>());
        Assert.Null(entry["area"]);
    }

    [Fact]
    public async Task Issue12_a_paused_subscription_records_nothing_until_resumed_and_a_deleted_one_is_gone()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "pause", area = h.Area(), kinds = new[] { "ZONE_CREATED" } });
        var paused = await h.Partner.QueryAsync("mutation ($s: ID!) { pauseAlertSubscription(subscription: $s) { status } }", new { s = subscription });
        Assert.Equal("PAUSED", paused["pauseAlertSubscription"]!["status"]!.GetValue<string>());
        await h.ZoneHereAsync();
        await h.Partner.QueryAsync("mutation ($s: ID!) { resumeAlertSubscription(subscription: $s) { status } }", new { s = subscription });
        var afterResume = await h.ZoneHereAsync();

        var inbox = await h.InboxAtLeastAsync(subscription, 1);
        await Task.Delay(300);

        Assert.Equal([afterResume], (await h.InboxAsync(subscription)).Select(e => e!["objects"]![0]!["id"]!.GetValue<string>()));
        await h.Partner.QueryAsync("mutation ($s: ID!) { deleteAlertSubscription(subscription: $s) }", new { s = subscription });
        var gone = await h.Partner.PostAsync("query ($s: ID!) { alertInbox(subscription: $s) { totalCount } }", new { s = subscription });
        Assert.Equal("NOT_FOUND", gone.ErrorCode());
    }

    [Theory]
    [InlineData("{\"name\":\"typo\",\"territories\":[\"750000000\"],\"kinds\":[\"UNIT_ENTERED\"]}", "BAD_USER_INPUT")]
    [InlineData("{\"name\":\"nowhere\"}", "BAD_USER_INPUT")]
    [InlineData("{\"name\":\"bad kato\",\"territories\":[\"75\"]}", "BAD_USER_INPUT")]
    [InlineData("{\"name\":\"elsewhere\",\"territories\":[\"390000000\"]}", "FORBIDDEN")]
    [InlineData("{\"name\":\"plain http\",\"territories\":[\"750000000\"],\"webhookUrl\":\"http://partner.example.kz/hook\"}", "BAD_USER_INPUT")]
    [InlineData("{\"name\":\"no delivery\",\"territories\":[\"750000000\"],\"deliverSocket\":false}", "BAD_USER_INPUT")]
    [InlineData("{\"name\":\"bad zone\",\"zones\":[\"6b1f3d1e-0c1a-4b54-9a8e-5f0c7a1d2e3f\"]}", "NOT_FOUND")]
    public async Task Issue12_a_subscription_that_could_never_deliver_is_refused(string input, string code)
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM alert_subscriptions");

        var response = await h.Partner.PostAsync(StandingAlertHarness.Create, new { i = JsonNode.Parse(input) });

        Assert.Equal(code, response.ErrorCode());
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM alert_subscriptions"));
    }

    [Fact]
    public async Task Issue12_another_services_subscription_is_not_found_for_a_partner_reading_or_changing_it()
    {
        var owner = await StandingAlertHarness.StartAsync(api);
        var other = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await owner.SubscribeAsync(new { name = "mine", area = owner.Area(), kinds = new[] { "ZONE_CREATED" } });
        await owner.ZoneHereAsync();
        var entry = (await owner.InboxAtLeastAsync(subscription, 1))[0]!["id"]!.GetValue<string>();

        var response = await other.Partner.PostAsync("query ($s: ID!) { alertInbox(subscription: $s) { totalCount } }", new { s = subscription });
        var list = await other.Partner.QueryAsync("{ alertSubscriptions { id } }");
        var pause = await other.Partner.PostAsync("mutation ($s: ID!) { pauseAlertSubscription(subscription: $s) { id } }", new { s = subscription });
        var delete = await other.Partner.PostAsync("mutation ($s: ID!) { deleteAlertSubscription(subscription: $s) }", new { s = subscription });
        var acknowledge = await other.Partner.PostAsync("mutation ($e: ID!) { acknowledgeAlert(entry: $e) { id } }", new { e = entry });

        Assert.Equal(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"], new[] { response, pause, delete, acknowledge }.Select(r => r.ErrorCode()));
        Assert.DoesNotContain(list["alertSubscriptions"]!.AsArray(), s => s!["id"]!.GetValue<string>() == subscription);
        var mine = (await owner.Partner.QueryAsync("{ alertSubscriptions { id status } }"))["alertSubscriptions"]!.AsArray()
            .Single(s => s!["id"]!.GetValue<string>() == subscription)!;
        Assert.Equal("ACTIVE", mine["status"]!.GetValue<string>());
        Assert.Null((await owner.InboxAsync(subscription))[0]!["acknowledgedAt"]);
    }

    [Fact]
    public async Task Issue12_a_subscription_on_a_zone_follows_its_redraws_and_stops_matching_once_it_is_closed()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (oldLon, newLon, lat) = (h.Here[0], h.Here[0] + 0.03, h.Here[1]);
        var followed = await h.Seed.ZoneAsync(Seed.Square(oldLon, lat, 0.003));
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "follows a zone",
            zones = new[] { followed },
            kinds = new[] { "ZONE_CREATED", "ZONE_CHANGED", "ZONE_CLOSED" },
        });

        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = followed, g = Seed.Square(newLon, lat, 0.003) });
        var atOldPlace = await h.Seed.ZoneAsync(Seed.Square(oldLon, lat, 0.001));
        var atNewPlace = await h.Seed.ZoneAsync(Seed.Square(newLon, lat, 0.001));
        await MatchedAsync(atNewPlace);

        await api.GraphQL.QueryAsync("mutation ($z: ID!) { closeZone(zone: $z) { status } }", new { z = followed });
        var afterClosing = await h.Seed.ZoneAsync(Seed.Square(newLon, lat, 0.001));
        await MatchedAsync(afterClosing);

        // Other tests may draw zones near by: only this test's zones are compared.
        var ours = new[] { followed, atOldPlace, atNewPlace, afterClosing };
        var entries = (await h.InboxAsync(subscription))
            .Select(e => (Kind: e!["kind"]!.GetValue<string>(), Zone: e["objects"]![0]!["id"]!.GetValue<string>()))
            .Where(e => ours.Contains(e.Zone)).ToList();
        Assert.Equal([("ZONE_CHANGED", followed), ("ZONE_CREATED", atNewPlace), ("ZONE_CLOSED", followed)], entries);
        Assert.True(await api.ScalarAsync<bool>($"SELECT ST_IsEmpty(area) FROM alert_subscriptions WHERE id = '{subscription}'"),
            "a subscription on a closed zone alone should meet nothing");
    }

    [Fact]
    public async Task Issue12_a_zone_event_whose_id_is_not_a_uuid_does_not_stop_the_matcher()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "after an odd id", area = h.Area(), kinds = new[] { "ZONE_CREATED" } });
        await Dispatch.Gis.Storage.UnitOfWork.RunAsync(api.Db, new Dispatch.Gis.Storage.WriteOrigin("test"), w =>
        {
            w.Add(new Dispatch.Gis.Events.NewEvent("ZONE_CREATED", "Zone", "not-a-uuid", new { name = "odd" }));
            return Task.CompletedTask;
        }, CancellationToken.None);
        var zone = await h.ZoneHereAsync();

        var inbox = await h.InboxAtLeastAsync(subscription, 1);

        Assert.Equal([zone], inbox.Select(e => e!["objects"]![0]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Issue12_min_severity_keeps_milder_alerts_out_a_received_warning_keeps_its_own_severity_and_every_change_is_audited()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var name = Seed.Unique("severity");
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name, area = h.Area(), minSeverity = "MODERATE", kinds = new[] { "ZONE_CREATED", "ZONE_CLOSED", "WARNING_RECEIVED" },
        });
        var zone = await h.ZoneHereAsync();
        await api.GraphQL.QueryAsync("mutation ($z: ID!) { closeZone(zone: $z) { status } }", new { z = zone }); // ZONE_CLOSED is MINOR
        var here = new NetTopologySuite.Geometries.Point(h.Here[0], h.Here[1]) { SRID = 4326 };
        foreach (var severity in new[] { "Severe", "Minor" })
        {
            await Dispatch.Gis.Storage.UnitOfWork.RunAsync(api.Db, new Dispatch.Gis.Storage.WriteOrigin("test"), w =>
            {
                w.Add(new Dispatch.Gis.Events.NewEvent("WARNING_RECEIVED", "Warning", Seed.Unique("cap"),
                    new { headline = $"{severity} storm", severity, urgency = "Expected", certainty = "Likely" }, here, Seed.AlmatyCity));
                return Task.CompletedTask;
            }, CancellationToken.None);
        }

        var marker = await h.ZoneHereAsync(0.001);
        await MatchedAsync(marker);

        var inbox = await h.InboxAsync(subscription);
        Assert.Equal([("ZONE_CREATED", "SEVERE"), ("WARNING_RECEIVED", "SEVERE"), ("ZONE_CREATED", "SEVERE")],
            inbox.Select(e => (e!["kind"]!.GetValue<string>(), e["severity"]!.GetValue<string>())).ToList());
        Assert.Equal(("EXPECTED", "LIKELY"), (inbox[1]!["urgency"]!.GetValue<string>(), inbox[1]!["certainty"]!.GetValue<string>()));

        var entry = inbox[0]!["id"]!.GetValue<string>();
        await h.Partner.QueryAsync("mutation ($e: ID!) { acknowledgeAlert(entry: $e) { id } }", new { e = entry });
        Assert.Equal(1, await api.ScalarAsync<int>(
            $"SELECT count(*)::int FROM audit_log WHERE operation = 'createAlertSubscription' AND outcome = 'ALLOWED' AND arguments::text LIKE '%{name}%'"));
        Assert.Equal(1, await api.ScalarAsync<int>(
            $"SELECT count(*)::int FROM audit_log WHERE operation = 'acknowledgeAlert' AND outcome = 'ALLOWED' AND arguments::text LIKE '%{entry}%'"));
        var kinds = (await api.ScalarAsync<string>(
            $"SELECT string_agg(DISTINCT kind, ',') FROM events WHERE entity_type = 'AlertSubscription' AND entity_id = '{subscription}'")).Split(',').ToHashSet();
        Assert.Equal(["ALERTS_RECORDED", "ALERT_ACKNOWLEDGED", "ALERT_SUBSCRIPTION_CREATED"], kinds.Order(StringComparer.Ordinal));
    }

    /// <summary>Waits until the matcher's cursor has passed the zone's creation, so what it did not record it never will.</summary>
    [Fact]
    public async Task Issue12_a_forecast_downwind_reaches_an_inbox_as_expected_and_likely_not_as_observed()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        // In the north of the city, north of where the other alert tests draw their zones, and small enough to stay in the
        // city: a zone whose main territory lay outside the partner's scope would rightly not reach it.
        double[] here = [76.865, 43.31 + Random.Shared.NextDouble() * 0.005];
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "forecasts over our base", area = Seed.Square(here[0], here[1], 0.004), kinds = new[] { "ZONE_CREATED", "FORECAST_COMPUTED" },
        });
        // The leak is 1.2 km west of the partner's area, outside it; the wind from the west carries the cloud over it.
        var source = Seed.Point(here[0] - 0.015, here[1]);
        var forecast = (await api.GraphQL.QueryAsync("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new
        {
            i = new
            {
                location = source, substance = "Хлор", releasedMassKilograms = 1_000.0, horizonsMinutes = new[] { 10, 20 },
                weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" },
            },
        }))["runForecast"]!["id"]!.GetValue<string>();
        await Forecasts.ForecastPolling.UntilAsync(api, "query ($id: ID!) { forecast(id: $id) { id state version } }", forecast, "SUCCEEDED", 1);
        var zones = (await api.ScalarAsync<string>($"SELECT string_agg(zone_id::text, ',') FROM forecast_horizons WHERE forecast_id = '{forecast}'")).Split(',');

        var inbox = await h.InboxAtLeastAsync(subscription, 3);

        var computed = Assert.Single(inbox, e => e!["kind"]!.GetValue<string>() == "FORECAST_COMPUTED")!;
        Assert.Equal(("Forecast", forecast), (computed["objects"]![0]!["type"]!.GetValue<string>(), computed["objects"]![0]!["id"]!.GetValue<string>()));
        Assert.Equal(("SEVERE", "EXPECTED", "LIKELY"), (computed["severity"]!.GetValue<string>(), computed["urgency"]!.GetValue<string>(), computed["certainty"]!.GetValue<string>()));
        Assert.False(await api.ScalarAsync<bool>($"SELECT ST_Intersects(area, ST_SetSRID(ST_MakePoint({here[0] - 0.015}, {here[1]}), 4326)) FROM alert_subscriptions WHERE id = '{subscription}'"));
        var drawn = inbox.Where(e => e!["kind"]!.GetValue<string>() == "ZONE_CREATED" && zones.Contains(e["objects"]![0]!["id"]!.GetValue<string>())).ToList();
        Assert.Equal(2, zones.Length);
        var diag = await api.ScalarAsync<string>($"SELECT string_agg(e.kind || ' ' || coalesce(e.territory_kato,'-') || ' ' || ST_Intersects(e.geom, s.area)::text || ' ' || (e.id > s.match_after)::text || ' ' || coalesce(e.payload->>'kind',''), '; ') FROM events e, alert_subscriptions s WHERE s.id = '{subscription}' AND e.entity_id = ANY (string_to_array('{string.Join(',', zones)}', ','))");
        Assert.True(drawn.Count == 2, diag + " | inbox: " + string.Join(",", inbox.Select(e => e!["kind"]!.GetValue<string>())));
        Assert.Equal(zones.Order(), drawn.Select(e => e!["objects"]![0]!["id"]!.GetValue<string>()).Order());
        Assert.All(drawn, e =>
        {
            Assert.Equal(("EXPECTED", "LIKELY"), (e!["urgency"]!.GetValue<string>(), e["certainty"]!.GetValue<string>()));
            Assert.StartsWith("Forecast zone drawn", e["headline"]!.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Issue12_a_unit_entering_and_leaving_a_zone_in_a_partners_area_reaches_its_inbox_in_order()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "units and zones here", area = h.Area(), kinds = new[] { "UNIT_ENTERED_ZONE", "UNIT_EXITED_ZONE" }, minSeverity = "MINOR",
        });
        var unit = await h.Seed.UnitAsync(h.ServiceId, h.Here, "MEDICAL");
        const string report = "mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }";
        await api.GraphQL.QueryAsync(report, new { p = new[] { new { unit, point = Seed.Point(h.Here[0], h.Here[1]), at = DateTime.UtcNow.ToString("O") } } });
        var zone = await h.ZoneHereAsync();
        await api.GraphQL.QueryAsync(report, new
        {
            p = new[] { new { unit, point = Seed.Point(h.Here[0] + 0.002, h.Here[1]), at = DateTime.UtcNow.AddSeconds(1).ToString("O") } },
        });

        var ours = (await h.InboxAtLeastAsync(subscription, 2)).Where(e => e!["objects"]![0]!["id"]!.GetValue<string>() == unit).ToList();

        Assert.Equal(["UNIT_ENTERED_ZONE", "UNIT_EXITED_ZONE"], ours.Select(e => e!["kind"]!.GetValue<string>()));
        Assert.All(ours, e =>
        {
            Assert.Equal([("Unit", unit), ("Zone", zone)], e!["objects"]!.AsArray().Select(o => (o!["type"]!.GetValue<string>(), o["id"]!.GetValue<string>())));
            Assert.Equal(("IMMEDIATE", "OBSERVED"), (e["urgency"]!.GetValue<string>(), e["certainty"]!.GetValue<string>()));
        });
        Assert.Equal(["MODERATE", "MINOR"], ours.Select(e => e!["severity"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Issue12_an_incident_reported_in_a_partners_area_reaches_its_inbox_as_likely()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "incidents here", area = h.Area(), kinds = new[] { "INCIDENT_RECEIVED" } });

        var incident = await h.Seed.IncidentAsync(h.Here, "CHEMICAL_RELEASE", "smell of chlorine by the market");

        var entry = Assert.Single(await h.InboxAtLeastAsync(subscription, 1), e => e!["objects"]![0]!["id"]!.GetValue<string>() == incident)!;
        Assert.Equal("INCIDENT_RECEIVED", entry["kind"]!.GetValue<string>());
        Assert.Equal("Incident", entry["objects"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(("MODERATE", "IMMEDIATE", "LIKELY"), (entry["severity"]!.GetValue<string>(), entry["urgency"]!.GetValue<string>(), entry["certainty"]!.GetValue<string>()));
        Assert.Equal("Point", entry["area"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue12_an_incident_classified_then_responded_to_and_forces_requested_of_the_partner_reach_its_inbox()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "incident workflow here", area = h.Area(), kinds = new[] { "INCIDENT_CLASSIFIED", "INCIDENT_STATUS_CHANGED", "FORCES_REQUESTED" },
            minSeverity = "MINOR",
        });
        var incident = await h.Seed.IncidentAsync(h.Here, "CHEMICAL_RELEASE", "chlorine cylinder leaking at a water plant");

        await api.GraphQL.QueryAsync("mutation ($i: ID!) { classifyIncident(incident: $i, origin: MAN_MADE, type: \"CHEMICAL_RELEASE\", scale: LOCAL) { id } }",
            new { i = incident });
        await api.GraphQL.QueryAsync("mutation ($i: ID!) { setIncidentStatus(incident: $i, status: RESPONDING) { status } }", new { i = incident });
        var request = await h.Seed.ForceRequestAsync(incident, h.ServiceId);

        var ours = (await h.InboxAtLeastAsync(subscription, 3))
            .Where(e => e!["objects"]!.AsArray().Any(o => o!["id"]!.GetValue<string>() == incident)).ToList();
        Assert.Equal(["INCIDENT_CLASSIFIED", "INCIDENT_STATUS_CHANGED", "FORCES_REQUESTED"], ours.Select(e => e!["kind"]!.GetValue<string>()));
        Assert.Equal([("MODERATE", "IMMEDIATE", "OBSERVED"), ("MINOR", "EXPECTED", "OBSERVED"), ("MODERATE", "IMMEDIATE", "OBSERVED")],
            ours.Select(e => (e!["severity"]!.GetValue<string>(), e["urgency"]!.GetValue<string>(), e["certainty"]!.GetValue<string>())));
        Assert.All(ours, e => Assert.Equal("Point", e!["area"]!["type"]!.GetValue<string>()));
        Assert.Contains("RESPONDING", ours[1]!["headline"]!.GetValue<string>(), StringComparison.Ordinal);
        // The request names what it asks for and the incident it is for.
        Assert.Equal([("ForceRequest", request), ("Incident", incident)],
            ours[2]!["objects"]!.AsArray().Select(o => (o!["type"]!.GetValue<string>(), o["id"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Issue12_a_regime_declared_for_the_territory_around_a_partners_area_reaches_its_inbox_each_time()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "regimes here", area = h.Area(), kinds = new[] { "REGIME_DECLARED" } });
        const string declare = "mutation ($t: String!, $r: Regime!, $b: String!) { declareRegime(territory: $t, regime: $r, basis: $b) { id } }";
        var before = (await api.GraphQL.QueryAsync("query ($k: String!) { territory(kato: $k) { regime { own } } }", new { k = Seed.AlmatyCity }))
            ["territory"]!["regime"]!["own"]!.GetValue<string>();
        var raised = before == "HIGH_READINESS" ? "EMERGENCY" : "HIGH_READINESS";

        var declarations = new List<string>();
        try
        {
            declarations.Add((await api.GraphQL.QueryAsync(declare, new { t = Seed.AlmatyCity, r = raised, b = "alert test: storm warning" }))
                ["declareRegime"]!["id"]!.GetValue<string>());
        }
        finally
        {
            // Other tests of the collection expect the city as they found it.
            declarations.Add((await api.GraphQL.QueryAsync(declare, new { t = Seed.AlmatyCity, r = before, b = "alert test: back as it was" }))
                ["declareRegime"]!["id"]!.GetValue<string>());
        }

        var ours = (await h.InboxAtLeastAsync(subscription, 2)).Where(e => e!["kind"]!.GetValue<string>() == "REGIME_DECLARED").TakeLast(2).ToList();
        Assert.Equal([raised, before], ours.Select(e => e!["headline"]!.GetValue<string>().Split(": ")[1].Split(' ')[0]));
        Assert.All(ours, e =>
        {
            Assert.Equal([("Territory", Seed.AlmatyCity)], e!["objects"]!.AsArray().Select(o => (o!["type"]!.GetValue<string>(), o["id"]!.GetValue<string>())));
            Assert.Equal(("SEVERE", "IMMEDIATE", "OBSERVED"), (e["severity"]!.GetValue<string>(), e["urgency"]!.GetValue<string>(), e["certainty"]!.GetValue<string>()));
            Assert.Equal(Seed.AlmatyCity, e["territoryKato"]!.GetValue<string>());
            Assert.Contains(e["area"]!["type"]!.GetValue<string>(), new[] { "Polygon", "MultiPolygon" });
        });
    }

    [Fact]
    public async Task Issue12_a_feed_for_the_partners_territory_falling_silent_reaches_its_inbox()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "feeds here", area = h.Area(), kinds = new[] { "FEED_SILENT" }, minSeverity = "MINOR" });
        using var admin = api.Client(api.Tokens.Issue("alerts-admin", Role.Admin, ["*"], "Alerts admin"));
        var code = Seed.Unique("ALERT-PUSH").ToUpperInvariant();
        object Feed(bool enabled) => new { i = new { code, name = "pushed readings", format = "PUSH", silenceSeconds = 1, territory = Seed.AlmatyCity, enabled } };
        var feed = (await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", Feed(true)))["upsertFeed"]!["id"]!.GetValue<string>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var scheduler = await api.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
            await scheduler.TriggerJob(new Quartz.JobKey("watch-feeds", "service"));

            var entry = Assert.Single(await h.InboxAtLeastAsync(subscription, 1), e => e!["objects"]![0]!["id"]!.GetValue<string>() == feed)!;
            Assert.Equal("FEED_SILENT", entry["kind"]!.GetValue<string>());
            Assert.Equal("Feed", entry["objects"]![0]!["type"]!.GetValue<string>());
            Assert.Equal(("MINOR", "EXPECTED", "OBSERVED"), (entry["severity"]!.GetValue<string>(), entry["urgency"]!.GetValue<string>(), entry["certainty"]!.GetValue<string>()));
            // A feed that never delivered has no extent of its own: it is matched, and shown, by its territory.
            Assert.Equal(Seed.AlmatyCity, entry["territoryKato"]!.GetValue<string>());
        }
        finally
        {
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", Feed(false));
        }
    }

    private async Task MatchedAsync(string zone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await api.ScalarAsync<bool>($"""
            SELECT (SELECT last_event_id FROM alert_matcher_cursor WHERE name = 'standing')
                   >= (SELECT max(id) FROM events WHERE entity_id = '{zone}' AND kind = 'ZONE_CREATED')
            """))
        {
            Assert.True(DateTime.UtcNow < deadline, "the matcher did not reach the zone's creation");
            await Task.Delay(100);
        }
    }

    private async Task<JsonArray> UnacknowledgedAsync() =>
        (await api.GraphQL.QueryAsync("{ unacknowledgedAlerts(first: 1000) { service entry { id } } }"))["unacknowledgedAlerts"]!.AsArray();
}
