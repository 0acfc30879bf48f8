using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>Reads a forecast until its computation is where a test needs it; a FAILED one or a minute without it fails the test.</summary>
internal static class ForecastPolling
{
    public static async Task<JsonNode> UntilAsync(ApiFixture api, string query, string id, string state, int version)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var forecast = (await api.GraphQL.QueryAsync(query, new { id }))["forecast"]!;
            if (forecast["state"]!.GetValue<string>() == state && forecast["version"]!.GetValue<int>() >= version)
            {
                return forecast;
            }

            Assert.True(DateTime.UtcNow < deadline, $"forecast still {forecast.ToJsonString()}");
            Assert.NotEqual("FAILED", forecast["state"]!.GetValue<string>());
            await Task.Delay(200);
        }
    }
}
