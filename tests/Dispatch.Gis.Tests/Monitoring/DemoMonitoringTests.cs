using Dispatch.Gis.Auth;
using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>
/// Issue 10: the demo as run.sh starts it — the service with the demo data and the feed simulator serving the Almaty
/// scenario — shows live monitoring: every demo feed is polled and read without a rejected row, and the scenario's
/// events (the Ile past its danger level, the gamma spike, the M5.3 earthquake, the storm warning) set their levels.
/// </summary>
[Trait("Category", "Database")]
public sealed class DemoMonitoringTests
{
    [Fact]
    public async Task The_demo_feeds_from_the_simulator_scenario_set_the_levels_the_scenario_describes()
    {
        var name = PostgisServer.NewDatabaseName("monitordemo");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        try
        {
            // Second 700 of the loop: the Ile above 580 cm, the gamma spike at its height, the earthquake 400 s ago, the storm warning in force.
            await using var simulator = await FeedSimulatorServer.StartAsync(scenarioPath: Path.Combine(AppContext.BaseDirectory, "scenarios", "almaty-demo.json"));
            simulator.SetClock(700);
            await using var app = await ApiFixture.StartAsync(database, new Dictionary<string, string?>
            {
                ["Dispatch:LoadDemoData"] = "true",
                ["Dispatch:Monitoring:SimulatorUrl"] = simulator.BaseAddress.ToString(),
            });
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var token = app.Services.GetRequiredService<TokenIssuer>().Issue("demo-officer", Role.DutyOfficer112, ["*"], "Demo officer");
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var client = new GraphQLClient(http);

            // Every polled demo feed fires at once when it is first scheduled.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await ScalarAsync(owner, "SELECT count(DISTINCT feed_id) FROM feed_runs") < 5 || await ScalarAsync(owner, "SELECT count(*) FROM job_runs WHERE outcome = 'RUNNING'") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the demo feeds were not polled");
                await Task.Delay(200);
            }

            var situation = await client.QueryAsync("""
                { city: situation(territory: "750000000") { domains { domain level } } ile: situation(territory: "194000000") { domains { domain level } }
                  stations(first: 20) { totalCount } }
                """);
            var city = situation["city"]!["domains"]!.AsArray().ToDictionary(d => d!["domain"]!.GetValue<string>(), d => d!["level"]!.GetValue<string>());
            var ile = situation["ile"]!["domains"]!.AsArray().ToDictionary(d => d!["domain"]!.GetValue<string>(), d => d!["level"]!.GetValue<string>());
            var reloaded = await ScalarAsync(owner, "SELECT count(*) FROM events WHERE kind IN ('STATION_REGISTERED', 'STATION_UPDATED', 'FEED_CONFIGURED')");
            await app.Services.GetRequiredService<MonitoringDemoLoader>().LoadAsync(CancellationToken.None);

            Assert.Equal(0, await ScalarAsync(owner, "SELECT count(*) FROM feed_runs WHERE outcome = 'FAILED' OR rejected > 0"));
            Assert.Equal("HIGH", city["RADIATION"]);
            Assert.Equal("HIGH", city["SEISMIC"]);
            Assert.Equal("HIGH", city["METEOROLOGICAL"]);
            Assert.Equal("HIGH", ile["HYDROLOGICAL"]);
            Assert.Equal(6, situation["stations"]!["totalCount"]!.GetValue<long>());
            Assert.True(await ScalarAsync(owner, "SELECT count(*) FROM regime_suggestions WHERE status = 'PENDING'") > 0);
            // A second load of the unchanged files changes nothing and announces nothing.
            Assert.Equal(reloaded, await ScalarAsync(owner, "SELECT count(*) FROM events WHERE kind IN ('STATION_REGISTERED', 'STATION_UPDATED', 'FEED_CONFIGURED')"));
            await app.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
