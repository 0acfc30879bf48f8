using System.Text.Json.Nodes;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>Builds test data through the public API, as a nationwide 112 officer; every call yields fresh names.</summary>
public sealed class Seed(GraphQLClient officer)
{
    /// <summary>The database as its owner, for what the API only creates by judgement (regime suggestions).</summary>
    public Npgsql.NpgsqlDataSource? Owner { get; init; }

    public const string AlmatyCity = "750000000";
    public const string AlmatyRegion = "190000000";

    /// <summary>A point in central Almaty (Almaly district) and one in Konaev (Almaty Region).</summary>
    public static readonly double[] InCity = [76.93, 43.25];
    public static readonly double[] InRegion = [77.07, 43.87];

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)];

    public static object Point(double lon, double lat) => new { type = "Point", coordinates = new[] { lon, lat } };

    /// <summary>An axis-aligned square of the given half-size (degrees) around a centre, as a GeoJSON Polygon.</summary>
    public static object Square(double lon, double lat, double half) => new
    {
        type = "Polygon",
        coordinates = new[] { new[] { new[] { lon - half, lat - half }, new[] { lon + half, lat - half }, new[] { lon + half, lat + half }, new[] { lon - half, lat + half }, new[] { lon - half, lat - half } } },
    };

    public async Task<(string Id, string Code, string[] Channels)> ServiceAsync(string territory, string kind = "POLICE")
    {
        var code = Unique("TEST");
        var data = await officer.QueryAsync("""
            mutation ($input: DutyServiceInput!) { upsertDutyService(input: $input) { id code channels { id } } }
            """, new
        {
            input = new
            {
                code, kind, name = "Test service " + code, territory, dutyOfficer = "Test Officer",
                phones = new[] { "102" }, callSigns = new[] { "Berkut" },
                channels = new object[] { new { kind = "PHONE", address = "+7 700 000 00 01" }, new { kind = "RADIO", address = "Berkut 146.200" } },
            },
        });
        var service = data["upsertDutyService"]!;
        return (service["id"]!.GetValue<string>(), code, service["channels"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToArray());
    }

    public async Task<string> UnitAsync(string service, double[] at, string profile = "POLICE")
    {
        var data = await officer.QueryAsync("""
            mutation ($input: CreateUnitInput!) { createUnit(input: $input) { id } }
            """, new { input = new { service, callSign = Unique("U"), profile, personnel = 4, vehicles = new[] { new { type = "patrol car", count = 1 } }, @base = Point(at[0], at[1]) } });
        return data["createUnit"]!["id"]!.GetValue<string>();
    }

    public async Task<string> ZoneAsync(object geometry, string kind = "ACTUAL", string hazard = "CHEMICAL")
    {
        var data = await officer.QueryAsync("""
            mutation ($input: CreateZoneInput!) { createZone(input: $input) { id } }
            """, new { input = new { kind, name = Unique("Zone"), hazard, geometry } });
        return data["createZone"]!["id"]!.GetValue<string>();
    }

    /// <summary>A public warning over the given area (new { polygon = … }, new { zone = … } or new { territory = … }), in Russian, for a day.</summary>
    public async Task<string> PublicWarningAsync(object area, string severity = "SEVERE")
    {
        var data = await officer.QueryAsync("""
            mutation ($i: PublicWarningInput!) { issuePublicWarning(input: $i) { id } }
            """, new { i = WarningInput(area, severity) });
        return data["issuePublicWarning"]!["id"]!.GetValue<string>();
    }

    public static object WarningInput(object area, string severity = "SEVERE", DateTime? expires = null) => new
    {
        area, @event = "Test flood", category = "MET", urgency = "EXPECTED", severity, certainty = "LIKELY", responseType = "PREPARE",
        ru = new { headline = "Тест: паводок", description = "Подъём воды.", instruction = "Следите за сообщениями." },
        expires = (expires ?? DateTime.UtcNow.AddDays(1)).ToString("O"),
    };

    /// <summary>A warning that follows a zone which was then redrawn: it has an update drafted, waiting for an officer.</summary>
    public async Task<string> PublicWarningWithDraftAsync(double[] at)
    {
        var zone = await ZoneAsync(Square(at[0], at[1], 0.01));
        var warning = await PublicWarningAsync(new { zone });
        await officer.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Square(at[0], at[1], 0.012) });
        return warning;
    }

    public async Task<string> DangerousObjectAsync(double[] at, string hazardClass = "CHEMICAL")
    {
        var data = await officer.QueryAsync("""
            mutation ($input: DangerousObjectInput!) { upsertDangerousObject(input: $input) { id } }
            """, new
        {
            input = new
            {
                name = Unique("Object"), hazardClass, objectKind = "chlorine store", @operator = "Test operator", geometry = Point(at[0], at[1]),
                substances = new[] { new { name = "chlorine", unNumber = "1017", quantityTonnes = 20.0, state = "LIQUEFIED_GAS" } },
                contacts = new[] { new { name = "Shift supervisor", role = "supervisor", phone = "+7 700 000 00 02" } },
            },
        });
        return data["upsertDangerousObject"]!["id"]!.GetValue<string>();
    }

    public async Task<string> ForecastAsync(double[] at) =>
        (await officer.QueryAsync("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new { i = new { location = Point(at[0], at[1]),
            substance = "chlorine", releasedMassKilograms = 1000.0, horizonsMinutes = new[] { 10 } } }))["runForecast"]!["id"]!.GetValue<string>();

    public async Task<string> IncidentAsync(double[] at, string type = "FIRE", string description = "test incident")
    {
        var data = await officer.QueryAsync("""
            mutation ($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }
            """, new { i = new { channel = "CALL", location = Point(at[0], at[1]), description, preliminaryType = type, urgency = 2 } });
        return data["reportIncident"]!["id"]!.GetValue<string>();
    }

    public async Task<string> DeploymentAsync(string incident, string unit) =>
        (await officer.QueryAsync("mutation ($i: ID!, $u: [ID!]!) { dispatchUnits(incident: $i, units: $u) { id } }", new { i = incident, u = new[] { unit } }))
            ["dispatchUnits"]![0]!["id"]!.GetValue<string>();

    public async Task<string> ForceRequestAsync(string incident, string service) =>
        (await officer.QueryAsync("mutation ($i: ID!, $s: ID!) { requestForces(incident: $i, service: $s, personnel: 4) { id } }", new { i = incident, s = service }))
            ["requestForces"]!["id"]!.GetValue<string>();

    public async Task<string> SituationUpdateAsync(string territory, string domain = "OTHER") =>
        (await officer.QueryAsync("mutation ($t: String!, $d: SituationDomain!) { sendSituationUpdate(territory: $t, domain: $d, text: \"test update\") { id } }",
            new { t = territory, d = domain }))["sendSituationUpdate"]!["id"]!.GetValue<string>();

    public async Task<JsonNode> StartShiftAsync(string territory) =>
        (await officer.QueryAsync("mutation ($t: String!) { startShift(territory: $t) { id partners { partner { id code } confirmed checks { channel { id } result } } } }",
            new { t = territory }))["startShift"]!;

    public Task<JsonNode> ReportAsync(params (string Unit, double Lon, double Lat, DateTime At)[] fixes) =>
        officer.QueryAsync("""
            mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { received stored duplicates superseded geofenceEvents } }
            """, new { p = fixes.Select(f => new { unit = f.Unit, point = Point(f.Lon, f.Lat), at = f.At.ToString("O") }) });

    /// <summary>
    /// A pending suggestion to raise the territory to high readiness, as the situation judgement records one. Written
    /// directly: the judgement would need a HIGH level there and would not suggest what the territory already has.
    /// </summary>
    public async Task<string> RegimeSuggestionAsync(string territory)
    {
        var db = Owner ?? throw new InvalidOperationException("RegimeSuggestionAsync needs Owner");
        await using (var lapse = db.CreateCommand("UPDATE regime_suggestions SET status = 'LAPSED', decided_at = clock_timestamp(), decided_by = 'seed' WHERE territory_kato = $1 AND status = 'PENDING'"))
        {
            lapse.Parameters.Add(new Npgsql.NpgsqlParameter { Value = territory });
            await lapse.ExecuteNonQueryAsync();
        }

        await using var cmd = db.CreateCommand("INSERT INTO regime_suggestions (territory_kato, regime, domains, level, reason) VALUES ($1, 'HIGH_READINESS', '{RADIATION}', 'HIGH', 'seeded') RETURNING id::text");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = territory });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A standing alert subscription of the service over its territory, and optionally one inbox entry, written directly:
    /// through the API it would need a token of that service, and an entry a matching event.
    /// </summary>
    public async Task<(string Subscription, string? Entry)> AlertSubscriptionAsync(string serviceId, string territory, bool withEntry = false)
    {
        var db = Owner ?? throw new InvalidOperationException("AlertSubscriptionAsync needs Owner");
        await using var cmd = db.CreateCommand("""
            INSERT INTO alert_subscriptions (owner_service_id, territory_kato, name, kinds, min_severity, territories, area, deliver_socket, created_by)
            SELECT $1::uuid, kato, 'seeded', '{ZONE_CREATED}', 'UNKNOWN', ARRAY[kato], geom, true, 'seed' FROM territories WHERE kato = $2
            RETURNING id::text
            """);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = serviceId });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = territory });
        var subscription = (string)(await cmd.ExecuteScalarAsync())!;
        if (!withEntry)
        {
            return (subscription, null);
        }

        await using var entry = db.CreateCommand("""
            INSERT INTO alert_inbox (subscription_id, event_id, kind, severity, urgency, certainty, headline, territory_kato, objects)
            VALUES ($1::uuid, 0, 'ZONE_CREATED', 'SEVERE', 'IMMEDIATE', 'OBSERVED', 'seeded', $2, '[]') RETURNING id::text
            """);
        entry.Parameters.Add(new Npgsql.NpgsqlParameter { Value = subscription });
        entry.Parameters.Add(new Npgsql.NpgsqlParameter { Value = territory });
        return (subscription, (string)(await entry.ExecuteScalarAsync())!);
    }
}
