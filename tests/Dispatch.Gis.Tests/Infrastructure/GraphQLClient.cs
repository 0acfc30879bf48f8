using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>Posts GraphQL documents over real HTTP and hands back the parsed response.</summary>
public sealed class GraphQLClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<GraphQLResponse> PostAsync(string query, object? variables = null, string accept = "application/graphql-response+json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new { query, variables }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new GraphQLResponse((int)response.StatusCode, JsonNode.Parse(body)!.AsObject(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Posts and asserts there are no errors; returns <c>data</c>.</summary>
    public async Task<JsonNode> QueryAsync(string query, object? variables = null)
    {
        var response = await PostAsync(query, variables);
        Assert.True(response.Errors is null, $"unexpected errors: {response.Errors?.ToJsonString()}");
        Assert.Equal(200, response.Status);
        return response.Data!;
    }

    public void Dispose() => http.Dispose();
}

public sealed record GraphQLResponse(int Status, JsonObject Body, string? ContentType)
{
    public JsonNode? Data => Body["data"];
    public JsonArray? Errors => Body["errors"]?.AsArray();

    /// <summary>The single error's extensions.code, failing the test if there is not exactly one error.</summary>
    public string ErrorCode()
    {
        Assert.True(Errors is { Count: 1 }, $"expected one error, got {Body.ToJsonString()}");
        return Errors![0]!["extensions"]?["code"]?.GetValue<string>() ?? "(none)";
    }

    public override string ToString() => Body.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
