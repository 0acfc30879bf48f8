using Dispatch.Gis.Auth;
using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>
/// Issue 10: two instances on one database (one in process, one a process of its own) form one scheduler cluster; a
/// feed polled every second is fetched once per firing, wherever it runs, and every payload is ingested exactly once.
/// </summary>
[Trait("Category", "Database")]
public sealed class MonitoringClusterTests
{
    [Fact]
    public async Task Two_instances_poll_each_firing_once_and_ingest_each_payload_once()
    {
        var name = PostgisServer.NewDatabaseName("feedcluster");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = "feeds-" + Guid.NewGuid().ToString("N")[..8],
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
        };
        try
        {
            await using var simulator = await FeedSimulatorServer.StartAsync();
            await using var first = await ApiFixture.StartAsync(database, settings);
            await using var second = await ServiceProcess.StartAsync(database, settings);
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var token = first.Services.GetRequiredService<TokenIssuer>().Issue("cluster-admin", Role.Admin, ["*"], "Cluster admin");
            using var http = new HttpClient { BaseAddress = new Uri(first.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var client = new GraphQLClient(http);
            // Every request gets a payload of its own: one reading stamped with the request's time and number.
            var path = "cluster/feed.csv";
            simulator.SetPayload(path, "station,time,parameter,value,unit\nCLUSTER-POST,{{now}},WATER_LEVEL,{{seq}},cm\n", "text/csv");
            await client.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = "CLUSTER-POST", name = "cluster",
                @operator = "test", kind = "HYDRO_POST", location = Seed.Point(76.93, 43.25), parameters = new[] { "WATER_LEVEL" } } });

            await client.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = "CLUSTER-FEED", name = "cluster", format = "CSV",
                url = simulator.FeedUrl(path), intervalSeconds = 1, silenceSeconds = 60 } });
            await Task.Delay(TimeSpan.FromSeconds(8));
            await client.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = "CLUSTER-FEED", name = "cluster", format = "CSV",
                url = simulator.FeedUrl(path), intervalSeconds = 1, silenceSeconds = 60, enabled = false } });
            // A poll that fired just before the feed was disabled may still be on its way on a loaded machine: wait until
            // the ledger stops growing, so both sides are counted after the last firing.
            var settledRuns = -1L;
            for (var attempt = 0; attempt < 20; attempt++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                var now = (await SqlRows.ReadAsync(owner, "SELECT count(*) FROM job_runs WHERE job = 'poll-feed:CLUSTER-FEED' AND ended_at IS NOT NULL", r => r.GetInt64(0)))[0];
                if (now == settledRuns)
                {
                    break;
                }

                settledRuns = now;
            }

            var served = simulator.Requests(path);
            // A firing that reached the job just after the feed was disabled ends without fetching; it is not a poll.
            var runs = await SqlRows.ReadAsync(owner, """
                SELECT scheduled_for, instance, outcome FROM job_runs
                WHERE job = 'poll-feed:CLUSTER-FEED' AND detail IS DISTINCT FROM 'feed CLUSTER-FEED is disabled' ORDER BY id
                """, r => (ScheduledFor: r.IsDBNull(0) ? (DateTime?)null : r.GetDateTime(0), Instance: r.GetString(1), Outcome: r.GetString(2)));
            var stored = await SqlRows.ReadAsync(owner, "SELECT stored, duplicates FROM feed_runs ORDER BY id", r => (Stored: r.GetInt32(0), Duplicates: r.GetInt32(1)));
            var values = await SqlRows.ReadAsync(owner, "SELECT value FROM observations ORDER BY value", r => (long)r.GetDouble(0));

            Assert.True(served.Count >= 5, $"only {served.Count} polls in 8 s");
            Assert.All(runs, r => Assert.Equal("SUCCEEDED", r.Outcome));
            Assert.Equal(served.Count, runs.Count);
            Assert.Equal(runs.Count, runs.Select(r => r.ScheduledFor).Distinct().Count());
            Assert.Equal(served.Count, stored.Count);
            Assert.All(stored, s => Assert.Equal((1, 0), s));
            Assert.Equal(served.Select(s => s.Sequence).Order(), values);
            await first.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }
}
