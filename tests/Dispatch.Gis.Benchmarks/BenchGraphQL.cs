using System.Net.Http.Json;
using System.Text.Json;

namespace Dispatch.Gis.Benchmarks;

/// <summary>The one way the scenarios that drive a running service send GraphQL: a failed call stops the run
/// instead of being timed as if it had succeeded.</summary>
internal static class BenchGraphQL
{
    public static object Point(double lon, double lat) => new { type = "Point", coordinates = new[] { lon, lat } };

    public static async Task<JsonElement> GraphQLAsync(HttpClient http, string query, object? variables = null)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.TryGetProperty("errors", out var errors))
        {
            throw new InvalidOperationException($"GraphQL errors: {errors}");
        }

        return json.RootElement.GetProperty("data").Clone();
    }
}
