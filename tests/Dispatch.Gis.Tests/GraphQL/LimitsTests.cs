using System.Net;
using System.Text;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class LimitsTests(ApiFixture api)
{
    [Fact]
    public async Task A_query_nested_too_deep_is_too_complex()
    {
        // children → children → … 16 levels, past the default depth of 15.
        var query = "{ territory(kato: \"750000000\") { " + string.Concat(Enumerable.Repeat("parent { ", 16)) + "kato" + new string('}', 16) + " } }";

        var response = await api.GraphQL.PostAsync(query);

        Assert.Equal("QUERY_TOO_COMPLEX", response.ErrorCode());
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task A_query_asking_for_too_much_is_too_complex()
    {
        // 1000 districts × their children × their children's children: a fan-out no map needs.
        var response = await api.GraphQL.PostAsync("""
            { territories(first: 1000) { nodes { children { children { children { kato nameEn nameRu nameKk areaKm2 population } } } } } }
            """);

        Assert.Equal("QUERY_TOO_COMPLEX", response.ErrorCode());
    }

    [Fact]
    public async Task GraphiQLs_full_introspection_is_within_the_limits()
    {
        var data = await api.GraphQL.QueryAsync(IntrospectionQuery);

        Assert.Equal("Query", data["__schema"]!["queryType"]!["name"]!.GetValue<string>());
        Assert.Equal("Subscription", data["__schema"]!["subscriptionType"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oversized_document_is_refused_before_parsing()
    {
        var response = await api.GraphQL.PostAsync("{ __typename " + new string(' ', 100_001) + "}");

        Assert.Equal("QUERY_TOO_COMPLEX", response.ErrorCode());
        Assert.Equal(400, response.Status);
    }

    [Fact]
    public async Task An_oversized_body_is_413_with_a_GraphQL_error()
    {
        var body = "{\"query\":\"{ __typename }\",\"variables\":{\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        // As large uploads should: the server answers from the headers, before the body is sent.
        request.Headers.ExpectContinue = true;

        using var response = await api.GraphQL.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("QUERY_TOO_COMPLEX", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_running_past_the_timeout_is_stopped_with_a_code_not_a_500()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:ExecutionTimeout"] = "00:00:00.005",
        });
        using var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        client.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.OfficerToken);

        var response = await client.PostAsync("{ territories(level: DISTRICT, first: 1000) { nodes { geometry } } }");

        Assert.Equal("QUERY_TOO_COMPLEX", response.ErrorCode());
        Assert.NotEqual(500, response.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_thousand_aliases_of_a_full_boundary_are_priced_out_while_one_is_answered()
    {
        var one = await api.GraphQL.PostAsync("""{ territory(kato: "750000000") { geometry } }""");
        var many = await api.GraphQL.PostAsync("{ " + string.Concat(Enumerable.Range(0, 1000).Select(i => $"t{i}: territory(kato: \"750000000\") {{ geometry }} ")) + "}");
        var simplified = await api.GraphQL.PostAsync("{ " + string.Concat(Enumerable.Range(0, 100).Select(i => $"t{i}: territory(kato: \"750000000\") {{ geometry(simplifyMeters: 1000) }} ")) + "}");

        Assert.Null(one.Errors);
        Assert.Equal("QUERY_TOO_COMPLEX", many.ErrorCode());
        Assert.Null(many.Data);
        Assert.True(simplified.Errors is null, simplified.ToString());
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(3, false)]
    public async Task Root_fields_past_the_round_trip_budget_are_too_complex(int budget, bool answered)
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:MaxDatabaseRoundTrips"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Dispatch:GraphQL:MaxParallelResolvers"] = "1",
        });
        using var client = ClientOf(app);

        // Five lists, each a query of its own (a batched relation or lookup would share one trip).
        var response = await client.PostAsync("{ " + string.Concat(Enumerable.Range(0, 5).Select(i => $"t{i}: territories(level: REGION, first: 1) {{ nodes {{ kato }} }} ")) + "}");

        if (answered)
        {
            Assert.True(response.Errors is null, response.ToString());
            Assert.Single(response.Data!["t4"]!["nodes"]!.AsArray());
        }
        else
        {
            // The refused lists are non-null, so the whole answer is null; the errors name the fields past the budget.
            Assert.Equal(["t3", "t4"], response.Errors!.Select(e => e!["path"]![0]!.GetValue<string>()).Order());
            Assert.All(response.Errors!, e => Assert.Equal("QUERY_TOO_COMPLEX", e!["extensions"]!["code"]!.GetValue<string>()));
        }

        await app.StopAsync();
    }

    [Fact]
    public async Task Shapes_past_the_response_size_limit_are_refused_from_their_vertex_counts_before_they_are_read()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:MaxResponseBytes"] = "20000",
        });
        using var client = ClientOf(app);
        var vertices = await api.ScalarAsync<long>("SELECT sum(ST_NPoints(geom)) FROM territories WHERE level = 'REGION'");

        var full = await client.PostAsync("{ territories(level: REGION, first: 20) { nodes { kato geometry } } }");
        // Simplified, the same boundaries fit: they are counted as PostgreSQL returns them.
        var simplified = await client.PostAsync("{ territories(level: REGION, first: 1) { nodes { kato geometry(simplifyMeters: 20000) } } }");

        Assert.True(vertices * 24 > 20000, $"the regions have only {vertices} vertices");
        Assert.Null(full.Data);
        Assert.Equal("QUERY_TOO_COMPLEX", full.Errors![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Contains("would exceed 20000 bytes (Dispatch:GraphQL:MaxResponseBytes)", full.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(simplified.Errors is null, simplified.ToString());
        await app.StopAsync();
    }

    [Fact]
    public async Task An_answer_past_the_response_size_limit_is_an_error_over_HTTP_and_WebSocket_and_a_small_one_is_not()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:MaxResponseBytes"] = "2000",
        });
        using var client = ClientOf(app);
        // No shapes: only the serialised answer, cut off at the cap, stops this one.
        const string big = "{ territories(first: 100) { nodes { kato nameEn nameRu nameKk } } }";

        var small = await client.PostAsync("{ territory(kato: \"750000000\") { kato nameEn } }");
        var overHttp = await client.PostAsync(big);
        var legacy = await client.PostAsync(big, accept: "application/json");
        await using var ws = await RawWebSocket.ConnectAsync(new Uri(app.Urls.First()));
        await ws.InitAsync(api.OfficerToken);
        await ws.ReceiveTypeAsync("connection_ack");
        await ws.SendAsync(new { id = "big", type = "subscribe", payload = new { query = big } });
        var overWs = await ws.ReceiveAsync();
        await ws.SendAsync(new { id = "small", type = "subscribe", payload = new { query = "{ __typename }" } });
        var smallWs = await ws.ReceiveAsync();

        Assert.Null(small.Errors);
        Assert.Equal(400, overHttp.Status);
        Assert.Equal("QUERY_TOO_COMPLEX", overHttp.ErrorCode());
        Assert.Contains("2000 bytes", overHttp.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, legacy.Status);
        Assert.Equal("QUERY_TOO_COMPLEX", legacy.ErrorCode());
        Assert.Equal("error", overWs!["type"]!.GetValue<string>());
        Assert.Equal("big", overWs["id"]!.GetValue<string>());
        Assert.Equal("QUERY_TOO_COMPLEX", overWs["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("next", smallWs!["type"]!.GetValue<string>());
        await app.StopAsync();
    }

    [Fact]
    public async Task A_mutation_whose_answer_is_too_large_says_it_was_carried_out()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:MaxResponseBytes"] = "2000",
        });
        using var client = ClientOf(app);
        var name = "oversized answer " + Guid.NewGuid().ToString("N");

        var response = await client.PostAsync("mutation ($i: CreateZoneInput!) { createZone(input: $i) { id geometry } }",
            new { i = new { kind = "ACTUAL", name, hazard = "FIRE", geometry = Circle(77.1, 43.4, 0.05, 200) } });

        Assert.Equal("QUERY_TOO_COMPLEX", response.ErrorCode());
        Assert.StartsWith("the mutation was carried out", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM emergency_zones WHERE name = '{name}'"));
        await app.StopAsync();
    }

    private static object Circle(double lon, double lat, double radius, int vertices)
    {
        var ring = Enumerable.Range(0, vertices + 1)
            .Select(i => 2 * Math.PI * (i % vertices) / vertices)
            .Select(a => new[] { Math.Round(lon + radius * Math.Cos(a), 6), Math.Round(lat + radius * Math.Sin(a), 6) })
            .ToArray();
        return new { type = "Polygon", coordinates = new[] { ring } };
    }

    private GraphQLClient ClientOf(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        var client = new GraphQLClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
        client.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.OfficerToken);
        return client;
    }

    [Fact]
    public async Task Mutations_over_GET_are_405()
    {
        var query = Uri.EscapeDataString("mutation { declareRegime(territory: \"750000000\", regime: DAILY, basis: \"x\") { id } }");

        using var response = await api.GraphQL.Http.GetAsync($"/graphql?query={query}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    private const string IntrospectionQuery = """
        query IntrospectionQuery {
          __schema {
            queryType { name } mutationType { name } subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
        }
        """;
}
