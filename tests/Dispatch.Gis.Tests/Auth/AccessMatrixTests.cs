using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Auth;

/// <summary>
/// Every mutation the schema has (read from introspection, so a new mutation without an entry here fails), called
/// by every role, in and out of territorial scope, and without a token: the exact outcome, exactly one audit row, and —
/// for every call that changed something — at least one event in its name (issue 9: every change is an event).
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class AccessMatrixTests(ApiFixture api)
{
    private const string InScope = Seed.AlmatyCity;      // the caller's territory
    private const string OutOfScope = Seed.AlmatyRegion; // somewhere else

    /// <summary>Things to aim at, one set inside the caller's territory and one outside, made once per run.</summary>
    private sealed record Place(string Territory, double[] Point, (string Id, string Code, string[] Channels) Service, string Unit,
        string Shift, string ShiftChannel, string Zone, string DangerousObject, string Incident, string Station, string PushFeed, string PolledFeed,
        string HydroPost, string District);

    private sealed record World(Place In, Place Out);

    /// <summary>A call of the mutation aimed at a place, and the roles that may make it (inside their scope).</summary>
    private sealed record MutationCase(string Document, Func<Seed, Place, Task<object>> Variables, Role[] Allowed);

    private static readonly SemaphoreSlim WorldGate = new(1, 1);
    private static World? _world;

    private static readonly Role[] Officers = [Role.DutyOfficer112];
    private static readonly Role[] UnitWriters = [Role.Admin, Role.DutyOfficer112, Role.PartnerOfficer];
    private static readonly Role[] AlertSubscribers = [Role.DutyOfficer112, Role.PartnerOfficer];

    private static readonly Dictionary<string, MutationCase> Cases = new()
    {
        ["declareRegime"] = new(
            "mutation ($t: String!) { declareRegime(territory: $t, regime: HIGH_READINESS, basis: \"access matrix\") { id } }",
            (_, p) => Task.FromResult<object>(new { t = p.Territory }), Officers),
        ["upsertDutyService"] = new(
            "mutation ($i: DutyServiceInput!) { upsertDutyService(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { code = Seed.Unique("MATRIX"), kind = "AMBULANCE", name = "Matrix", territory = p.Territory } }),
            [Role.Admin, Role.DutyOfficer112]),
        ["startShift"] = new(
            "mutation ($t: String!) { startShift(territory: $t) { id } }",
            (_, p) => Task.FromResult<object>(new { t = p.Territory }), Officers),
        ["recordCommsCheck"] = new(
            "mutation ($s: ID!, $c: ID!) { recordCommsCheck(shift: $s, channel: $c, result: OK, dutyOfficer: \"Matrix\") { result } }",
            (_, p) => Task.FromResult<object>(new { s = p.Shift, c = p.ShiftChannel }), Officers),
        ["createUnit"] = new(
            "mutation ($i: CreateUnitInput!) { createUnit(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { service = p.Service.Id, callSign = Seed.Unique("M"), profile = "POLICE", personnel = 2, @base = Seed.Point(p.Point[0], p.Point[1]) } }),
            UnitWriters),
        ["updateUnitComposition"] = new(
            "mutation ($u: ID!) { updateUnitComposition(unit: $u, personnel: 5, vehicles: [{ type: \"patrol car\", count: 2 }]) { id } }",
            (_, p) => Task.FromResult<object>(new { u = p.Unit }), UnitWriters),
        ["setUnitStatus"] = new(
            "mutation ($u: ID!) { setUnitStatus(unit: $u, status: HIGH_READINESS) { status } }",
            async (seed, p) => new { u = await seed.UnitAsync(p.Service.Id, p.Point) }, [Role.DutyOfficer112, Role.PartnerOfficer]),
        ["reportPositions"] = new(
            "mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            (_, p) => Task.FromResult<object>(new { p = new[] { new { unit = p.Unit, point = Seed.Point(p.Point[0], p.Point[1]), at = DateTime.UtcNow.ToString("O") } } }),
            [Role.Ingest, Role.PartnerOfficer, Role.DutyOfficer112]),
        ["upsertDangerousObject"] = new(
            "mutation ($i: DangerousObjectInput!) { upsertDangerousObject(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { name = Seed.Unique("Matrix"), hazardClass = "FIRE", objectKind = "fuel depot", geometry = Seed.Point(p.Point[0], p.Point[1]) } }),
            [Role.Admin, Role.DutyOfficer112]),
        ["addHazardZone"] = new(
            "mutation ($o: ID!, $g: Geometry!) { addHazardZone(object: $o, kind: SANITARY_PROTECTION, name: \"matrix\", geometry: $g) { id } }",
            (_, p) => Task.FromResult<object>(new { o = p.DangerousObject, g = Seed.Square(p.Point[0], p.Point[1], 0.005) }), [Role.Admin, Role.DutyOfficer112]),
        ["createZone"] = new(
            "mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { kind = "FORECAST", name = "matrix", hazard = "FLOOD", geometry = Seed.Square(p.Point[0], p.Point[1], 0.01) } }),
            Officers),
        ["updateZoneGeometry"] = new(
            "mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            (_, p) => Task.FromResult<object>(new { z = p.Zone, g = Seed.Square(p.Point[0], p.Point[1], 0.01 + Random.Shared.NextDouble() / 1000) }), Officers),
        ["reportIncident"] = new(
            "mutation ($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { channel = "CALL", location = Seed.Point(p.Point[0], p.Point[1]), description = "matrix", preliminaryType = "FIRE" } }),
            [Role.DutyOfficer112, Role.PartnerOfficer]),
        ["classifyIncident"] = new(
            "mutation ($i: ID!) { classifyIncident(incident: $i, origin: MAN_MADE, type: \"FIRE\", scale: OBJECT) { status } }",
            (_, p) => Task.FromResult<object>(new { i = p.Incident }), Officers),
        ["setIncidentStatus"] = new(
            "mutation ($i: ID!) { setIncidentStatus(incident: $i, status: CLOSED) { status } }",
            async (seed, p) => new { i = await seed.IncidentAsync(p.Point) }, Officers),
        ["dispatchUnits"] = new(
            "mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id } }",
            async (seed, p) => new { i = p.Incident, u = new[] { await seed.UnitAsync(p.Service.Id, p.Point) } }, Officers),
        ["requestForces"] = new(
            "mutation ($i: ID!, $s: ID!) { requestForces(incident: $i, service: $s, personnel: 6, note: \"matrix\") { id } }",
            (_, p) => Task.FromResult<object>(new { i = p.Incident, s = p.Service.Id }), Officers),
        ["acknowledgeForceRequest"] = new(
            "mutation ($r: ID!) { acknowledgeForceRequest(request: $r) { status } }",
            async (seed, p) => new { r = await seed.ForceRequestAsync(p.Incident, p.Service.Id) }, [Role.PartnerOfficer]),
        ["fulfilForceRequest"] = new(
            "mutation ($r: ID!, $u: [ID!]!) { fulfilForceRequest(request: $r, units: $u) { status } }",
            async (seed, p) => new { r = await seed.ForceRequestAsync(p.Incident, p.Service.Id), u = new[] { await seed.UnitAsync(p.Service.Id, p.Point) } },
            [Role.PartnerOfficer]),
        ["reportDeployment"] = new(
            "mutation ($d: ID!, $r: DeploymentReportInput!) { reportDeployment(deployment: $d, report: $r) { departedAt } }",
            async (seed, p) => new
            {
                d = await seed.DeploymentAsync(p.Incident, await seed.UnitAsync(p.Service.Id, p.Point)),
                r = new { clientReportId = Seed.Unique("R"), departedAt = DateTime.UtcNow.ToString("O") },
            },
            [Role.PartnerOfficer, Role.DutyOfficer112]),
        ["setReadiness"] = new(
            "mutation ($s: ID!, $u: [ID!]!) { setReadiness(service: $s, units: $u, status: HIGH_READINESS, personnel: 4) { status } }",
            (_, p) => Task.FromResult<object>(new { s = p.Service.Id, u = new[] { p.Unit } }), [Role.PartnerOfficer, Role.DutyOfficer112]),
        ["sendSituationUpdate"] = new(
            "mutation ($t: String!) { sendSituationUpdate(territory: $t, domain: CHEMICAL, text: \"matrix\") { id } }",
            (_, p) => Task.FromResult<object>(new { t = p.Territory }), Officers),
        ["acknowledgeSituationUpdate"] = new(
            "mutation ($u: ID!) { acknowledgeSituationUpdate(update: $u) }",
            async (seed, p) => new { u = await seed.SituationUpdateAsync(p.Territory) }, [Role.PartnerOfficer]),
        ["upsertStation"] = new(
            "mutation ($i: StationInput!) { upsertStation(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { code = Seed.Unique("M-ST").ToUpperInvariant(), name = "matrix", @operator = "matrix", kind = "RADIATION_POST",
                location = Seed.Point(p.Point[0], p.Point[1]), parameters = new[] { "GAMMA_DOSE_RATE" } } }),
            [Role.Admin]),
        ["upsertFeed"] = new(
            "mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { code = Seed.Unique("M-FEED").ToUpperInvariant(), name = "matrix", format = "PUSH", silenceSeconds = 3600,
                territory = p.Territory } }),
            [Role.Admin]),
        ["pollFeed"] = new(
            "mutation ($c: String!) { pollFeed(code: $c) { code } }",
            (_, p) => Task.FromResult<object>(new { c = p.PolledFeed }), [Role.Admin]),
        ["reportObservations"] = new(
            "mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }",
            (_, p) => Task.FromResult<object>(new { f = p.PushFeed, o = new[] { new { station = p.Station, parameter = "GAMMA_DOSE_RATE",
                observedAt = DateTime.UtcNow.AddSeconds(-Random.Shared.Next(1, 100_000)).ToString("O"), value = 0.1, unit = "µSv/h" } } }),
            [Role.Ingest, Role.DutyOfficer112]),
        ["acceptRegimeSuggestion"] = new(
            "mutation ($s: ID!) { acceptRegimeSuggestion(suggestion: $s, basis: \"matrix\") { status } }",
            async (seed, p) => new { s = await seed.RegimeSuggestionAsync(p.Territory) }, Officers),
        ["dismissRegimeSuggestion"] = new(
            "mutation ($s: ID!) { dismissRegimeSuggestion(suggestion: $s, reason: \"matrix\") { status } }",
            async (seed, p) => new { s = await seed.RegimeSuggestionAsync(p.Territory) }, Officers),
        ["issueSituationReport"] = new(
            "mutation ($t: String!) { issueSituationReport(territory: $t) { since } }",
            (_, p) => Task.FromResult<object>(new { t = p.Territory }), Officers),
        ["issuePublicWarning"] = new(
            "mutation ($i: PublicWarningInput!) { issuePublicWarning(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = Seed.WarningInput(new { polygon = Seed.Square(p.Point[0], p.Point[1], 0.005) }) }), Officers),
        ["updatePublicWarning"] = new(
            "mutation ($w: ID!, $i: PublicWarningInput!) { updatePublicWarning(warning: $w, input: $i) { id } }",
            async (seed, p) => new
            {
                w = await seed.PublicWarningAsync(new { polygon = Seed.Square(p.Point[0], p.Point[1], 0.005) }),
                i = Seed.WarningInput(new { polygon = Seed.Square(p.Point[0], p.Point[1], 0.006) }, "EXTREME"),
            }, Officers),
        ["cancelPublicWarning"] = new(
            "mutation ($w: ID!) { cancelPublicWarning(warning: $w, note: \"matrix\") { state } }",
            async (seed, p) => new { w = await seed.PublicWarningAsync(new { polygon = Seed.Square(p.Point[0], p.Point[1], 0.005) }) }, Officers),
        ["confirmPublicWarningDraft"] = new(
            "mutation ($w: ID!) { confirmPublicWarningDraft(warning: $w) { state } }",
            async (seed, p) => new { w = await seed.PublicWarningWithDraftAsync(p.Point) }, Officers),
        ["createAlertSubscription"] = new(
            "mutation ($i: CreateAlertSubscriptionInput!) { createAlertSubscription(input: $i) { subscription { id } } }",
            (_, p) => Task.FromResult<object>(new { i = new { name = "matrix", territories = new[] { p.Territory } } }), AlertSubscribers),
        ["pauseAlertSubscription"] = new(
            "mutation ($s: ID!) { pauseAlertSubscription(subscription: $s) { status } }",
            async (seed, p) => new { s = (await seed.AlertSubscriptionAsync(p.Service.Id, p.Territory)).Subscription }, AlertSubscribers),
        ["resumeAlertSubscription"] = new(
            "mutation ($s: ID!) { resumeAlertSubscription(subscription: $s) { status } }",
            async (seed, p) => new { s = (await seed.AlertSubscriptionAsync(p.Service.Id, p.Territory)).Subscription }, AlertSubscribers),
        ["deleteAlertSubscription"] = new(
            "mutation ($s: ID!) { deleteAlertSubscription(subscription: $s) }",
            async (seed, p) => new { s = (await seed.AlertSubscriptionAsync(p.Service.Id, p.Territory)).Subscription }, AlertSubscribers),
        ["acknowledgeAlert"] = new(
            "mutation ($e: ID!) { acknowledgeAlert(entry: $e) { acknowledgedAt } }",
            async (seed, p) => new { e = (await seed.AlertSubscriptionAsync(p.Service.Id, p.Territory, withEntry: true)).Entry }, AlertSubscribers),
        ["runForecast"] = new(
            "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }",
            (_, p) => Task.FromResult<object>(new { i = new { location = Seed.Point(p.Point[0], p.Point[1]), substance = "chlorine", releasedMassKilograms = 1000.0, horizonsMinutes = new[] { 10 } } }),
            Officers),
        ["cancelForecast"] = new(
            "mutation ($f: ID!) { cancelForecast(forecast: $f) { state } }",
            async (seed, p) => new { f = await seed.ForecastAsync(p.Point) }, Officers),
        ["refreshForecast"] = new(
            "mutation ($f: ID!) { refreshForecast(forecast: $f) { state } }",
            async (seed, p) => new { f = await seed.ForecastAsync(p.Point) }, Officers),
        ["setDamBreakParameters"] = new(
            "mutation ($o: ID!, $l: Geometry!, $d: DamParametersInput!) { setDamBreakParameters(dangerousObject: $o, valleyLine: $l, dam: $d) { dangerousObjectId } }",
            async (seed, p) => new
            {
                o = await seed.DangerousObjectAsync(p.Point, "HYDRAULIC"),
                l = new { type = "LineString", coordinates = new[] { p.Point, new[] { p.Point[0] + 0.1, p.Point[1] + 0.05 }, new[] { p.Point[0] + 0.3, p.Point[1] + 0.1 } } },
                d = new { upstreamDepthMetres = 40.0, relativeBreachWidth = 0.5, bedSlope = 1e-3, valleyCrossSlope = 0.005, basis = "access matrix" },
            }, [Role.Admin, Role.DutyOfficer112]),
        ["setInundationLevels"] = new(
            "mutation ($p: ID!, $l: [InundationLevelInput!]!) { setInundationLevels(hydroPost: $p, levels: $l) { levelMetres } }",
            (_, p) => Task.FromResult<object>(new { p = p.HydroPost, l = new[] { new { levelMetres = 3.0, zone = Seed.Square(p.Point[0], p.Point[1], 0.01), basis = "access matrix" } } }),
            [Role.Admin]),
        ["setTerritoryPopulation"] = new(
            "mutation ($k: String!) { setTerritoryPopulation(kato: $k, total: 100000, year: 2024, source: \"access matrix\") { kato } }",
            (_, p) => Task.FromResult<object>(new { k = p.District }), [Role.Admin]),
        ["closeZone"] = new(
            "mutation ($z: ID!) { closeZone(zone: $z) { status } }",
            async (seed, p) => new { z = await seed.ZoneAsync(Seed.Square(p.Point[0], p.Point[1], 0.01)) }, Officers),
    };

    public static TheoryData<string, string?, bool> Calls()
    {
        var data = new TheoryData<string, string?, bool>();
        foreach (var mutation in Cases.Keys)
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                data.Add(mutation, role.ToString(), true);
                data.Add(mutation, role.ToString(), false);
            }

            data.Add(mutation, null, true);
        }

        return data;
    }

    private async Task<World> WorldAsync()
    {
        await WorldGate.WaitAsync();
        try
        {
            return _world ??= new World(await PlaceAsync(InScope, Seed.InCity), await PlaceAsync(OutOfScope, Seed.InRegion));
        }
        finally
        {
            WorldGate.Release();
        }
    }

    private async Task<Place> PlaceAsync(string territory, double[] point)
    {
        var seed = new Seed(api.GraphQL);
        var service = await seed.ServiceAsync(territory);
        var (station, pushFeed, polledFeed, hydroPost) = await MonitoringAsync(point, territory);
        var unit = await seed.UnitAsync(service.Id, point);
        var shift = await seed.StartShiftAsync(territory);
        var channel = shift["partners"]!.AsArray().First(p => p!["partner"]!["id"]!.GetValue<string>() == service.Id)!["checks"]![0]!["channel"]!["id"]!.GetValue<string>();
        return new Place(territory, point, service, unit, shift["id"]!.GetValue<string>(), channel,
            await seed.ZoneAsync(Seed.Square(point[0], point[1], 0.01)), await seed.DangerousObjectAsync(point), await seed.IncidentAsync(point),
            station, pushFeed, polledFeed, hydroPost, await DistrictAsync(territory, point));
    }

    /// <summary>The district of the territory the place's point lies in: what a district-only mutation is aimed at.</summary>
    private async Task<string> DistrictAsync(string territory, double[] point)
    {
        await using var cmd = api.Db.CreateCommand(
            "SELECT kato FROM territories WHERE parent_kato = $1 ORDER BY ST_Distance(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)), kato LIMIT 1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = territory });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = point[0] });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = point[1] });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A gamma post, a PUSH feed for it and a polled feed (at an address nobody serves; its polls fail quietly), and a hydro
    /// post, all in the place.
    /// </summary>
    private async Task<(string Station, string PushFeed, string PolledFeed, string HydroPost)> MonitoringAsync(double[] point, string territory)
    {
        using var admin = api.Client(api.Tokens.Issue("matrix-admin", Role.Admin, ["*"], "Matrix Admin"));
        var (station, push, polled) = (Seed.Unique("M-ST").ToUpperInvariant(), Seed.Unique("M-PUSH").ToUpperInvariant(), Seed.Unique("M-POLL").ToUpperInvariant());
        await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "matrix", @operator = "matrix",
            kind = "RADIATION_POST", location = Seed.Point(point[0], point[1]), parameters = new[] { "GAMMA_DOSE_RATE" } } });
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = push, name = "matrix", format = "PUSH",
            silenceSeconds = 86400, territory } });
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = polled, name = "matrix", format = "CSV",
            url = "http://127.0.0.1:9/matrix.csv", intervalSeconds = 86400, timeoutSeconds = 1, silenceSeconds = 86400, retryAttempts = 0, territory } });
        var hydro = await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = Seed.Unique("M-HP").ToUpperInvariant(),
            name = "matrix river", @operator = "matrix", kind = "HYDRO_POST", location = Seed.Point(point[0], point[1]), parameters = new[] { "WATER_LEVEL" } } });
        return (station, push, polled, hydro["upsertStation"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_mutation_in_the_schema_has_an_access_case()
    {
        var data = await api.GraphQL.QueryAsync("{ __schema { mutationType { fields { name } } } }");

        var mutations = data["__schema"]!["mutationType"]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(mutations, Cases.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_call_gets_the_right_answer_and_one_audit_row(string mutation, string? roleName, bool inScope)
    {
        var @case = Cases[mutation];
        var world = await WorldAsync();
        Role? role = roleName is null ? null : Enum.Parse<Role>(roleName);
        var subject = $"matrix-{roleName ?? "anonymous"}-{Guid.NewGuid():N}";
        // A partner officer belongs to the in-scope service; an ingest account may feed that service's units and the place's PUSH feed.
        var serviceCode = world.In.Service.Code;
        using var client = api.Client(role is { } r ? api.Tokens.Issue(subject, r, [InScope], name: subject, serviceId: serviceCode, sources: [serviceCode, world.In.PushFeed]) : null);
        var variables = await @case.Variables(new Seed(api.GraphQL) { Owner = api.Db }, inScope ? world.In : world.Out);
        var auditBefore = await CountAsync($"SELECT count(*) FROM audit_log WHERE operation = '{mutation}'");

        var response = await client.PostAsync(@case.Document, variables);

        string? expected = role switch
        {
            null => "UNAUTHENTICATED",
            { } given when !@case.Allowed.Contains(given) => "FORBIDDEN",
            _ when !inScope => "FORBIDDEN",
            _ => null,
        };
        var events = await CountAsync($"SELECT count(*) FROM events WHERE actor = '{subject}'");
        if (expected is null)
        {
            Assert.True(response.Errors is null, $"{mutation}: {response.Errors?.ToJsonString()}");
            Assert.True(events > 0, $"{mutation} committed without an event");
        }
        else
        {
            Assert.Equal(expected, response.ErrorCode());
            Assert.Equal(0, events);
        }

        Assert.Equal(auditBefore + 1, await CountAsync($"SELECT count(*) FROM audit_log WHERE operation = '{mutation}'"));
        var row = await RowAsync($"SELECT outcome, error_code, role, subject, service_id, trace_id, client_address FROM audit_log WHERE operation = '{mutation}' ORDER BY id DESC LIMIT 1");
        Assert.Equal(expected is null ? "ALLOWED" : "DENIED", row[0]);
        Assert.Equal(expected, row[1]);
        Assert.Equal(role is { } rr ? Dispatch.Gis.Storage.DbEnum.Text(rr) : null, row[2]);
        Assert.Equal(role is null ? null : subject, row[3]);
        Assert.Equal(role is null ? null : serviceCode, row[4]);
        Assert.False(string.IsNullOrEmpty(row[5]));
        Assert.Equal("127.0.0.1", row[6]);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string?[]> RowAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString()).ToArray();
    }
}
