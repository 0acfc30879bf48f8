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
