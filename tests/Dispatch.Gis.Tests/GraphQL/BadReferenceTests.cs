using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>
/// Issue 9: every ID argument and input field of the schema (read from the SDL, so a new one without a case fails)
/// given something that is not an id — BAD_USER_INPUT naming it; and a well-formed id of nothing — NOT_FOUND.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class BadReferenceTests(ApiFixture api)
{
    private const string NoSuchId = "6b1f3d1e-0c1a-4b54-9a8e-5f0c7a1d2e3f";

    /// <summary>Real things to aim the other arguments at, made once per run.</summary>
    private sealed record World(string Service, string ServiceCode, string Unit, string Incident, string Zone, string Shift, string Channel, string DangerousObject);

    private static readonly SemaphoreSlim WorldGate = new(1, 1);
    private static World? _world;

    /// <summary>A document whose one ID is $v, the variables besides it, and where the error must point.</summary>
    private sealed record IdCase(string Document, Func<World, string, object> Variables, string Argument, string? NotFound = "NOT_FOUND", bool Partner = false,
        bool Admin = false);

    private static readonly Dictionary<string, IdCase> Cases = new()
    {
        ["Query.unit.id"] = new("query ($v: ID!) { unit(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.incident.id"] = new("query ($v: ID!) { incident(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.zone.id"] = new("query ($v: ID!) { zone(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.dangerousObject.id"] = new("query ($v: ID!) { dangerousObject(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.dutyService.id"] = new("query ($v: ID!) { dutyService(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.shift.id"] = new("query ($v: ID!) { shift(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Query.units.service"] = new("query ($v: ID) { units(service: $v) { totalCount } }", (_, v) => new { v }, "service", NotFound: null),
        ["Query.nearestUnits.service"] = new("query ($v: ID) { nearestUnits(point: {type: \"Point\", coordinates: [76.9, 43.2]}, service: $v) { totalCount } }",
            (_, v) => new { v }, "service", NotFound: null),
        ["Query.suggestUnits.incident"] = new("query ($v: ID!) { suggestUnits(incident: $v, profile: FIRE) { distanceMeters } }", (_, v) => new { v }, "incident"),
        ["Mutation.setUnitStatus.unit"] = new("mutation ($v: ID!) { setUnitStatus(unit: $v, status: AVAILABLE) { id } }", (_, v) => new { v }, "unit"),
        ["Mutation.updateUnitComposition.unit"] = new("mutation ($v: ID!) { updateUnitComposition(unit: $v, personnel: 2, vehicles: []) { id } }",
            (_, v) => new { v }, "unit"),
        ["CreateUnitInput.service"] = new("mutation ($i: CreateUnitInput!) { createUnit(input: $i) { id } }",
            (_, v) => new { i = new { service = v, callSign = Seed.Unique("B"), profile = "FIRE", personnel = 1, @base = Seed.Point(76.9, 43.2) } }, "input.service"),
        ["PositionInput.unit"] = new("mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }",
            (_, v) => new { p = new[] { new { unit = v, point = Seed.Point(76.9, 43.2), at = DateTime.UtcNow.ToString("O") } } }, "positions[0].unit"),
        ["Query.forecast.id"] = new("query ($v: ID!) { forecast(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["Mutation.cancelForecast.forecast"] = new("mutation ($v: ID!) { cancelForecast(forecast: $v) { id } }", (_, v) => new { v }, "forecast"),
        ["Mutation.refreshForecast.forecast"] = new("mutation ($v: ID!) { refreshForecast(forecast: $v) { id } }", (_, v) => new { v }, "forecast"),
        ["RunForecastInput.dangerousObject"] = new("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }",
            (_, v) => new { i = new { dangerousObject = v, substance = "chlorine", releasedMassKilograms = 1000.0 } }, "input.dangerousObject"),
        ["RunForecastInput.incident"] = new("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }",
            (_, v) => new { i = new { location = Seed.Point(76.93, 43.25), incident = v, substance = "chlorine", releasedMassKilograms = 1000.0 } }, "input.incident"),
        ["Mutation.closeZone.zone"] = new("mutation ($v: ID!) { closeZone(zone: $v) { id } }", (_, v) => new { v }, "zone"),
        ["Mutation.updateZoneGeometry.zone"] = new("mutation ($v: ID!, $g: Geometry!) { updateZoneGeometry(zone: $v, geometry: $g) { id } }",
            (_, v) => new { v, g = Seed.Square(76.9, 43.2, 0.01) }, "zone"),
        ["CreateZoneInput.incident"] = new("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id } }",
            (_, v) => new { i = new { kind = "ACTUAL", name = "bad ref", hazard = "FIRE", geometry = Seed.Square(76.9, 43.2, 0.01), incident = v } }, "input.incident"),
        ["DangerousObjectInput.id"] = new("mutation ($i: DangerousObjectInput!) { upsertDangerousObject(input: $i) { id } }",
            (_, v) => new { i = new { id = v, name = "bad ref", hazardClass = "FIRE", objectKind = "depot", geometry = Seed.Point(76.9, 43.2) } }, "input.id"),
        ["Mutation.addHazardZone.object"] = new("mutation ($v: ID!, $g: Geometry!) { addHazardZone(object: $v, kind: OTHER, name: \"x\", geometry: $g) { id } }",
            (_, v) => new { v, g = Seed.Square(76.9, 43.2, 0.01) }, "object"),
        ["Mutation.classifyIncident.incident"] = new("mutation ($v: ID!) { classifyIncident(incident: $v, origin: MAN_MADE, type: \"FIRE\", scale: LOCAL) { id } }",
            (_, v) => new { v }, "incident"),
        ["Mutation.setIncidentStatus.incident"] = new("mutation ($v: ID!) { setIncidentStatus(incident: $v, status: CLOSED) { id } }", (_, v) => new { v }, "incident"),
        ["Mutation.dispatchUnits.incident"] = new("mutation ($v: ID!, $u: [ID!]!) { dispatchUnits(incident: $v, units: $u) { id } }",
            (w, v) => new { v, u = new[] { w.Unit } }, "incident"),
        ["Mutation.dispatchUnits.units"] = new("mutation ($i: ID!, $v: ID!) { dispatchUnits(incident: $i, units: [$v]) { id } }",
            (w, v) => new { i = w.Incident, v }, "units[0]"),
        ["Mutation.requestForces.incident"] = new("mutation ($v: ID!, $s: ID!) { requestForces(incident: $v, service: $s, personnel: 1) { id } }",
            (w, v) => new { v, s = w.Service }, "incident"),
        ["Mutation.requestForces.service"] = new("mutation ($i: ID!, $v: ID!) { requestForces(incident: $i, service: $v, personnel: 1) { id } }",
            (w, v) => new { i = w.Incident, v }, "service"),
        ["Mutation.acknowledgeForceRequest.request"] = new("mutation ($v: ID!) { acknowledgeForceRequest(request: $v) { id } }", (_, v) => new { v }, "request", Partner: true),
        ["Mutation.fulfilForceRequest.request"] = new("mutation ($v: ID!, $u: [ID!]!) { fulfilForceRequest(request: $v, units: $u) { id } }",
            (w, v) => new { v, u = new[] { w.Unit } }, "request", Partner: true),
        ["Mutation.fulfilForceRequest.units"] = new("mutation ($r: ID!, $v: ID!) { fulfilForceRequest(request: $r, units: [$v]) { id } }",
            (_, v) => new { r = NoSuchId, v }, "units[0]", NotFound: null, Partner: true),
        ["Mutation.reportDeployment.deployment"] = new("mutation ($v: ID!) { reportDeployment(deployment: $v, report: {clientReportId: \"x\"}) { id } }",
            (_, v) => new { v }, "deployment"),
        ["Mutation.setReadiness.service"] = new("mutation ($v: ID!, $u: [ID!]!) { setReadiness(service: $v, units: $u, status: HIGH_READINESS, personnel: 1) { id } }",
            (w, v) => new { v, u = new[] { w.Unit } }, "service"),
        ["Mutation.setReadiness.units"] = new("mutation ($s: ID!, $v: ID!) { setReadiness(service: $s, units: [$v], status: HIGH_READINESS, personnel: 1) { id } }",
            (w, v) => new { s = w.Service, v }, "units[0]"),
        ["Mutation.sendSituationUpdate.zone"] = new("mutation ($v: ID) { sendSituationUpdate(zone: $v, domain: FIRE, text: \"x\") { id } }", (_, v) => new { v }, "zone"),
        ["Mutation.sendSituationUpdate.incident"] = new("mutation ($v: ID) { sendSituationUpdate(territory: \"750000000\", incident: $v, domain: FIRE, text: \"x\") { id } }",
            (_, v) => new { v }, "incident"),
        ["Mutation.acknowledgeSituationUpdate.update"] = new("mutation ($v: ID!) { acknowledgeSituationUpdate(update: $v) }", (_, v) => new { v }, "update",
            Partner: true),
        ["RunForecastInput.hydroPost"] = new("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }",
            (_, v) => new { i = new { model = "FLOOD_BY_LEVEL", hydroPost = v } }, "input.hydroPost"),
        ["Mutation.setDamBreakParameters.dangerousObject"] = new(
            "mutation ($v: ID!, $l: Geometry!, $d: DamParametersInput!) { setDamBreakParameters(dangerousObject: $v, valleyLine: $l, dam: $d) { dangerousObjectId } }",
            (_, v) => new
            {
                v, l = new { type = "LineString", coordinates = new[] { new[] { 76.93, 43.25 }, new[] { 77.1, 43.3 } } },
                d = new { upstreamDepthMetres = 40.0, relativeBreachWidth = 0.5, bedSlope = 1e-3, valleyCrossSlope = 0.005 },
            }, "dangerousObject"),
        ["Mutation.setInundationLevels.hydroPost"] = new("mutation ($v: ID!) { setInundationLevels(hydroPost: $v, levels: []) { levelMetres } }",
            (_, v) => new { v }, "hydroPost", Admin: true),
        ["StationInput.dangerousObject"] = new("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }",
            (_, v) => new { i = new { code = Seed.Unique("B-ST").ToUpperInvariant(), name = "bad ref", @operator = "x", kind = "OBJECT_SENSOR", location = Seed.Point(76.93, 43.25),
                parameters = new[] { "GAMMA_DOSE_RATE" }, dangerousObject = v } }, "input.dangerousObject", Admin: true),
        ["Mutation.acceptRegimeSuggestion.suggestion"] = new("mutation ($v: ID!) { acceptRegimeSuggestion(suggestion: $v) { id } }", (_, v) => new { v }, "suggestion"),
        ["Mutation.dismissRegimeSuggestion.suggestion"] = new("mutation ($v: ID!) { dismissRegimeSuggestion(suggestion: $v, reason: \"x\") { id } }", (_, v) => new { v }, "suggestion"),
        ["Mutation.pauseAlertSubscription.subscription"] = new("mutation ($v: ID!) { pauseAlertSubscription(subscription: $v) { id } }", (_, v) => new { v },
            "subscription", Partner: true),
        ["Mutation.resumeAlertSubscription.subscription"] = new("mutation ($v: ID!) { resumeAlertSubscription(subscription: $v) { id } }", (_, v) => new { v },
            "subscription", Partner: true),
        ["Mutation.deleteAlertSubscription.subscription"] = new("mutation ($v: ID!) { deleteAlertSubscription(subscription: $v) }", (_, v) => new { v },
            "subscription", Partner: true),
        ["Mutation.acknowledgeAlert.entry"] = new("mutation ($v: ID!) { acknowledgeAlert(entry: $v) { id } }", (_, v) => new { v }, "entry", Partner: true),
        ["Query.alertInbox.subscription"] = new("query ($v: ID!) { alertInbox(subscription: $v) { totalCount } }", (_, v) => new { v }, "subscription",
            Partner: true),
        ["CreateAlertSubscriptionInput.zones"] = new("mutation ($i: CreateAlertSubscriptionInput!) { createAlertSubscription(input: $i) { webhookSecret } }",
            (_, v) => new { i = new { name = "bad ref", zones = new[] { v } } }, "input.zones[0]", Partner: true),
        ["Mutation.recordCommsCheck.shift"] = new("mutation ($v: ID!, $c: ID!) { recordCommsCheck(shift: $v, channel: $c, result: OK) { result } }",
            (w, v) => new { v, c = w.Channel }, "shift"),
        ["Mutation.recordCommsCheck.channel"] = new("mutation ($s: ID!, $v: ID!) { recordCommsCheck(shift: $s, channel: $v, result: OK) { result } }",
            (w, v) => new { s = w.Shift, v }, "channel"),
        ["Query.publicWarning.id"] = new("query ($v: ID!) { publicWarning(id: $v) { id } }", (_, v) => new { v }, "id", NotFound: null),
        ["PublicWarningAreaInput.zone"] = new("mutation ($i: PublicWarningInput!) { issuePublicWarning(input: $i) { id } }",
            (_, v) => new { i = Seed.WarningInput(new { zone = v }) }, "input.area.zone"),
        ["Mutation.updatePublicWarning.warning"] = new("mutation ($v: ID!, $i: PublicWarningInput!) { updatePublicWarning(warning: $v, input: $i) { id } }",
            (_, v) => new { v, i = Seed.WarningInput(new { polygon = Seed.Square(76.9, 43.2, 0.01) }) }, "warning"),
        ["Mutation.cancelPublicWarning.warning"] = new("mutation ($v: ID!) { cancelPublicWarning(warning: $v) { id } }", (_, v) => new { v }, "warning"),
        ["Mutation.confirmPublicWarningDraft.warning"] = new("mutation ($v: ID!) { confirmPublicWarningDraft(warning: $v) { id } }", (_, v) => new { v }, "warning"),
    };

    /// <summary>Subscriptions' ids: "after" takes event ids (numbers), checked by the event tests; alerts.zone and standingAlerts.subscription by LiveAlertTests; the rest are here.</summary>
    private static readonly string[] SubscriptionIds = ["Subscription.incidentUpdates.incident", "Subscription.alerts.zone", "Subscription.standingAlerts.subscription"];

    public static TheoryData<string> Names() => [.. Cases.Keys.Order()];

    [Fact]
    public async Task Every_id_argument_of_the_schema_has_a_case()
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        var sdl = await http.GetStringAsync("/graphql/schema.graphql");

        var expected = IdArguments(sdl).Where(a => !a.EndsWith(".after", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(expected, Cases.Keys.Concat(SubscriptionIds).Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Not_an_id_is_bad_user_input_naming_the_argument(string name)
    {
        var @case = Cases[name];
        var world = await WorldAsync();
        using var client = ClientFor(@case, world);
        foreach (var value in new[] { "123", "abc", "6b1f3d1e-0c1a-4b54-9a8e" })
        {
            var response = await client.PostAsync(@case.Document, @case.Variables(world, value));

            Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
            Assert.Equal(@case.Argument, response.Errors![0]!["extensions"]!["argument"]?.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task An_id_of_nothing_is_not_found_or_nothing(string name)
    {
        var @case = Cases[name];
        var world = await WorldAsync();
        using var client = ClientFor(@case, world);
        var response = await client.PostAsync(@case.Document, @case.Variables(world, NoSuchId));

        if (@case.NotFound is { } code)
        {
            Assert.Equal(code, response.ErrorCode());
            Assert.Equal(@case.Argument, response.Errors![0]!["extensions"]!["argument"]?.GetValue<string>());
        }
        else
        {
            Assert.True(response.Errors is null || response.ErrorCode() is "NOT_FOUND" or "FORBIDDEN", response.ToString());
        }
    }

    [Fact]
    public async Task A_subscription_to_an_incident_that_is_not_an_id_or_not_there_is_refused()
    {
        foreach (var (value, code) in new[] { ("42", "BAD_USER_INPUT"), (NoSuchId, "NOT_FOUND") })
        {
            await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
            await ws.InitAsync(api.OfficerToken);
            await ws.ReceiveTypeAsync("connection_ack");
            await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = $"subscription {{ incidentUpdates(incident: \"{value}\") {{ id }} }}" } });

            var error = await ws.ReceiveTypeAsync("error");

            Assert.Equal(code, error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        }
    }

    private GraphQLClient ClientFor(IdCase @case, World world) =>
        api.Client(@case.Partner ? api.Tokens.Issue("bad-ref-partner", Role.PartnerOfficer, [Seed.AlmatyCity], serviceId: world.ServiceCode)
            : @case.Admin ? api.Tokens.Issue("bad-ref-admin", Role.Admin, ["*"], "Bad-reference admin")
            : api.OfficerToken);

    private async Task<World> WorldAsync()
    {
        await WorldGate.WaitAsync();
        try
        {
            if (_world is null)
            {
                var seed = new Seed(api.GraphQL);
                var service = await seed.ServiceAsync(Seed.AlmatyCity);
                var shift = await seed.StartShiftAsync(Seed.AlmatyCity);
                _world = new World(service.Id, service.Code, await seed.UnitAsync(service.Id, Seed.InCity), await seed.IncidentAsync(Seed.InCity),
                    await seed.ZoneAsync(Seed.Square(76.95, 43.24, 0.005)), shift["id"]!.GetValue<string>(), service.Channels[0],
                    await seed.DangerousObjectAsync(Seed.InCity));
            }

            return _world;
        }
        finally
        {
            WorldGate.Release();
        }
    }

    /// <summary>"Type.field.argument" for root fields and "Input.field" for input types, wherever the type is ID, [ID] or ID!.</summary>
    internal static IEnumerable<string> IdArguments(string sdl)
    {
        var withoutDescriptions = System.Text.RegularExpressions.Regex.Replace(sdl, "\"\"\"[\\s\\S]*?\"\"\"|\"[^\"\\n]*\"", "");
        foreach (System.Text.RegularExpressions.Match type in System.Text.RegularExpressions.Regex.Matches(withoutDescriptions,
            @"^(type|input) (\w+)[^{]*\{(.*?)^\}", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.Multiline))
        {
            var (kind, name, body) = (type.Groups[1].Value, type.Groups[2].Value, type.Groups[3].Value);
            if (kind == "input")
            {
                foreach (System.Text.RegularExpressions.Match field in System.Text.RegularExpressions.Regex.Matches(body, @"^\s*(\w+)\s*:\s*([\[\]\w!]+)",
                    System.Text.RegularExpressions.RegexOptions.Multiline))
                {
                    if (field.Groups[2].Value.Trim('[', ']', '!') == "ID")
                    {
                        yield return $"{name}.{field.Groups[1].Value}";
                    }
                }
            }
            else if (name is "Query" or "Mutation" or "Subscription")
            {
                foreach (System.Text.RegularExpressions.Match field in System.Text.RegularExpressions.Regex.Matches(body, @"^\s{2}(\w+)(\((.*?)\))?\s*:",
                    System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.Multiline))
                {
                    foreach (System.Text.RegularExpressions.Match argument in System.Text.RegularExpressions.Regex.Matches(field.Groups[3].Value, @"(\w+)\s*:\s*([\[\]\w!]+)"))
                    {
                        if (argument.Groups[2].Value.Replace("!", "", StringComparison.Ordinal).Trim('[', ']') == "ID")
                        {
                            yield return $"{name}.{field.Groups[1].Value}.{argument.Groups[1].Value}";
                        }
                    }
                }
            }
        }
    }

}
