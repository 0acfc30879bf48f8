using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>The model tests' shared moves: ask for a forecast, read it back, wait for its job, refused input stores nothing.</summary>
internal static class ForecastPolling
{
    public const string Run = "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id state model horizonsMinutes } }";

    public const string Read = """
        query ($id: ID!) { forecast(id: $id) { id model state version error inputsHash inputs figures parameters assumptions warnings { code message }
          versions { version reason }
          horizons { minutes depthMeters figures zoneId zoneVersion warnings { code } zone { id kind hazard status version incidentId areaKm2 } } } }
        """;

    public static async Task<string> RunAsync(ApiFixture api, object input) =>
        (await api.GraphQL.QueryAsync(Run, new { i = input }))["runForecast"]!["id"]!.GetValue<string>();

    public static async Task<JsonNode> ReadAsync(ApiFixture api, string id, string read = Read) => (await api.GraphQL.QueryAsync(read, new { id }))["forecast"]!;

    /// <summary>Reads the forecast (with <paramref name="read"/>, a query of one $id) until <paramref name="done"/>; FAILED ends the wait unless allowed.</summary>
    public static async Task<JsonNode> WaitAsync(ApiFixture api, string id, Func<JsonNode, bool> done, bool allowFailed = false, string read = Read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var forecast = await ReadAsync(api, id, read);
            if (done(forecast))
            {
                return forecast;
            }

            Assert.True(DateTime.UtcNow < deadline, $"forecast still {forecast.ToJsonString()}");
            Assert.True(allowFailed || forecast["state"]!.GetValue<string>() != "FAILED", forecast["error"]?.ToString());
            await Task.Delay(200);
        }
    }

    /// <summary>Reads with <paramref name="query"/> until the forecast is in <paramref name="state"/> at <paramref name="version"/> or later.</summary>
    public static Task<JsonNode> UntilAsync(ApiFixture api, string query, string id, string state, int version) =>
        WaitAsync(api, id, f => f["state"]!.GetValue<string>() == state && f["version"]!.GetValue<int>() >= version, read: query);

    public static Task<JsonNode> SucceededAsync(ApiFixture api, string id, int version = 1) =>
        WaitAsync(api, id, f => f["state"]!.GetValue<string>() == "SUCCEEDED" && f["version"]!.GetValue<int>() >= version);

    /// <summary>The request is refused as BAD_USER_INPUT naming the argument, and no forecast row appears.</summary>
    public static async Task RefusedAsync(ApiFixture api, object input, string argument)
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM forecasts");
        var response = await api.GraphQL.PostAsync(Run, new { i = input });
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM forecasts"));
    }
}
