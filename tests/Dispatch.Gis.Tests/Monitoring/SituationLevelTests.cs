using System.Globalization;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>
/// Issue 10: thresholds move levels up and down with evidence — a hydro post's own dated levels, the national gamma
/// ladder, earthquakes by magnitude and distance, storm warnings by severity — each change a SITUATION_CHANGED event
/// offered to the partners its domain routes to, and regime suggestions that only an officer acts on.
/// Each test judges a region no other test touches.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class SituationLevelTests(ApiFixture api, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private readonly MonitoringHarness _m = new(api, simulator.Server);

    private async Task<string> PushFeedAsync(string territory)
    {
        var feed = MonitoringHarness.Code("F-PUSH");
        await _m.FeedAsync(feed, "PUSH", null, territory: territory);
        return feed;
    }

    private Task<JsonNode> PushAsync(string feed, string station, string parameter, double value, string unit, DateTime at) =>
        MonitoringHarness.PushAsync(_m.Officer, feed, (station, parameter, at, value, unit));

    private async Task<JsonArray> SuggestionsAsync(string kato) =>
        (await _m.Officer.QueryAsync("query ($t: String!) { regimeSuggestions(territory: $t) { id territoryKato regime status domains level reason note declarationId evidence { summary } } }",
            new { t = kato }))["regimeSuggestions"]!.AsArray();

    private static async Task<JsonNode> FirstInboxEntryAsync(GraphQLClient partner, string subscription)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var nodes = (await partner.QueryAsync("query ($s: ID!) { alertInbox(subscription: $s, first: 1) { nodes { kind severity urgency certainty headline area } } }",
                new { s = subscription }))["alertInbox"]!["nodes"]!.AsArray();
            if (nodes.Count > 0)
            {
                return nodes[0]!;
            }

            Assert.True(DateTime.UtcNow < deadline, "nothing reached the partner's inbox");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_hydro_post_past_its_own_danger_level_raises_the_district_and_region_is_routed_to_partners_and_suggests_a_regime_the_officer_decides()
    {
        // Arrange: a post registered under a code of thresholds.json takes the file's dated, cited levels (ОУ 950 cm, houses at 1300 cm).
        const string Region = "590000000";
        var district = await _m.DistrictOfAsync(Region);
        var at = await _m.PointInAsync(district);
        var station = await _m.StationAsync("KZH-ESIL-POKROVKA", "HYDRO_POST", at, ["WATER_LEVEL"]);
        var police = await new Seed(api.GraphQL).ServiceAsync(district, "POLICE");
        var feed = await PushFeedAsync(Region);
        var start = DateTime.UtcNow;
        var now = DateTime.UtcNow;
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "s", type = "subscribe", payload = new { query = "subscription { events(kinds: [\"SITUATION_CHANGED\"]) { kind territoryKato payload } }" } });
        // The district's police keep a standing subscription to its territory's level changes (issue 12).
        using var partner = api.Client(api.Tokens.Issue(Seed.Unique("flood-police"), Role.PartnerOfficer, [district], "Police duty officer", serviceId: police.Code));
        var subscription = (await partner.QueryAsync(Alerts.StandingAlertHarness.Create, new { i = new { name = "levels", territories = new[] { district },
            kinds = new[] { "SITUATION_CHANGED" } } }))["createAlertSubscription"]!["subscription"]!["id"]!.GetValue<string>();

        // Act and assert, step by step along the flood.
        await PushAsync(feed, "KZH-ESIL-POKROVKA", "WATER_LEVEL", 900, "cm", now.AddMinutes(-30));
        Assert.Equal("NORMAL", (await _m.DomainAsync(district, "HYDROLOGICAL"))["level"]!.GetValue<string>());

        await PushAsync(feed, "KZH-ESIL-POKROVKA", "WATER_LEVEL", 10.2, "m", now.AddMinutes(-20));
        var high = await _m.DomainAsync(district, "HYDROLOGICAL");
        Assert.Equal(("HIGH", "NORMAL"), (high["level"]!.GetValue<string>(), high["previousLevel"]!.GetValue<string>()));
        var evidence = high["evidence"]![0]!;
        Assert.Equal(("OBSERVATION", "KZH-ESIL-POKROVKA", 1020.0, 950.0, "опасный уровень (ОУ)", true), (evidence["kind"]!.GetValue<string>(),
            evidence["stationCode"]!.GetValue<string>(), evidence["value"]!.GetValue<double>(), evidence["threshold"]!.GetValue<double>(),
            evidence["thresholdLabel"]!.GetValue<string>(), evidence["verified"]!.GetValue<bool>()));
        Assert.Contains("kazhydromet.kz/en/post/2098", evidence["citation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("thresholds.json ", evidence["thresholdSource"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("HIGH", (await _m.DomainAsync(Region, "HYDROLOGICAL"))["level"]!.GetValue<string>());
        var live = await ws.ReceiveTypeAsync("next", TimeSpan.FromSeconds(10));
        Assert.Equal("SITUATION_CHANGED", live["payload"]!["data"]!["events"]!["kind"]!.GetValue<string>());
        var levelAlert = await FirstInboxEntryAsync(partner, subscription);
        Assert.Equal(("SITUATION_CHANGED", "SEVERE", "EXPECTED", "LIKELY"), (levelAlert["kind"]!.GetValue<string>(), levelAlert["severity"]!.GetValue<string>(),
            levelAlert["urgency"]!.GetValue<string>(), levelAlert["certainty"]!.GetValue<string>()));
        Assert.StartsWith("Situation level changed: HYDROLOGICAL NORMAL → HIGH (", levelAlert["headline"]!.GetValue<string>(), StringComparison.Ordinal);
        // Placed where the evidence is: the post itself, not the whole district.
        Assert.Equal(at, levelAlert["area"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()).ToArray());
        // Offered to the partners the domain routes to (one update: a lone district), acknowledged like any update.
        var updates = await api.GraphQL.QueryAsync("query ($t: String!) { situationUpdates(territory: $t) { domain text recipients { service { code } } } }", new { t = district });
        var update = updates["situationUpdates"]!.AsArray().Single(u => u!["domain"]!.GetValue<string>() == "HYDROLOGICAL")!;
        Assert.Contains("NORMAL → HIGH", update["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(update["recipients"]!.AsArray(), r => r!["service"]!["code"]!.GetValue<string>() == police.Code);
        var readiness = Assert.Single(await SuggestionsAsync(district))!;
        Assert.Equal(("HIGH_READINESS", "PENDING", district), (readiness["regime"]!.GetValue<string>(), readiness["status"]!.GetValue<string>(),
            readiness["territoryKato"]!.GetValue<string>()));
        Assert.Equal(0, await _m.EventsAsync("REGIME_DECLARED", district));

        await PushAsync(feed, "KZH-ESIL-POKROVKA", "WATER_LEVEL", 1349, "см", now.AddMinutes(-10));
        Assert.Equal("CRITICAL", (await _m.DomainAsync(district, "HYDROLOGICAL"))["level"]!.GetValue<string>());
        var emergency = (await SuggestionsAsync(district)).Single(s => s!["regime"]!.GetValue<string>() == "EMERGENCY")!;

        var accepted = await api.GraphQL.QueryAsync("mutation ($s: ID!) { acceptRegimeSuggestion(suggestion: $s, basis: \"akim's decision, flood\") { status decidedBy declarationId } }",
            new { s = emergency["id"]!.GetValue<string>() });
        Assert.Equal("ACCEPTED", accepted["acceptRegimeSuggestion"]!["status"]!.GetValue<string>());
        Assert.Equal(1, await _m.EventsAsync("REGIME_DECLARED", district));
        var regime = await api.GraphQL.QueryAsync("query ($k: String!) { territory(kato: $k) { regime { effective } } }", new { k = district });
        Assert.Equal("EMERGENCY", regime["territory"]!["regime"]!["effective"]!.GetValue<string>());
        var again = await api.GraphQL.PostAsync("mutation ($s: ID!) { acceptRegimeSuggestion(suggestion: $s) { status } }", new { s = emergency["id"]!.GetValue<string>() });
        Assert.Equal("CONFLICT", again.ErrorCode());
        await _m.RunJobAsync("evaluate-situation");
        // The regime in force is above high readiness now: that suggestion lapsed.
        Assert.Equal("LAPSED", (await SuggestionsAsync(district)).Single(s => s!["regime"]!.GetValue<string>() == "HIGH_READINESS")!["status"]!.GetValue<string>());

        await PushAsync(feed, "KZH-ESIL-POKROVKA", "WATER_LEVEL", 880, "cm", now);
        var normal = await _m.DomainAsync(district, "HYDROLOGICAL");
        Assert.Equal(("NORMAL", "CRITICAL", 0), (normal["level"]!.GetValue<string>(), normal["previousLevel"]!.GetValue<string>(), normal["evidence"]!.AsArray().Count));

        // The report: the three changes since the start, then nothing after it is issued.
        var report = await api.GraphQL.QueryAsync("query ($t: String!, $s: DateTime) { situationReport(territory: $t, since: $s) { changes { domain from to } lastReport { id } } }",
            new { t = district, s = start.ToString("O") });
        Assert.Equal(["NORMAL→HIGH", "HIGH→CRITICAL", "CRITICAL→NORMAL"],
            report["situationReport"]!["changes"]!.AsArray().Select(c => $"{c!["from"]}→{c["to"]}"));
        var issued = await api.GraphQL.QueryAsync("mutation ($t: String!) { issueSituationReport(territory: $t) { situation { highest } } }", new { t = district });
        var after = await api.GraphQL.QueryAsync("query ($t: String!) { situationReport(territory: $t) { changes { domain } lastReport { issuedBy } } }", new { t = district });
        Assert.Equal("NORMAL", issued["issueSituationReport"]!["situation"]!["highest"]!.GetValue<string>());
        Assert.Empty(after["situationReport"]!["changes"]!.AsArray());
        Assert.Equal("Test Officer", after["situationReport"]!["lastReport"]!["issuedBy"]!.GetValue<string>());
        Assert.Equal(3, await _m.EventsAsync("SITUATION_CHANGED", district, "HYDROLOGICAL"));
        Assert.Equal(3, await _m.EventsAsync("SITUATION_CHANGED", Region, "HYDROLOGICAL"));
        Assert.Contains(station["thresholds"]!.AsArray(), t => t!["value"]!.GetValue<double>() == 1300 && t["level"]!.GetValue<string>() == "CRITICAL");
    }

    [Fact]
    public async Task A_sensor_account_pushes_gamma_readings_judged_by_the_national_ladder_with_bad_rows_quarantined_by_pointer()
    {
        const string Region = "550000000";
        var district = await _m.DistrictOfAsync(Region);
        var at = await _m.PointInAsync(district);
        var seed = new Seed(api.GraphQL);
        var objectId = await seed.DangerousObjectAsync(at, "RADIATION");
        var code = MonitoringHarness.Code("T-GAMMA");
        await _m.StationAsync(code, "OBJECT_SENSOR", at, ["GAMMA_DOSE_RATE"], dangerousObject: objectId);
        var elsewhere = MonitoringHarness.Code("T-GAMMA-ELSEWHERE");
        await _m.StationAsync(elsewhere, "RADIATION_POST", await _m.PointInAsync(await _m.DistrictOfAsync("350000000", 1)), ["GAMMA_DOSE_RATE"]);
        var feed = await PushFeedAsync(Region);
        using var sensor = api.Client(api.Tokens.Issue("sensor-" + code, Role.Ingest, [], "Gamma sensor", sources: [feed]));
        using var other = api.Client(api.Tokens.Issue("sensor-other", Role.Ingest, [], "Other sensor", sources: ["SOMETHING-ELSE"]));
        var now = DateTime.UtcNow;

        var first = await MonitoringHarness.PushAsync(sensor, feed, (code, "GAMMA_DOSE_RATE", now.AddMinutes(-20), 0.2, "µSv/h"), (code, "GAMMA_DOSE_RATE", now.AddMinutes(-15), 350, "nSv/h"),
            (code, "GAMMA_DOSE_RATE", now.AddMinutes(-14), 0.2, "Bq"), (elsewhere, "GAMMA_DOSE_RATE", now.AddMinutes(-14), 0.2, "µSv/h"));
        var elevated = await _m.DomainAsync(district, "RADIATION");
        await MonitoringHarness.PushAsync(sensor, feed, (code, "GAMMA_DOSE_RATE", now.AddMinutes(-10), 0.61, "µSv/h"));
        var high = await _m.DomainAsync(district, "RADIATION");
        var resend = await MonitoringHarness.PushAsync(sensor, feed, (code, "GAMMA_DOSE_RATE", now.AddMinutes(-10), 0.61, "µSv/h"));
        await MonitoringHarness.PushAsync(sensor, feed, (code, "GAMMA_DOSE_RATE", now.AddMinutes(-1), 0.11, "µSv/h"));
        var normal = await _m.DomainAsync(district, "RADIATION");
        var forbidden = await other.PostAsync("mutation ($f: String!) { reportObservations(feed: $f, observations: [{station: \"X\", parameter: \"GAMMA_DOSE_RATE\", observedAt: \"2026-01-01T00:00:00Z\", value: 1, unit: \"µSv/h\"}]) { id } }",
            new { f = feed });

        Assert.Equal((2, 2), (first["stored"]!.GetValue<int>(), first["rejectedCount"]!.GetValue<int>()));
        Assert.Equal(["observations[2]", "observations[3]"], first["rejected"]!.AsArray().Select(r => r!["pointer"]!.GetValue<string>()));
        Assert.Contains("unit \"Bq\"", first["rejected"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("outside the territories", first["rejected"]![1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("ELEVATED", 0.30), (elevated["level"]!.GetValue<string>(), elevated["evidence"]![0]!["threshold"]!.GetValue<double>()));
        Assert.Contains("National Centre of Expertise", elevated["evidence"]![0]!["citation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("HIGH", 0.57), (high["level"]!.GetValue<string>(), high["evidence"]![0]!["threshold"]!.GetValue<double>()));
        Assert.Equal((0, 1), (resend["stored"]!.GetValue<int>(), resend["duplicates"]!.GetValue<int>()));
        Assert.Equal("NORMAL", normal["level"]!.GetValue<string>());
        Assert.Equal("FORBIDDEN", forbidden.ErrorCode());
        var sensors = await api.GraphQL.QueryAsync("query ($o: ID!) { dangerousObject(id: $o) { monitoringStations { code observations { level } } } }", new { o = objectId });
        Assert.Equal(["NORMAL", "HIGH", "ELEVATED", "NORMAL"],
            sensors["dangerousObject"]!["monitoringStations"]![0]!["observations"]!.AsArray().Select(o => o!["level"]!.GetValue<string>()));
        Assert.Equal(3, await _m.EventsAsync("SITUATION_CHANGED", district, "RADIATION"));
    }

    [Fact]
    public async Task An_earthquake_near_settlements_raises_the_seismic_level_by_magnitude_and_distance_and_a_deleted_event_lowers_it()
    {
        const string Region = "630000000";
        var id = MonitoringHarness.Code("us7000q");
        // 10 km from Oskemen (Ust-Kamenogorsk); each version of the event says when it was last updated.
        var time = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        string Quake(string status, int updatedSecondsAgo) => $$"""
            { "type": "FeatureCollection", "metadata": { "count": 1 }, "features": [ { "type": "Feature", "id": "{{id}}",
              "properties": { "mag": 5.4, "place": "10 km NE of Oskemen, Kazakhstan", "time": {{time}},
                "updated": {{DateTimeOffset.UtcNow.AddSeconds(-updatedSecondsAgo).ToUnixTimeMilliseconds()}}, "status": "{{status}}", "magType": "mww", "type": "earthquake" },
              "geometry": { "type": "Point", "coordinates": [82.72, 50.02, 14.0] } } ] }
            """;
        var path = "t/" + MonitoringHarness.Code("QUAKE") + ".geojson";
        simulator.Server.SetPayload(path, Quake("reviewed", 540), "application/geo+json");
        var feed = MonitoringHarness.Code("F-QUAKE");

        await _m.FeedAsync(feed, "GEOJSON_QUAKES", path);
        var high = await _m.DomainAsync(Region, "SEISMIC");
        simulator.Server.SetPayload(path, Quake("deleted", 60), "application/geo+json");
        var deleted = await _m.PollAsync(feed);
        var normal = await _m.DomainAsync(Region, "SEISMIC");

        Assert.Equal("HIGH", high["level"]!.GetValue<string>());
        var evidence = high["evidence"]![0]!;
        Assert.Equal(("EARTHQUAKE", id, 5.4), (evidence["kind"]!.GetValue<string>(), evidence["earthquakeId"]!.GetValue<string>(), evidence["magnitude"]!.GetValue<double>()));
        Assert.InRange(evidence["distanceKm"]!.GetValue<double>(), 0, 20);
        Assert.False(evidence["verified"]!.GetValue<bool>());
        Assert.Equal(1, deleted["updated"]!.GetValue<int>());
        Assert.Equal("NORMAL", normal["level"]!.GetValue<string>());
        Assert.True(await _m.EventsAsync("SITUATION_CHANGED", Region, "SEISMIC") >= 2);
    }

    [Fact]
    public async Task A_storm_warning_raises_the_meteorological_level_where_its_area_lies_until_it_is_cancelled_or_expires()
    {
        const string Region = "310000000";
        var (id1, id2, cancel) = (MonitoringHarness.Code("T.WIND"), MonitoringHarness.Code("T.WIND"), MonitoringHarness.Code("T.CANCEL"));
        string Alerts(string expires) => FeedSimulatorServer.Fill(MonitoringHarness.Fixture("cap-atom.xml"), DateTimeOffset.UtcNow, 1)
            .Replace("{{ID1}}", id1, StringComparison.Ordinal).Replace("{{ID2}}", MonitoringHarness.Code("T.X"), StringComparison.Ordinal)
            .Replace("{{ID3}}", MonitoringHarness.Code("T.Y"), StringComparison.Ordinal).Replace("{{SEVERITY}}", "Severe", StringComparison.Ordinal)
            .Replace("{{EXPIRES}}", expires, StringComparison.Ordinal)
            .Replace("{{POLYGON}}", "42.7,71.1 42.7,71.7 43.1,71.7 43.1,71.1 42.7,71.1", StringComparison.Ordinal)
            .Replace("{{CIRCLE}}", "42.9,71.37 15", StringComparison.Ordinal).Replace("{{BOWTIE}}", "42.7,71.1 43.1,71.7 42.7,71.7 43.1,71.1 42.7,71.1", StringComparison.Ordinal);
        static string Cap(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var path = "t/" + MonitoringHarness.Code("WIND") + ".xml";
        simulator.Server.SetPayload(path, Alerts(Cap(DateTimeOffset.UtcNow.AddHours(2))), "application/atom+xml");
        var feed = MonitoringHarness.Code("F-WIND");

        await _m.FeedAsync(feed, "CAP", path);
        var high = await _m.DomainAsync(Region, "METEOROLOGICAL");
        var sent = await api.ScalarAsync<DateTime>($"SELECT sent_at FROM warnings WHERE identifier = '{id1}' LIMIT 1");
        simulator.Server.SetPayload(path, FeedSimulatorServer.Fill(MonitoringHarness.Fixture("cap-cancel.xml"), DateTimeOffset.UtcNow, 1)
            .Replace("{{ID4}}", cancel, StringComparison.Ordinal).Replace("{{ID1}}", id1, StringComparison.Ordinal).Replace("{{SENT1}}", Cap(new DateTimeOffset(sent)), StringComparison.Ordinal),
            "application/cap+xml");
        await _m.PollAsync(feed);
        var cancelled = await _m.DomainAsync(Region, "METEOROLOGICAL");
        // A second warning that runs out in a few seconds: the periodic judgement brings the level down when it does.
        simulator.Server.SetPayload(path, Alerts(Cap(DateTimeOffset.UtcNow.AddSeconds(3))).Replace(id1, id2, StringComparison.Ordinal), "application/atom+xml");
        await _m.PollAsync(feed);
        var brief = await _m.DomainAsync(Region, "METEOROLOGICAL");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await _m.RunJobAsync("evaluate-situation");
        var expired = await _m.DomainAsync(Region, "METEOROLOGICAL");

        Assert.Equal("HIGH", high["level"]!.GetValue<string>());
        var evidence = Assert.Single(high["evidence"]!.AsArray())!;
        Assert.Equal(("WARNING", "Severe", $"test@kazhydromet.kz,{id1}"), (evidence["kind"]!.GetValue<string>(), evidence["severity"]!.GetValue<string>(),
            evidence["warningId"]!.GetValue<string>()));
        Assert.Equal("NORMAL", cancelled["level"]!.GetValue<string>());
        Assert.Equal("HIGH", brief["level"]!.GetValue<string>());
        Assert.Equal("NORMAL", expired["level"]!.GetValue<string>());
        var wide = await _m.Officer.QueryAsync("{ territories(level: DISTRICT, parentKato: \"310000000\") { nodes { kato situation { highest } } } }");
        Assert.NotEmpty(wide["territories"]!["nodes"]!.AsArray());
        Assert.Equal(4, await _m.EventsAsync("SITUATION_CHANGED", Region, "METEOROLOGICAL"));
    }

    [Fact]
    public async Task A_dismissed_suggestion_is_not_made_again_for_the_same_episode_but_is_for_the_next()
    {
        const string Region = "350000000";
        var district = await _m.DistrictOfAsync(Region);
        var code = MonitoringHarness.Code("T-GAMMA");
        await _m.StationAsync(code, "RADIATION_POST", await _m.PointInAsync(district), ["GAMMA_DOSE_RATE"]);
        var feed = await PushFeedAsync(Region);
        var now = DateTime.UtcNow;

        await PushAsync(feed, code, "GAMMA_DOSE_RATE", 0.8, "µSv/h", now.AddMinutes(-30));
        var first = Assert.Single(await SuggestionsAsync(district))!;
        var dismissed = await api.GraphQL.QueryAsync("mutation ($s: ID!) { dismissRegimeSuggestion(suggestion: $s, reason: \"a known calibration fault\") { status note } }",
            new { s = first["id"]!.GetValue<string>() });
        await _m.RunJobAsync("evaluate-situation");
        await PushAsync(feed, code, "GAMMA_DOSE_RATE", 0.9, "µSv/h", now.AddMinutes(-25));
        var still = await SuggestionsAsync(district);
        await PushAsync(feed, code, "GAMMA_DOSE_RATE", 0.1, "µSv/h", now.AddMinutes(-20));
        await PushAsync(feed, code, "GAMMA_DOSE_RATE", 0.7, "µSv/h", now.AddMinutes(-10));
        var next = await SuggestionsAsync(district);

        Assert.Equal(("DISMISSED", "a known calibration fault"), (dismissed["dismissRegimeSuggestion"]!["status"]!.GetValue<string>(),
            dismissed["dismissRegimeSuggestion"]!["note"]!.GetValue<string>()));
        Assert.Single(still);
        Assert.Equal(["PENDING", "DISMISSED"], next.Select(s => s!["status"]!.GetValue<string>()));
        Assert.Equal(0, await _m.EventsAsync("REGIME_DECLARED", district));
    }

    [Fact]
    public async Task A_station_entered_with_dated_levels_judges_each_reading_by_the_levels_of_its_day()
    {
        const string Region = "110000000";
        var district = await _m.DistrictOfAsync(Region);
        var code = MonitoringHarness.Code("T-POST");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thresholds = new object[]
        {
            new { parameter = "WATER_LEVEL", level = "HIGH", value = 500, label = "ОУ (old)", validFrom = "2020-01-01", citation = "bulletin 2020", verified = true },
            new { parameter = "WATER_LEVEL", level = "HIGH", value = 700, label = "ОУ (revised)", validFrom = today.AddDays(-10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), verified = false },
        };
        var station = await _m.StationAsync(code, "HYDRO_POST", await _m.PointInAsync(district), ["WATER_LEVEL"], thresholds);
        var feed = await PushFeedAsync(Region);

        await PushAsync(feed, code, "WATER_LEVEL", 600, "cm", DateTime.UtcNow.AddDays(-15));
        await PushAsync(feed, code, "WATER_LEVEL", 600, "cm", DateTime.UtcNow.AddMinutes(-5));
        var readings = await api.GraphQL.QueryAsync("query ($c: String!, $f: DateTime) { station(code: $c) { observations(from: $f) { level } } }",
            new { c = code, f = DateTime.UtcNow.AddDays(-20).ToString("O") });
        var unmeasured = await _m.Admin.PostAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code, name = "x", @operator = "x",
            kind = "HYDRO_POST", location = Seed.Point(71.4, 51.1), parameters = new[] { "WATER_LEVEL" },
            thresholds = new[] { new { parameter = "GAMMA_DOSE_RATE", level = "HIGH", value = 1, validFrom = "2025-01-01", verified = false } } } });
        var unverified = await _m.Admin.PostAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code, name = "x", @operator = "x",
            kind = "HYDRO_POST", location = Seed.Point(71.4, 51.1), parameters = new[] { "WATER_LEVEL" },
            thresholds = new[] { new { parameter = "WATER_LEVEL", level = "HIGH", value = 700, validFrom = "2025-01-01", verified = true } } } });
        var descending = await _m.Admin.PostAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code, name = "x", @operator = "x",
            kind = "HYDRO_POST", location = Seed.Point(71.4, 51.1), parameters = new[] { "WATER_LEVEL" },
            thresholds = new[] { new { parameter = "WATER_LEVEL", level = "HIGH", value = 700, validFrom = "2025-01-01", verified = false },
                new { parameter = "WATER_LEVEL", level = "ELEVATED", value = 800, validFrom = "2025-01-01", verified = false } } } });

        Assert.Equal(2, station["thresholds"]!.AsArray().Count);
        Assert.Equal(["NORMAL", "HIGH"], readings["station"]!["observations"]!.AsArray().Select(o => o!["level"]!.GetValue<string>()));
        Assert.Equal("input.thresholds[0].parameter", unmeasured.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal("input.thresholds[0].citation", unverified.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal("input.thresholds", descending.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
    }
}
