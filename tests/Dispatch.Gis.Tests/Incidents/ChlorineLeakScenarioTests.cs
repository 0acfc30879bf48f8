using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Dispatch.Gis.Tests.Units;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Incidents;

/// <summary>
/// One incident end to end as in real life (Rules §5.3), through GraphQL with the tokens each party would hold:
/// a chlorine leak reported by a caller in Almaty; zone drawn; classified; units suggested and dispatched; an
/// ambulance service asked for more forces, which acknowledges, sends, and reports departure and arrival; tracks
/// cross into the zone; the timeline and the response figures come out right.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ChlorineLeakScenarioTests(ApiFixture api)
{
    [Fact]
    public async Task A_chlorine_leak_from_call_to_figures()
    {
        // Arrange: a district of Almaty with its own 112 fire units and an ambulance partner, far from other test data.
        var district = await api.ScalarAsync<string>("SELECT min(kato) FROM territories WHERE parent_kato = '750000000'");
        var point = await PointInAsync(district);
        var officer = api.Client(api.Tokens.Issue("almaty-112", Role.DutyOfficer112, ["750000000"], "Almaty 112 officer"));
        var seed = new Seed(officer);
        var fire = await seed.ServiceAsync(district, "UDDS_112");
        var ambulance = await seed.ServiceAsync(district, "AMBULANCE");
        var engines = new List<string>();
        foreach (var metres in new[] { 900.0, 2_500, 6_000 })
        {
            engines.Add(await seed.UnitAsync(fire.Id, [point[0], point[1] + metres / 111_055], "FIRE"));
        }

        var hazmat = await seed.UnitAsync(fire.Id, [point[0] + 0.02, point[1]], "HAZMAT");
        var utility = await seed.UnitAsync(fire.Id, [point[0] - 0.02, point[1]], "UTILITY");
        var medic = await seed.UnitAsync(ambulance.Id, [point[0], point[1] - 0.05], "MEDICAL");
        var partner = api.Client(api.Tokens.Issue("ambulance-duty", Role.PartnerOfficer, ["750000000"], "Ambulance dispatcher", serviceId: ambulance.Code));
        var partnerToken = api.Tokens.Issue("ambulance-duty", Role.PartnerOfficer, ["750000000"], "Ambulance dispatcher", serviceId: ambulance.Code);
        var lastEvent = await api.ScalarAsync<long>("SELECT max(id) FROM events");

        // 1. A caller reports the leak.
        var incident = (await officer.QueryAsync("""
            mutation ($i: ReportIncidentInput!) { reportIncident(input: $i) { id number status territoryKato } }
            """, new { i = new { channel = "CALL", callerName = "A. Caller", callerPhone = "+7 700 000 00 09", location = Seed.Point(point[0], point[1]),
                address = "water treatment plant", description = "smell of chlorine near the water treatment plant", preliminaryType = "CHEMICAL_RELEASE", urgency = 1 } }))["reportIncident"]!;
        var incidentId = incident["id"]!.GetValue<string>();
        Assert.Equal("RECEIVED", incident["status"]!.GetValue<string>());
        Assert.Equal(district, incident["territoryKato"]!.GetValue<string>());

        // 2. The zone is drawn, tied to the incident; partners of the matching profile are told.
        var zone = (await officer.QueryAsync("""
            mutation ($i: CreateZoneInput!) { createZone(input: $i) { id version } }
            """, new { i = new { kind = "ACTUAL", name = "chlorine cloud", hazard = "CHEMICAL", geometry = Seed.Square(point[0], point[1], 0.004), incident = incidentId } }))["createZone"]!;
        var zoneId = zone["id"]!.GetValue<string>();
        var updates = (await partner.QueryAsync("{ situationUpdates(unacknowledgedOnly: true, first: 50) { id zoneId domain } }"))["situationUpdates"]!.AsArray();
        var offered = Assert.Single(updates, u => u!["zoneId"]?.GetValue<string>() == zoneId)!;
        Assert.Equal("CHEMICAL", offered["domain"]!.GetValue<string>());
        Assert.True((await partner.QueryAsync("mutation ($u: ID!) { acknowledgeSituationUpdate(update: $u) }", new { u = offered["id"]!.GetValue<string>() }))["acknowledgeSituationUpdate"]!.GetValue<bool>());

        // 3. Classified; the service's own suggestion comes from where the zone reaches (computed here independently).
        var classified = (await officer.QueryAsync("""
            mutation ($i: ID!) { classifyIncident(incident: $i, origin: MAN_MADE, type: "CHEMICAL_RELEASE", scale: LOCAL) { status scale suggestedScale zoneExtent ruleVersion classifiedBy } }
            """, new { i = incidentId }))["classifyIncident"]!;
        var districtsTouched = await api.ScalarAsync<long>($"SELECT count(*) FROM territories t JOIN emergency_zones z ON ST_Intersects(t.geom, z.geom) WHERE z.id = '{zoneId}' AND t.level = 'DISTRICT'");
        Assert.Equal("CLASSIFIED", classified["status"]!.GetValue<string>());
        Assert.Equal("LOCAL", classified["scale"]!.GetValue<string>());
        Assert.Equal(districtsTouched == 1 ? "DISTRICT" : "REGION", classified["zoneExtent"]!.GetValue<string>());
        Assert.Equal(districtsTouched == 1 ? "LOCAL" : "REGIONAL", classified["suggestedScale"]!.GetValue<string>());
        Assert.Equal("Almaty 112 officer", classified["classifiedBy"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(classified["ruleVersion"]!.GetValue<string>()));

        // 4. The nearest free fire engines, nearest first, with an arrival estimate.
        var suggestions = (await officer.QueryAsync("""
            query ($i: ID!) { suggestUnits(incident: $i, profile: FIRE, count: 20) { unit { id } distanceMeters etaMinutes } }
            """, new { i = incidentId }))["suggestUnits"]!.AsArray();
        // Other tests' engines may stand in the same city: ours must come nearest first among themselves.
        var ours = suggestions.Where(s => engines.Contains(s!["unit"]!["id"]!.GetValue<string>())).ToList();
        Assert.Equal(engines.Take(2), ours.Take(2).Select(s => s!["unit"]!["id"]!.GetValue<string>()));
        Assert.Equal(suggestions.Select(s => s!["distanceMeters"]!.GetValue<double>()).Order(), suggestions.Select(s => s!["distanceMeters"]!.GetValue<double>()));
        var nearest = ours[0]!;
        Assert.InRange(nearest["distanceMeters"]!.GetValue<double>(), 890, 910);
        Assert.Equal(nearest["distanceMeters"]!.GetValue<double>() * 1.3 / 1000 / 40 * 60, nearest["etaMinutes"]!.GetValue<double>(), 1);

        // 5. Dispatch: a utility crew does not fit a chemical release; the engine and the hazmat unit go.
        var wrongProfile = await officer.PostAsync("mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id } }", new { i = incidentId, u = new[] { utility } });
        Assert.Equal("BAD_USER_INPUT", wrongProfile.ErrorCode());
        var deployments = (await officer.QueryAsync("mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id unit { id status } } }",
            new { i = incidentId, u = new[] { engines[0], hazmat } }))["dispatchUnits"]!.AsArray();
        Assert.All(deployments, d => Assert.Equal("DISPATCHED", d!["unit"]!["status"]!.GetValue<string>()));
        var again = await officer.PostAsync("mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id } }", new { i = incidentId, u = new[] { engines[0] } });
        Assert.Equal("CONFLICT", again.ErrorCode());

        // 6. More forces from the ambulance partner, who hears of it on its subscription.
        await using var ws = await EventLogTests.SubscribeAsync(api.BaseAddress, partnerToken,
            $"subscription {{ events(kinds: [\"FORCES_REQUESTED\"], after: \"{lastEvent}\") {{ entityId payload }} }}");
        var request = (await officer.QueryAsync("""
            mutation ($i: ID!, $s: ID!) { requestForces(incident: $i, service: $s, personnel: 3, vehicles: [{ type: "ambulance", count: 1 }], note: "casualties with irritation") { id status } }
            """, new { i = incidentId, s = ambulance.Id }))["requestForces"]!;
        var requestId = request["id"]!.GetValue<string>();
        var heard = (await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["events"]!;
        Assert.Equal(requestId, heard["entityId"]!.GetValue<string>());
        Assert.Equal("ACKNOWLEDGED", (await partner.QueryAsync("mutation ($r: ID!) { acknowledgeForceRequest(request: $r) { status } }", new { r = requestId }))["acknowledgeForceRequest"]!["status"]!.GetValue<string>());
        Assert.Equal("FULFILLED", (await partner.QueryAsync("mutation ($r: ID!, $u: [ID!]!) { fulfilForceRequest(request: $r, units: $u) { status } }",
            new { r = requestId, u = new[] { medic } }))["fulfilForceRequest"]!["status"]!.GetValue<string>());
        var medicDeployment = await api.ScalarAsync<string>($"SELECT id::text FROM deployments WHERE unit_id = '{medic}'");

        // 7. The partner reports departure and arrival, and the unit's track crosses into the zone as reported.
        var dispatchedAt = await api.ScalarAsync<DateTime>($"SELECT dispatched_at FROM deployments WHERE id = '{medicDeployment}'");
        var departed = dispatchedAt.AddSeconds(1);
        var arrived = dispatchedAt.AddSeconds(20);
        await new Seed(api.GraphQL).ReportAsync(
            (medic, point[0], point[1] - 0.03, departed.AddSeconds(5)),
            (medic, point[0], point[1] - 0.002, arrived.AddSeconds(-2)));
        const string Report = "mutation ($d: ID!, $r: DeploymentReportInput!) { reportDeployment(deployment: $d, report: $r) { departedAt arrivedAt personnel unit { status } avlCheck { flags firstInsideAt } } }";
        await partner.QueryAsync(Report, new { d = medicDeployment, r = new { clientReportId = "amb-1", departedAt = departed.ToString("O"), personnel = 3 } });
        var onScene = (await partner.QueryAsync(Report, new { d = medicDeployment, r = new { clientReportId = "amb-2", arrivedAt = arrived.ToString("O") } }))["reportDeployment"]!;
        var resend = (await partner.QueryAsync(Report, new { d = medicDeployment, r = new { clientReportId = "amb-2", arrivedAt = arrived.AddMinutes(-1).ToString("O") } }))["reportDeployment"]!;
        Assert.Equal("ON_SCENE", onScene["unit"]!["status"]!.GetValue<string>());
        Assert.Empty(onScene["avlCheck"]!["flags"]!.AsArray());
        Assert.Equal(onScene["arrivedAt"]!.GetValue<DateTime>(), resend["arrivedAt"]!.GetValue<DateTime>());
        Assert.Equal(2L, await api.ScalarAsync<long>($"SELECT count(*) FROM deployment_reports WHERE deployment_id = '{medicDeployment}'"));

        // The hazmat crew reports arrival, but its track never came near: flagged.
        var hazmatDeployment = await api.ScalarAsync<string>($"SELECT id::text FROM deployments WHERE unit_id = '{hazmat}'");
        var hazmatDispatched = await api.ScalarAsync<DateTime>($"SELECT dispatched_at FROM deployments WHERE id = '{hazmatDeployment}'");
        await new Seed(api.GraphQL).ReportAsync((hazmat, point[0] + 0.03, point[1], hazmatDispatched.AddSeconds(2)));
        var hazmatCheck = (await officer.QueryAsync(Report, new { d = hazmatDeployment, r = new { clientReportId = "hz-1",
            departedAt = hazmatDispatched.AddSeconds(1).ToString("O"), arrivedAt = hazmatDispatched.AddSeconds(3).ToString("O") } }))["reportDeployment"]!;
        Assert.Equal(["ARRIVAL_NOT_IN_TRACK"], hazmatCheck["avlCheck"]!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));

        // 8. The timeline holds the story in order, each step with who and when.
        var timeline = (await officer.QueryAsync("query ($i: ID!) { incident(id: $i) { status timeline { id kind actor occurredAt } zones { id } deployments { id } forceRequests { status } } }",
            new { i = incidentId }))["incident"]!;
        var kinds = timeline["timeline"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();
        string[] story = ["INCIDENT_RECEIVED", "ZONE_CREATED", "SITUATION_UPDATE_SENT", "INCIDENT_CLASSIFIED", "UNITS_DISPATCHED", "FORCES_REQUESTED", "FORCES_ACKNOWLEDGED", "FORCES_SENT", "DEPLOYMENT_REPORTED"];
        Assert.Equal(story, story.Where(kinds.Contains));
        Assert.Equal(story, kinds.Where(story.Contains).Distinct());
        var ids = timeline["timeline"]!.AsArray().Select(e => long.Parse(e!["id"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.All(timeline["timeline"]!.AsArray(), e => Assert.False(string.IsNullOrEmpty(e!["actor"]?.GetValue<string>())));
        Assert.Equal("RESPONDING", timeline["status"]!.GetValue<string>());
        Assert.Equal(3, timeline["deployments"]!.AsArray().Count);

        // 9. Figures: the ambulance arrived within its 10-minute category-1 norm, counted from the call.
        var stats = (await officer.QueryAsync("""
            query ($t: String!, $from: DateTime!, $to: DateTime!) { responseStats(territory: $t, from: $from, to: $to, profile: MEDICAL) {
              deployments receivedToDispatched { count } dispatchedToArrived { count averageSeconds } receivedToArrived { count } withinNorm shareWithinNorm } }
            """, new { t = district, from = DateTime.UtcNow.AddMinutes(-10).ToString("O"), to = DateTime.UtcNow.AddMinutes(1).ToString("O") }))["responseStats"]!;
        Assert.Equal(1, stats["deployments"]!.GetValue<long>());
        Assert.Equal(1, stats["dispatchedToArrived"]!["count"]!.GetValue<long>());
        Assert.Equal(1, stats["withinNorm"]!.GetValue<long>());
        Assert.Equal(1.0, stats["shareWithinNorm"]!.GetValue<double>());
        var expectedSeconds = await api.ScalarAsync<double>($"SELECT extract(epoch FROM arrived_at - dispatched_at)::float8 FROM deployments WHERE id = '{medicDeployment}'");
        Assert.Equal(expectedSeconds, stats["dispatchedToArrived"]!["averageSeconds"]!.GetValue<double>(), 3);
    }

    private async Task<double[]> PointInAsync(string district)
    {
        await using var cmd = api.Db.CreateCommand($"SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM territories WHERE kato = '{district}') x");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return [reader.GetDouble(0), reader.GetDouble(1)];
    }
}
