using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class HttpTransportTests(ApiFixture api)
{
    private HttpClient Http => api.GraphQL.Http;

    [Fact]
    public async Task A_query_works_over_GET()
    {
        var query = Uri.EscapeDataString("{ territory(kato: \"710000000\") { nameEn } }");

        using var response = await Http.GetAsync($"/graphql?query={query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/graphql-response+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Astana", body["data"]!["territory"]!["nameEn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Variables_travel_as_JSON_in_GET()
    {
        var query = Uri.EscapeDataString("query ($k: String!) { territory(kato: $k) { nameEn } }");
        var variables = Uri.EscapeDataString("""{"k":"790000000"}""");

        using var response = await Http.GetAsync($"/graphql?query={query}&variables={variables}");

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Shymkent", body["data"]!["territory"]!["nameEn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Legacy_json_clients_get_200_with_errors()
    {
        var response = await api.GraphQL.PostAsync("{ territories { nope } }", accept: "application/json");

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", response.ErrorCode());
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_400_with_a_GraphQL_error()
    {
        using var content = new StringContent("{ not json", Encoding.UTF8, "application/json");

        using var response = await Http.PostAsync("/graphql", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("BAD_USER_INPUT", body["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_request_without_a_query_is_a_400()
    {
        using var content = new StringContent("""{"variables":{}}""", Encoding.UTF8, "application/json");

        using var response = await Http.PostAsync("/graphql", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Other_content_types_are_415_and_other_methods_405()
    {
        using var text = new StringContent("{ territories { totalCount } }", Encoding.UTF8, "text/plain");
        using var wrongType = await Http.PostAsync("/graphql", text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);

        using var put = await Http.PutAsync("/graphql", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    [Fact]
    public async Task Accepting_neither_JSON_type_is_406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ territories { totalCount } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task GraphiQL_is_served_by_the_service_itself()
    {
        using var page = await Http.GetAsync("/graphiql");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        foreach (var asset in new[] { "graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "graphql-ws.min.js" })
        {
            Assert.Contains(asset, html, StringComparison.Ordinal);
            using var response = await Http.GetAsync($"/graphiql/assets/{asset}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
