using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: a feed poll (marked for recovery, [DisallowConcurrentExecution]) kept running for seconds by a slow feed
/// server of the test's own; the instance running it is SIGKILLed mid-run. The other instance recovers the run within
/// the failover window, no two runs of the job ever overlap in the ledger, and QRTZ_FIRED_TRIGGERS is empty afterwards.
/// </summary>
[Trait("Category", "Database")]
public sealed class QuartzFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FetchTakes = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Issue15_a_job_killed_mid_run_is_recovered_on_the_other_instance_and_never_overlaps()
    {
        var name = PostgisServer.NewDatabaseName("failover");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var cluster = "failover-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = cluster,
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
        };
        using var feedServer = new TcpListener(IPAddress.Loopback, 0);
        feedServer.Start();
        using var stopServer = new CancellationTokenSource();
        var serving = ServeSlowlyAsync(feedServer, stopServer.Token);
        try
        {
            await using var first = await ServiceProcess.StartAsync(database, settings);
            await using var second = await ServiceProcess.StartAsync(database, settings);
            var ids = new Dictionary<string, ServiceProcess> { [await InstanceIdAsync(first)] = first, [await InstanceIdAsync(second)] = second };
            using var adminHttp = new HttpClient { BaseAddress = first.BaseAddress };
            adminHttp.DefaultRequestHeaders.Authorization = new("Bearer", ServiceProcess.Token("failover-admin", Role.Admin));
            var admin = new GraphQLClient(adminHttp);
            var (station, feed) = ("FAILOVER-POST", "FAILOVER-FEED");
            await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "failover", @operator = "test",
                kind = "HYDRO_POST", location = Seed.Point(76.93, 43.25), parameters = new[] { "WATER_LEVEL" } } });
            object Feed(bool enabled) => new { i = new { code = feed, name = "failover", format = "CSV", url = $"http://127.0.0.1:{((IPEndPoint)feedServer.LocalEndpoint).Port}/feed.csv",
                intervalSeconds = 1, timeoutSeconds = 30, silenceSeconds = 600, enabled } };
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", Feed(true));
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var job = $"poll-feed:{feed}";

            // Wait for a run in progress, on whichever instance the cluster gave it, then kill that instance.
            var deadline = DateTime.UtcNow.AddSeconds(40);
            string? victimId = null;
            while (victimId is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "no run of the feed started");
                var running = await SqlRows.ReadAsync(owner, $"SELECT instance FROM job_runs WHERE job = '{job}' AND outcome = 'RUNNING' ORDER BY id LIMIT 1", r => r.GetString(0));
                victimId = running.Count > 0 ? running[0] : null;
                await Task.Delay(50);
            }

            var victim = ids[victimId];

            await Task.Delay(500);
            victim.Kill();
            var killedAt = DateTime.UtcNow;
            deadline = DateTime.UtcNow.AddSeconds(30);
            DateTime? recoveredAt = null;
            while (recoveredAt is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    var seen = await SqlRows.ReadAsync(owner, $"SELECT instance || ' ' || outcome || ' ' || recovering || ' ' || started_at FROM job_runs WHERE job = '{job}' ORDER BY id",
                        r => r.GetString(0));
                    Assert.Fail($"the killed run was not recovered within 30 s (victim {victimId}): {string.Join("; ", seen)}");
                }

                var rows = await SqlRows.ReadAsync(owner, $"SELECT started_at FROM job_runs WHERE job = '{job}' AND recovering AND instance <> '{victimId}' ORDER BY id LIMIT 1",
                    r => r.GetDateTime(0));
                recoveredAt = rows.Count > 0 ? rows[0] : null;
                await Task.Delay(50);
            }

            // The cluster's other jobs keep firing on the survivor; what must be gone is this job's and the dead instance's.
            // Let the recovered run and a few regular ones finish, then stop the feed and let the cluster settle.
            await Task.Delay(FetchTakes * 2);
            adminHttp.Dispose();
            using var survivorHttp = new HttpClient { BaseAddress = ids.Values.Single(p => p != victim).BaseAddress };
            survivorHttp.DefaultRequestHeaders.Authorization = new("Bearer", ServiceProcess.Token("failover-admin", Role.Admin));
            await new GraphQLClient(survivorHttp).QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", Feed(false));
            deadline = DateTime.UtcNow.AddSeconds(30);
            while (await CountAsync(owner, $"SELECT count(*) FROM job_runs WHERE job = '{job}' AND outcome = 'RUNNING'") > 0
                || await CountAsync(owner, $"SELECT count(*) FROM qrtz_fired_triggers WHERE sched_name = '{cluster}' AND (job_name = '{job}' OR instance_name = '{victimId}')") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "runs or fired triggers left 30 s after the feed was disabled");
                await Task.Delay(200);
            }

            var runs = await SqlRows.ReadAsync(owner, $"SELECT instance, started_at, ended_at, outcome, recovering FROM job_runs WHERE job = '{job}' ORDER BY started_at",
                r => (Instance: r.GetString(0), Started: r.GetDateTime(1), Ended: r.GetDateTime(2), Outcome: r.GetString(3), Recovering: r.GetBoolean(4)));
            var recovery = recoveredAt.Value - killedAt;
            output.WriteLine($"killed {killedAt:HH:mm:ss.fff}; recovered on the survivor after {recovery.TotalMilliseconds:F0} ms (check-in 1 s); {runs.Count} runs: " +
                string.Join(", ", runs.Select(r => $"{r.Outcome}{(r.Recovering ? " (recovering)" : "")} on {(r.Instance == victimId ? "victim" : "survivor")}")));

            Assert.True(recovery < TimeSpan.FromSeconds(10), $"recovery took {recovery}");
            Assert.Contains(runs, r => r.Instance == victimId && r.Outcome == "INTERRUPTED");
            Assert.Equal(0, await CountAsync(owner, $"SELECT count(*) FROM qrtz_fired_triggers WHERE sched_name = '{cluster}' AND (job_name = '{job}' OR instance_name = '{victimId}')"));
            // Never twice at once: each run ends before the next starts, except the victim's, closed only when recovered.
            var finished = runs.Where(r => !(r.Instance == victimId && r.Outcome == "INTERRUPTED")).ToList();
            foreach (var (a, b) in finished.Zip(finished.Skip(1)))
            {
                Assert.True(a.Ended <= b.Started, $"runs overlap: {a.Started:HH:mm:ss.fff}–{a.Ended:HH:mm:ss.fff} and {b.Started:HH:mm:ss.fff}");
            }

            Assert.Contains(finished, r => r.Recovering && r.Outcome == "SUCCEEDED");
        }
        finally
        {
            await stopServer.CancelAsync();
            feedServer.Stop();
            await serving;
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    /// <summary>Answers every request with one fresh reading, after <see cref="FetchTakes"/>: a job that runs for seconds.</summary>
    private static async Task ServeSlowlyAsync(TcpListener listener, CancellationToken ct)
    {
        var clients = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            clients.Add(Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var request = new StringBuilder();
                        var buffer = new byte[4096];
                        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var read = await stream.ReadAsync(buffer, ct);
                            if (read == 0)
                            {
                                return;
                            }

                            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }

                        await Task.Delay(FetchTakes, ct);
                        var body = $"station,time,parameter,value,unit\nFAILOVER-POST,{DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)},WATER_LEVEL,100,cm\n";
                        var head = $"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n";
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(head + body), ct);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                    {
                        // The poller went away (its instance was killed) or the test ended.
                    }
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(clients);
    }

    internal static async Task<string> InstanceIdAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        var ready = JsonNode.Parse(await http.GetStringAsync("/health/ready"))!;
        return ready["checks"]!["scheduler"]!["data"]!["instance"]!.GetValue<string>();
    }

    internal static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
