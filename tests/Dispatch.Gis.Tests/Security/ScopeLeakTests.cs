using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Security;

/// <summary>
/// Walks the whole schema graph, from every root query, with a 112 officer's token scoped to Almaty Region, over data that links the
/// region to Almaty city (a city unit sent to a region incident, forces asked of a city service, a city unit parked in a
/// region zone). Every object of a territorial type anywhere in any answer must lie in the region.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ScopeLeakTests(ApiFixture api)
{
    private const int Depth = 4;

    // Root fields whose answers hold no territorial rows, or that have a scope rule of their own tested elsewhere.
    private static readonly Dictionary<string, string> NotWalked = new(StringComparer.Ordinal)
    {
        ["auditLog"] = "scoped by territory or own subject (ScopeAndAuditTests)",
        ["jobRuns"] = "scheduler ledger, no territory",
        ["scheduledJobs"] = "scheduler triggers, no territory",
        ["responseStats"] = "aggregates only",
    };

    // Hazards are shown by nearness, not by the territory they are filed under: a quake or a storm warning across a
    // border still concerns the district beside it (tested on its own below).
    private static readonly string[] NearTheirTerritory = ["Earthquake", "Warning"];

    // Types that carry a territory code but are reached only through their (scoped) territory: a district must see the
    // regime its region declared.
    private static readonly HashSet<string> ReachedThroughTheirTerritory = ["RegimeDeclaration", "ReadinessState", .. NearTheirTerritory];

    [Fact]
    public async Task No_path_through_the_schema_shows_a_row_outside_the_token_s_territories()
    {
        var seed = new Seed(api.GraphQL);
        var cityService = await seed.ServiceAsync(Seed.AlmatyCity);
        var regionService = await seed.ServiceAsync(Seed.AlmatyRegion);
        var cityUnit = await seed.UnitAsync(cityService.Id, Seed.InCity);
        var regionUnit = await seed.UnitAsync(regionService.Id, Seed.InRegion);
        var incident = await seed.IncidentAsync(Seed.InRegion);
        var zone = await seed.ZoneAsync(Seed.Square(Seed.InRegion[0], Seed.InRegion[1], 0.05));
        await seed.ZoneAsync(Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.05));
        await seed.DeploymentAsync(incident, cityUnit);
        await seed.DeploymentAsync(incident, regionUnit);
        await seed.ForceRequestAsync(incident, cityService.Id);
        await seed.ForceRequestAsync(incident, regionService.Id);
        await seed.DangerousObjectAsync(Seed.InRegion);
        await seed.DangerousObjectAsync(Seed.InCity);
        // The city unit reports from inside the region zone: Zone.units must still not show it.
        await seed.ReportAsync((cityUnit, Seed.InRegion[0] + 0.001, Seed.InRegion[1], DateTime.UtcNow.AddSeconds(-5)),
            (regionUnit, Seed.InRegion[0], Seed.InRegion[1] + 0.001, DateTime.UtcNow.AddSeconds(-5)));
        // Standing alert subscriptions of both services, made before the situation update so their inboxes hold it.
        var regionAlerts = await AlertSubscriptionAsync(regionService.Code, Seed.AlmatyRegion);
        await AlertSubscriptionAsync(cityService.Code, Seed.AlmatyCity);
        await seed.SituationUpdateAsync(Seed.AlmatyRegion);
        await seed.SituationUpdateAsync(Seed.AlmatyCity);
        var shift = (await seed.StartShiftAsync(Seed.AlmatyRegion))["id"]!.GetValue<string>();
        // Monitoring on both sides of the city boundary: a post and a feed each, the post with a reading.
        var admin = api.Client(api.Tokens.Issue("test-admin", Role.Admin, ["*"], "Test Admin"));
        var regionStation = Seed.Unique("SCOPE-POST").ToUpperInvariant();
        var regionFeed = Seed.Unique("SCOPE-FEED").ToUpperInvariant();
        foreach (var (code, feed, at, territory) in new[] { (regionStation, regionFeed, Seed.InRegion, Seed.AlmatyRegion),
            (Seed.Unique("SCOPE-POST").ToUpperInvariant(), Seed.Unique("SCOPE-FEED").ToUpperInvariant(), Seed.InCity, Seed.AlmatyCity) })
        {
            await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new
            {
                i = new { code, name = "Scope post", @operator = "Test operator", kind = "HYDRO_POST", location = Seed.Point(at[0], at[1]), parameters = new[] { "WATER_LEVEL" } },
            });
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }",
                new { i = new { code = feed, name = "Scope feed", format = "PUSH", silenceSeconds = 86400, territory } });
            await api.GraphQL.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }",
                new { f = feed, o = new[] { new { station = code, parameter = "WATER_LEVEL", observedAt = DateTime.UtcNow.AddMinutes(-1).ToString("O"), value = 100.0, unit = "cm" } } });
        }
        var regionWarning = await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InRegion[0], Seed.InRegion[1], 0.02) });
        await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.02) });

        // The region's own 112 officer reads everything a viewer does and more (suggestUnits).
        using var viewer = api.Client(api.Tokens.Issue("region-officer", Role.DutyOfficer112, [Seed.AlmatyRegion]));
        var schema = await SchemaAsync(viewer);
        var territorial = schema.Values
            .Where(t => (t.Fields.ContainsKey("territoryKato") || t.Name == "Territory") && !ReachedThroughTheirTerritory.Contains(t.Name))
            .Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var rootArguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["incident"] = $"id: \"{incident}\"",
            ["unit"] = $"id: \"{regionUnit}\"",
            ["zone"] = $"id: \"{zone}\"",
            ["forecast"] = $"id: \"{await seed.ForecastAsync(Seed.InRegion)}\"",
            ["dutyService"] = $"id: \"{regionService.Id}\"",
            ["shift"] = $"id: \"{shift}\"",
            ["latestShift"] = $"territory: \"{Seed.AlmatyRegion}\"",
            ["territory"] = $"kato: \"{Seed.AlmatyRegion}\"",
            ["search"] = "text: \"Test\"",
            ["nearestUnits"] = $"point: {{type: \"Point\", coordinates: [{Seed.InRegion[0]}, {Seed.InRegion[1]}]}}, first: 20",
            ["suggestUnits"] = $"incident: \"{incident}\", profile: POLICE",
            ["station"] = $"code: \"{regionStation}\"",
            ["feed"] = $"code: \"{regionFeed}\"",
            ["situation"] = $"territory: \"{Seed.AlmatyRegion}\"",
            ["situationReport"] = $"territory: \"{Seed.AlmatyRegion}\"",
            ["dangerousObject"] = $"id: \"{await FirstIdAsync(viewer, "dangerousObjects")}\"",
            ["publicWarning"] = $"id: \"{regionWarning}\"",
            ["alertInbox"] = $"subscription: \"{regionAlerts}\"",
        };

        var checkedRows = new Dictionary<string, int>(StringComparer.Ordinal);
        var leaks = new List<string>();
        var unwalked = new List<string>();
        foreach (var root in schema["Query"].Fields.Values)
        {
            // A scalar at the root (a version string, a count) carries no rows to leak.
            if (NotWalked.ContainsKey(root.Name) || !schema[root.TypeName].IsObject)
            {
                continue;
            }

            var arguments = rootArguments.GetValueOrDefault(root.Name);
            if (arguments is null && root.HasRequiredArguments)
            {
                unwalked.Add(root.Name);
                continue;
            }

            var call = root.Name;
            var callArguments = arguments ?? (root.Arguments.Contains("first") ? "first: 5" : null);
            if (callArguments is not null)
            {
                call += $"({callArguments})";
            }

            await WalkAsync(viewer, [call], schema, schema[root.TypeName], 0, response => Walk(response.Data!, "", territorial, checkedRows, leaks));
        }

        Assert.Empty(unwalked);
        Assert.Empty(leaks);
        // The walk reached what it was meant to: the region's rows on both sides of each city link.
        foreach (var type in new[] { "Incident", "Unit", "DutyService", "Zone", "DangerousObject", "Territory", "Settlement", "Shift", "SituationUpdate", "Event", "MonitoringStation", "Feed", "PublicWarning", "AlertSubscription" })
        {
            Assert.True(checkedRows.GetValueOrDefault(type) > 0, $"the walk saw no {type}: {string.Join(", ", checkedRows)}");
        }
    }

    private async Task<string> AlertSubscriptionAsync(string serviceCode, string territory)
    {
        using var partner = api.Client(api.Tokens.Issue(Seed.Unique("leak-partner"), Role.PartnerOfficer, [territory], serviceId: serviceCode));
        var data = await partner.QueryAsync("mutation ($i: CreateAlertSubscriptionInput!) { createAlertSubscription(input: $i) { subscription { id } } }",
            new { i = new { name = "scope leak", territories = new[] { territory }, kinds = new[] { "SITUATION_UPDATE_SENT" } } });
        return data["createAlertSubscription"]!["subscription"]!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task The_path_from_the_report_shows_the_region_s_units_and_nulls_for_the_city_s()
    {
        var seed = new Seed(api.GraphQL);
        var cityService = await seed.ServiceAsync(Seed.AlmatyCity);
        var cityUnit = await seed.UnitAsync(cityService.Id, Seed.InCity);
        var regionService = await seed.ServiceAsync(Seed.AlmatyRegion);
        var regionUnit = await seed.UnitAsync(regionService.Id, Seed.InRegion);
        var incident = await seed.IncidentAsync(Seed.InRegion);
        await seed.DeploymentAsync(incident, cityUnit);
        await seed.DeploymentAsync(incident, regionUnit);
        using var viewer = api.Client(api.Tokens.Issue("region-viewer", Role.Viewer, [Seed.AlmatyRegion]));

        var data = await viewer.QueryAsync("""
            query ($i: ID!) { incident(id: $i) { deployments { unit { id territoryKato service { id units { id territoryKato location } } } } } }
            """, new { i = incident });

        var units = data["incident"]!["deployments"]!.AsArray().Select(d => d!["unit"]).ToList();
        Assert.Equal(2, units.Count);
        Assert.Contains(units, u => u is null);
        var visible = Assert.Single(units, u => u is not null)!;
        Assert.Equal(regionUnit, visible["id"]!.GetValue<string>());
        Assert.All(visible["service"]!["units"]!.AsArray(), u => Assert.StartsWith("19", u!["territoryKato"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Null((await viewer.QueryAsync("query ($u: ID!) { unit(id: $u) { id } }", new { u = cityUnit }))["unit"]);
    }

    [Theory]
    [InlineData("190000000")]
    [InlineData("751110000")]
    [InlineData("750000000", "191610000")]
    [InlineData("*")]
    public async Task The_SQL_scope_condition_and_the_in_memory_rule_agree_on_every_territory(params string[] codes)
    {
        var scope = TerritoryScope.Parse(codes);
        await using var db = Npgsql.NpgsqlDataSource.Create(api.Database.Service);
        var where = new Dispatch.Gis.Storage.SqlConditions();
        where.AddScope("k.kato", scope.SqlCodes);
        await using var cmd = db.CreateCommand(
            $"SELECT k.kato, k.kato IN (SELECT k.kato FROM (SELECT k.kato) k{where.Sql}) FROM (SELECT kato FROM territories UNION ALL SELECT '000000000') k");
        cmd.Parameters.AddRange(where.Parameters);
        await using var reader = await cmd.ExecuteReaderAsync();
        var compared = 0;
        while (await reader.ReadAsync())
        {
            Assert.True(scope.Covers(reader.GetString(0)) == reader.GetBoolean(1), $"{reader.GetString(0)} under {string.Join(',', codes)}");
            compared++;
        }

        Assert.True(compared > 200, $"only {compared} territories compared");
    }

    [Fact]
    public async Task A_scoped_token_sees_the_earthquakes_near_its_territories_and_not_the_others()
    {
        // Arrange: one quake inside Almaty Region, one by Aktau (over 1,000 km from it), from a feed of their own.
        var admin = api.Client(api.Tokens.Issue("test-admin", Role.Admin, ["*"], "Test Admin"));
        var feed = Seed.Unique("SCOPE-QUAKES").ToUpperInvariant();
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }",
            new { i = new { code = feed, name = "Scope quakes", format = "PUSH", silenceSeconds = 86400 } });
        var near = Seed.Unique("near");
        var far = Seed.Unique("far");
        var (lon, lat) = (Seed.InRegion[0].ToString(CultureInfo.InvariantCulture), Seed.InRegion[1].ToString(CultureInfo.InvariantCulture));
        await api.ScalarAsync<long>($"""
            WITH added AS (
                INSERT INTO seismic_events (feed_id, external_id, occurred_at, updated_at, magnitude, status, geom, run_id)
                SELECT f.id, e.id, now() - interval '1 hour', now(), 5.5, 'reviewed', ST_SetSRID(ST_MakePoint(e.lon, e.lat), 4326), 0
                FROM feeds f, (VALUES ('{near}', {lon}, {lat}), ('{far}', 51.17, 43.65)) e (id, lon, lat)
                WHERE f.code = '{feed}'
                RETURNING 1)
            SELECT count(*) FROM added
            """);
        using var region = api.Client(api.Tokens.Issue("region-officer", Role.DutyOfficer112, [Seed.AlmatyRegion]));
        const string Query = "{ earthquakes(first: 1000) { externalId } }";

        // Act
        var regional = (await region.QueryAsync(Query))["earthquakes"]!.AsArray().Select(q => q!["externalId"]!.GetValue<string>()).ToList();
        var national = (await api.GraphQL.QueryAsync(Query))["earthquakes"]!.AsArray().Select(q => q!["externalId"]!.GetValue<string>()).ToList();

        // Assert
        Assert.Contains(near, regional);
        Assert.DoesNotContain(far, regional);
        Assert.Contains(near, national);
        Assert.Contains(far, national);
    }

    private static void Walk(JsonNode node, string path, HashSet<string> territorial, Dictionary<string, int> checkedRows, List<string> leaks)
    {
        switch (node)
        {
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        Walk(item, $"{path}[{i}]", territorial, checkedRows, leaks);
                    }
                }

                break;
            case JsonObject obj:
                if (obj["__typename"]?.GetValue<string>() is { } type && territorial.Contains(type))
                {
                    var kato = (obj["territoryKato"] ?? obj["kato"])?.GetValue<string>();
                    checkedRows[type] = checkedRows.GetValueOrDefault(type) + 1;
                    if (kato is null || !kato.StartsWith("19", StringComparison.Ordinal))
                    {
                        leaks.Add($"{path}: {type} of {kato ?? "no territory"}");
                    }
                }

                foreach (var (name, value) in obj)
                {
                    if (value is not null)
                    {
                        Walk(value, path + "." + name, territorial, checkedRows, leaks);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// Asks for everything below <paramref name="path"/> to <see cref="Depth"/> levels; a selection priced out by the
    /// complexity limit is split into one query per field, so the whole graph is still covered.
    /// </summary>
    private static async Task WalkAsync(GraphQLClient client, List<string> path, Dictionary<string, TypeInfo> schema, TypeInfo type, int depth,
        Action<GraphQLResponse> check)
    {
        var response = await client.PostAsync(Wrap(path, Selection(schema, type, depth)));
        var objectFields = type.Fields.Values.Where(f => schema[f.TypeName].IsObject && !f.HasRequiredArguments).ToList();
        if (response.Errors is [{ } error] && error["extensions"]?["code"]?.GetValue<string>() == "QUERY_TOO_COMPLEX" && objectFields.Count > 0)
        {
            response = await client.PostAsync(Wrap(path, "__typename " + Leaves(type)));
            Assert.True(response.Errors is null, $"{string.Join('.', path)}: {response.Errors?.ToJsonString()}");
            check(response);
            foreach (var field in objectFields)
            {
                await WalkAsync(client, [.. path, field.Name], schema, schema[field.TypeName], depth + 1, check);
            }

            return;
        }

        Assert.True(response.Errors is null, $"{string.Join('.', path)}: {response.Errors?.ToJsonString()}");
        check(response);
    }

    // The rows on the way down were checked by the leaves query of each level.
    private static string Wrap(List<string> path, string selection) =>
        "{ " + path.AsEnumerable().Reverse().Aggregate(selection, (inner, field) => $"{field} {{ {inner} }}") + " }";

    private static string Selection(Dictionary<string, TypeInfo> schema, TypeInfo type, int depth)
    {
        var text = new StringBuilder("__typename ").Append(Leaves(type));
        if (depth + 1 >= Depth)
        {
            return text.ToString();
        }

        foreach (var field in type.Fields.Values.Where(f => schema[f.TypeName].IsObject && !f.HasRequiredArguments))
        {
            text.Append(' ').Append(field.Name).Append(" { ").Append(Selection(schema, schema[field.TypeName], depth + 1)).Append(" }");
        }

        return text.ToString();
    }

    private static string Leaves(TypeInfo type) =>
        string.Join(' ', new[] { "id", "territoryKato", "kato" }.Where(type.Fields.ContainsKey));

    private static async Task<string> FirstIdAsync(GraphQLClient client, string list) =>
        (await client.QueryAsync($"{{ {list}(first: 1) {{ nodes {{ id }} }} }}"))[list]!["nodes"]![0]!["id"]!.GetValue<string>();

    private static async Task<Dictionary<string, TypeInfo>> SchemaAsync(GraphQLClient client)
    {
        var data = await client.QueryAsync("""
            { __schema { types { name kind fields { name args { name type { kind } defaultValue }
                type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
            """);
        var types = new Dictionary<string, TypeInfo>(StringComparer.Ordinal);
        foreach (var type in data["__schema"]!["types"]!.AsArray())
        {
            var fields = (type!["fields"] as JsonArray ?? []).Select(f => new FieldInfo(
                f!["name"]!.GetValue<string>(),
                NamedType(f["type"]!),
                f["args"]!.AsArray().Any(a => a!["type"]!["kind"]!.GetValue<string>() == "NON_NULL" && a["defaultValue"] is null),
                f["args"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)));
            types[type["name"]!.GetValue<string>()] = new TypeInfo(type["name"]!.GetValue<string>(), type["kind"]!.GetValue<string>() == "OBJECT",
                fields.ToDictionary(f => f.Name, StringComparer.Ordinal));
        }

        return types;
    }

    private static string NamedType(JsonNode type) => type["name"]?.GetValue<string>() is { } name ? name : NamedType(type["ofType"]!);

    private sealed record TypeInfo(string Name, bool IsObject, Dictionary<string, FieldInfo> Fields);

    private sealed record FieldInfo(string Name, string TypeName, bool HasRequiredArguments, IReadOnlySet<string> Arguments);
}
