using System.Diagnostics;
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

    private async Task<int> CommandsAsync(string query, object variables)
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
        using var response = await api.GraphQL.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"errors\"", body, StringComparison.Ordinal);
        return commands;
    }
}
