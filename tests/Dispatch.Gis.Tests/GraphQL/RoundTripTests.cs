using System.Diagnostics;
using Dispatch.Gis.Tests.Events;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>
/// Counts the database commands one request makes, by following the request's trace into Npgsql's activities:
/// nested relations must cost one query per relation and level, however many rows there are.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class RoundTripTests(ApiFixture api)
{
    [Fact]
    public async Task A_nested_query_costs_the_same_few_queries_for_few_or_many_rows()
    {
        // Uniform data in a district of its own, so every row exercises every relation.
        var seed = new Seed(api.GraphQL);
        await using var districtCmd = api.Db.CreateCommand("SELECT max(kato) FROM territories WHERE parent_kato = '750000000'");
        var district = (string)(await districtCmd.ExecuteScalarAsync())!;
        for (var i = 0; i < 6; i++)
        {
            var service = await seed.ServiceAsync(district, "MEDICAL_AVIATION");
            await seed.UnitAsync(service.Id, Seed.InCity, "MEDICAL_AVIATION");
            await seed.UnitAsync(service.Id, Seed.InCity, "MEDICAL_AVIATION");
        }

        var query = """
            query ($n: Int!) { dutyServices(territory: "DISTRICT", kind: MEDICAL_AVIATION, first: $n) { nodes {
                code channels { address } territory { kato regime { effective } parent { kato } }
                units { callSign service { code } } } } }
            """.Replace("DISTRICT", district, StringComparison.Ordinal);
        var few = await CommandsAsync(query, new { n = 2 });
        var many = await CommandsAsync(query, new { n = 6 });

        // list, channels, territory, regime, parent, units, units' services: 7, whatever the page size
        Assert.Equal(7, few);
        Assert.Equal(7, many);
    }

    [Fact]
    public async Task Zones_with_their_units_objects_and_territories_batch_per_relation()
    {
        var seed = new Seed(api.GraphQL);
        for (var i = 0; i < 4; i++)
        {
            await seed.ZoneAsync(Seed.Square(80 + i * 0.1, 47, 0.02));
        }

        const string Query = """
            query ($n: Int!) { zones(bbox: [79.9, 46.9, 80.5, 47.1], first: $n) { nodes { id units { id } dangerousObjects { id } settlements { id } territories { kato } versions { version } } } }
            """;
        // list, units, objects, settlements, territories, versions
        Assert.Equal(6, await CommandsAsync(Query, new { n = 1 }));
        Assert.Equal(6, await CommandsAsync(Query, new { n = 4 }));
    }

    [Fact]
    public async Task Issue9_a_page_of_every_district_with_its_readiness_costs_three_queries_and_answers()
    {
        // Arrange: two regions in HIGH_READINESS, so every district under them asks who has not reported.
        await EventLogTests.DeclareAsync(api.GraphQL, "790000000", "HIGH_READINESS", "round trips");
        await EventLogTests.DeclareAsync(api.GraphQL, "710000000", "EMERGENCY", "round trips");
        var seed = new Seed(api.GraphQL);
        var shymkentDistrict = await api.ScalarAsync<string>("SELECT min(kato) FROM territories WHERE parent_kato = '790000000'");
        var pending = await seed.ServiceAsync(shymkentDistrict, "AMBULANCE");
        const string Query = """
            query ($n: Int!) { territories(level: DISTRICT, first: $n) { nodes { kato readiness { effectiveRegime since partnersWithoutReadiness { id code } } } } }
            """;

        // Act
        var few = await CommandsAsync(Query, new { n = 5 });
        var all = await CommandsAsync(Query, new { n = 300 });
        var data = await api.GraphQL.QueryAsync(Query, new { n = 300 });

        // Assert: list, regimes, partners (only when a district asks) — for 5 districts or all 224, and the answer is there.
        Assert.InRange(few, 2, 3);
        Assert.Equal(3, all);
        var nodes = data["territories"]!["nodes"]!.AsArray();
        Assert.Equal(await api.ScalarAsync<long>("SELECT count(*) FROM territories WHERE level = 'DISTRICT'"), nodes.Count);
        var district = nodes.Single(n => n!["kato"]!.GetValue<string>() == shymkentDistrict)!["readiness"]!;
        Assert.Equal("HIGH_READINESS", district["effectiveRegime"]!.GetValue<string>());
        Assert.Contains(district["partnersWithoutReadiness"]!.AsArray(), p => p!["code"]!.GetValue<string>() == pending.Code);
    }

    [Fact]
    public async Task Issue10_stations_feeds_and_situations_batch_per_relation()
    {
        // Arrange: uniform stations in a region of their own (Turkistan), each with an object, own levels and readings; push feeds with runs and rejections.
        using var admin = api.Client(api.Tokens.Issue("round-trip-admin", Dispatch.Gis.Auth.Role.Admin, ["*"], "Round trip admin"));
        var seed = new Seed(api.GraphQL);
        const string Region = "610000000";
        var at = await api.ScalarAsync<string>($"SELECT ST_X(p) || ',' || ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM territories WHERE parent_kato = '{Region}' ORDER BY kato LIMIT 1) x");
        var point = at.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var feeds = new[] { Seed.Unique("RT-PUSH").ToUpperInvariant(), Seed.Unique("RT-PUSH").ToUpperInvariant() };
        foreach (var code in feeds)
        {
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code, name = "rt", format = "PUSH", silenceSeconds = 3600, territory = Region } });
        }

        for (var i = 0; i < 4; i++)
        {
            var code = Seed.Unique("RT-ST").ToUpperInvariant();
            await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code, name = "rt", @operator = "rt", kind = "OBJECT_SENSOR",
                location = Seed.Point(point[0] + i * 0.001, point[1]), parameters = new[] { "GAMMA_DOSE_RATE" }, dangerousObject = await seed.DangerousObjectAsync(point, "RADIATION"),
                thresholds = new[] { new { parameter = "GAMMA_DOSE_RATE", level = "ELEVATED", value = 5.0, validFrom = "2025-01-01", verified = false } } } });
            await api.GraphQL.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { id } }", new { f = feeds[i % 2],
                o = new object[] { new { station = code, parameter = "GAMMA_DOSE_RATE", observedAt = DateTime.UtcNow.AddMinutes(-i - 1).ToString("O"), value = 0.1, unit = "µSv/h" },
                    new { station = "NO-SUCH", parameter = "GAMMA_DOSE_RATE", observedAt = DateTime.UtcNow.ToString("O"), value = 0.1, unit = "µSv/h" } } });
        }

        const string Stations = """
            query ($n: Int!) { stations(territory: "610000000", first: $n) { nodes { code territory { kato } dangerousObject { id monitoringStations { code } }
                thresholds { level } latest { value } observations(last: 3) { value } } } }
            """;
        const string Feeds = """
            query ($n: Int!) { feeds(format: PUSH, first: $n) { nodes { code territory { kato } health { state lagSeconds } runs(first: 3) { stored rejected { reason } } } } }
            """;
        const string Situations = """
            query ($n: Int!) { territories(level: DISTRICT, first: $n) { nodes { kato situation { highest domains { domain level } } } } }
            """;

        // list, territory, object, object's stations, thresholds, latest, observations
        Assert.Equal(7, await CommandsAsync(Stations, new { n = 1 }));
        Assert.Equal(7, await CommandsAsync(Stations, new { n = 4 }));
        // list, territory, health, runs, rejected: the region's two feeds for a token of the region, or one of them
        using var regional = api.Client(api.Tokens.Issue("round-trip-regional", Dispatch.Gis.Auth.Role.Admin, [Region], "Regional admin"));
        Assert.Equal(5, await CommandsAsync(Feeds, new { n = 1 }, regional));
        Assert.Equal(5, await CommandsAsync(Feeds, new { n = 50 }, regional));
        // list, situation
        Assert.Equal(2, await CommandsAsync(Situations, new { n = 5 }));
        Assert.Equal(2, await CommandsAsync(Situations, new { n = 300 }));
    }

    private async Task<int> CommandsAsync(string query, object variables, GraphQLClient? client = null)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var commands = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // Physical connection opens (CONNECT) depend on the pool's state, not on the query.
                if (activity.Source.Name == "Npgsql" && activity.TraceId == traceId && !activity.DisplayName.StartsWith("CONNECT", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref commands);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { query, variables }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await (client ?? api.GraphQL).Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"errors\"", body, StringComparison.Ordinal);
        return commands;
    }
}
