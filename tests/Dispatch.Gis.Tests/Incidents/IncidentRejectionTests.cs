using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Incidents;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class IncidentRejectionTests(ApiFixture api)
{
    private const string Report = "mutation ($d: ID!, $r: DeploymentReportInput!) { reportDeployment(deployment: $d, report: $r) { departedAt arrivedAt } }";

    [Theory]
    [InlineData(-60, 5, "report.departedAt")]   // departed before the dispatch
    [InlineData(5, 2, "report.arrivedAt")]      // arrived before departing
    [InlineData(5, 600, "report.arrivedAt")]    // arrival ten minutes in the future
    public async Task Impossible_report_times_are_refused_naming_the_field_and_change_nothing(int departedAfterDispatch, int arrivedAfterDispatch, string field)
    {
        var (deployment, dispatched) = await DeploymentAsync();

        var response = await api.GraphQL.PostAsync(Report, new
        {
            d = deployment,
            r = new { clientReportId = Seed.Unique("R"), departedAt = dispatched.AddSeconds(departedAfterDispatch).ToString("O"), arrivedAt = dispatched.AddSeconds(arrivedAfterDispatch).ToString("O") },
        });

        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal(field, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal(0L, await api.ScalarAsync<long>($"SELECT count(*) FROM deployment_reports WHERE deployment_id = '{deployment}'"));
        Assert.True(await api.ScalarAsync<bool>($"SELECT departed_at IS NULL AND arrived_at IS NULL FROM deployments WHERE id = '{deployment}'"));
    }

    [Fact]
    public async Task Leaving_needs_an_arrival_and_a_resend_changes_nothing()
    {
        var (deployment, dispatched) = await DeploymentAsync();
        var noArrival = await api.GraphQL.PostAsync(Report, new { d = deployment, r = new { clientReportId = "x1", departedAt = dispatched.AddSeconds(1).ToString("O"), leftAt = dispatched.AddSeconds(2).ToString("O") } });
        Assert.Equal("report.leftAt", noArrival.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());

        var first = await api.GraphQL.QueryAsync(Report, new { d = deployment, r = new { clientReportId = "same", departedAt = dispatched.AddSeconds(1).ToString("O") } });
        var resend = await api.GraphQL.QueryAsync(Report, new { d = deployment, r = new { clientReportId = "same", departedAt = dispatched.AddSeconds(9).ToString("O") } });

        Assert.Equal(first["reportDeployment"]!["departedAt"]!.GetValue<DateTime>(), resend["reportDeployment"]!["departedAt"]!.GetValue<DateTime>());
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM deployment_reports WHERE deployment_id = '{deployment}'"));
    }

    [Fact]
    public async Task Status_changes_outside_the_lifecycle_are_conflicts()
    {
        var incident = await new Seed(api.GraphQL).IncidentAsync(Seed.InCity);

        var skip = await api.GraphQL.PostAsync("mutation ($i: ID!) { setIncidentStatus(incident: $i, status: LIQUIDATED) { status } }", new { i = incident });
        var close = await api.GraphQL.QueryAsync("mutation ($i: ID!) { setIncidentStatus(incident: $i, status: CLOSED) { status allowedNextStatuses } }", new { i = incident });
        var reopen = await api.GraphQL.PostAsync("mutation ($i: ID!) { setIncidentStatus(incident: $i, status: RESPONDING) { status } }", new { i = incident });

        Assert.Equal("CONFLICT", skip.ErrorCode());
        Assert.Equal("CLOSED", close["setIncidentStatus"]!["status"]!.GetValue<string>());
        Assert.Empty(close["setIncidentStatus"]!["allowedNextStatuses"]!.AsArray());
        Assert.Equal("CONFLICT", reopen.ErrorCode());
    }

    [Fact]
    public async Task Unknown_types_and_forces_from_services_that_send_none_are_refused()
    {
        var seed = new Seed(api.GraphQL);
        var incident = await seed.IncidentAsync(Seed.InCity);
        var telecom = await seed.ServiceAsync(Seed.AlmatyCity, "TELECOM_REFERENCE");

        var type = await api.GraphQL.PostAsync("mutation ($i: ID!) { classifyIncident(incident: $i, origin: NATURAL, type: \"ALIENS\", scale: LOCAL) { id } }", new { i = incident });
        var forces = await api.GraphQL.PostAsync("mutation ($i: ID!, $s: ID!) { requestForces(incident: $i, service: $s, personnel: 2) { id } }", new { i = incident, s = telecom.Id });
        var future = await api.GraphQL.PostAsync("mutation ($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }",
            new { i = new { channel = "CALL", location = Seed.Point(76.93, 43.25), description = "x", receivedAt = DateTime.UtcNow.AddHours(1).ToString("O") } });

        Assert.Equal("BAD_USER_INPUT", type.ErrorCode());
        Assert.Equal("BAD_USER_INPUT", forces.ErrorCode());
        Assert.Equal("input.receivedAt", future.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
    }

    [Fact]
    public async Task Under_high_readiness_partners_owe_a_readiness_report_until_they_make_one()
    {
        // A district of Shymkent with a police and an ambulance partner of its own.
        var district = await api.ScalarAsync<string>("SELECT max(kato) FROM territories WHERE parent_kato = '790000000'");
        var seed = new Seed(api.GraphQL);
        var police = await seed.ServiceAsync(district, "POLICE");
        var ambulance = await seed.ServiceAsync(district, "AMBULANCE");
        var patrol = await seed.UnitAsync(police.Id, [69.6, 42.3]);
        await api.GraphQL.QueryAsync("mutation ($t: String!) { declareRegime(territory: $t, regime: HIGH_READINESS, basis: \"storm warning\") { id } }", new { t = district });
        const string Readiness = "query ($t: String!) { territory(kato: $t) { readiness { effectiveRegime partnersWithoutReadiness { id } } } }";

        var before = (await api.GraphQL.QueryAsync(Readiness, new { t = district }))["territory"]!["readiness"]!;
        var partner = api.Client(api.Tokens.Issue("police-duty", Role.PartnerOfficer, [district], serviceId: police.Code));
        var ready = await partner.QueryAsync("mutation ($s: ID!, $u: [ID!]!) { setReadiness(service: $s, units: $u, status: HIGH_READINESS, personnel: 12, vehicles: [{ type: \"patrol car\", count: 3 }]) { status } }",
            new { s = police.Id, u = new[] { patrol } });
        var after = (await api.GraphQL.QueryAsync(Readiness, new { t = district }))["territory"]!["readiness"]!;

        Assert.Equal("HIGH_READINESS", before["effectiveRegime"]!.GetValue<string>());
        var owing = before["partnersWithoutReadiness"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(police.Id, owing);
        Assert.Contains(ambulance.Id, owing);
        Assert.Equal("HIGH_READINESS", ready["setReadiness"]![0]!["status"]!.GetValue<string>());
        var still = after["partnersWithoutReadiness"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(police.Id, still);
        Assert.Contains(ambulance.Id, still);
    }

    [Fact]
    public async Task Situation_updates_reach_the_matching_profiles_and_stay_unacknowledged_until_confirmed()
    {
        var district = await api.ScalarAsync<string>("SELECT min(kato) FROM territories WHERE parent_kato = '790000000'");
        var seed = new Seed(api.GraphQL);
        var ambulance = await seed.ServiceAsync(district, "AMBULANCE");
        var telecom = await seed.ServiceAsync(district, "TELECOM_REFERENCE");

        var update = await seed.SituationUpdateAsync(district, "BIOLOGICAL");
        var recipients = (await api.GraphQL.QueryAsync("query ($t: String!) { situationUpdates(territory: $t, unacknowledgedOnly: true) { id recipients { service { id } acknowledgedAt } } }",
            new { t = district }))["situationUpdates"]!.AsArray().Single(u => u!["id"]!.GetValue<string>() == update)!["recipients"]!.AsArray()
            .Select(r => r!["service"]!["id"]!.GetValue<string>()).ToList();
        var partner = api.Client(api.Tokens.Issue("amb", Role.PartnerOfficer, [district], serviceId: ambulance.Code));
        await partner.QueryAsync("mutation ($u: ID!) { acknowledgeSituationUpdate(update: $u) }", new { u = update });
        var pending = (await partner.QueryAsync("{ situationUpdates(unacknowledgedOnly: true) { id } }"))["situationUpdates"]!.AsArray();

        Assert.Contains(ambulance.Id, recipients);
        Assert.DoesNotContain(telecom.Id, recipients);
        Assert.DoesNotContain(pending, u => u!["id"]!.GetValue<string>() == update);
    }

    private async Task<(string Deployment, DateTime Dispatched)> DeploymentAsync()
    {
        var seed = new Seed(api.GraphQL);
        var service = await seed.ServiceAsync(Seed.AlmatyCity, "UDDS_112");
        var unit = await seed.UnitAsync(service.Id, Seed.InCity, "FIRE");
        var incident = await seed.IncidentAsync(Seed.InCity);
        var deployment = await seed.DeploymentAsync(incident, unit);
        return (deployment, await api.ScalarAsync<DateTime>($"SELECT dispatched_at FROM deployments WHERE id = '{deployment}'"));
    }
}
