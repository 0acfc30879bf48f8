using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>A meteorological station of a test's own beside its release point, and the readings it pushes, so a
/// forecast reads weather the test controls rather than whatever another test left nearby.</summary>
internal static class MeteoReadings
{
    public static async Task<(string Station, string Feed)> StationAsync(ApiFixture api, double[] at, double eastOffsetDegrees, string codePrefix)
    {
        using var admin = api.Client(api.Tokens.Issue("forecast-admin", Dispatch.Gis.Auth.Role.Admin, ["*"], "Forecast Admin"));
        var (station, feed) = (Seed.Unique($"{codePrefix}-METEO").ToUpperInvariant(), Seed.Unique($"{codePrefix}-FEED").ToUpperInvariant());
        await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "forecast meteo", @operator = "test",
            kind = "METEO_STATION", location = Seed.Point(at[0] + eastOffsetDegrees, at[1]), parameters = new[] { "WIND_SPEED", "AIR_TEMPERATURE" } } });
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "forecast meteo", format = "PUSH",
            silenceSeconds = 86400, territory = Seed.AlmatyCity } });
        return (station, feed);
    }

    public static Task<JsonNode> ObserveAsync(ApiFixture api, string feed, string station, double wind, int minutes) =>
        api.GraphQL.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }", new
        {
            f = feed,
            o = new object[]
            {
                new { station, parameter = "WIND_SPEED", observedAt = DateTime.UtcNow.AddMinutes(minutes).ToString("O"), value = wind, unit = "m/s" },
                new { station, parameter = "AIR_TEMPERATURE", observedAt = DateTime.UtcNow.AddMinutes(minutes).ToString("O"), value = 15.0, unit = "°C" },
            },
        });
}
