using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Scheduling;

/// <summary>
/// Issue 10: two instances on one database form one Quartz cluster — every firing of a job runs on exactly one of
/// them — and when one is killed the other takes its work over, within the failover window.
/// </summary>
[Trait("Category", "Database")]
public sealed class SchedulerClusterTests
{
    private const string Job = "sweep-stale-units";

    [Fact]
    public async Task Two_instances_run_each_firing_once_and_one_takes_over_when_the_other_is_killed()
    {
        var name = PostgisServer.NewDatabaseName("cluster");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = "cluster-" + Guid.NewGuid().ToString("N")[..8],
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
            ["Dispatch:Units:StaleSweepInterval"] = "00:00:01",
        };
        try
        {
            await using var first = await ApiFixture.StartAsync(database, settings);
            await using var second = await ServiceProcess.StartAsync(database, settings);
            await using var owner = NpgsqlDataSource.Create(database.Owner);

            // Both members run: every firing once, whichever member ran it.
            await Task.Delay(TimeSpan.FromSeconds(6));
            var together = await RunsAsync(owner);
            Assert.True(together.Count >= 4, $"only {together.Count} runs in 6 s");
            AssertEachFiringOnce(together);

            // Kill the process member outright; the in-process one takes its triggers over.
            second.Kill();
            var killedAt = DateTime.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(8));
            var after = await RunsAsync(owner);
            AssertEachFiringOnce(after);
            var survivor = after.Where(r => r.StartedAt > killedAt.AddSeconds(4)).Select(r => r.Instance).Distinct().ToList();
            Assert.Single(survivor);
            Assert.True(after.Count(r => r.StartedAt > killedAt) >= 3, "the survivor did not keep the job running");
            // No firing was lost for longer than the failover window (checked in every second, so about 3 s).
            var gaps = after.OrderBy(r => r.ScheduledFor).Zip(after.OrderBy(r => r.ScheduledFor).Skip(1), (a, b) => b.ScheduledFor - a.ScheduledFor);
            Assert.All(gaps, gap => Assert.True(gap <= TimeSpan.FromSeconds(6), $"a gap of {gap} between firings"));
            Assert.Equal(0L, await ScalarAsync(owner, $"SELECT count(*) FROM job_runs WHERE job = '{Job}' AND outcome = 'FAILED'"));
            await first.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private static void AssertEachFiringOnce(List<(DateTime ScheduledFor, string Instance, DateTime StartedAt)> runs)
    {
        var twice = runs.GroupBy(r => r.ScheduledFor).Where(g => g.Count() > 1).ToList();
        Assert.True(twice.Count == 0, $"fired more than once: {string.Join(", ", twice.Select(g => $"{g.Key:HH:mm:ss.fff} on {string.Join("+", g.Select(r => r.Instance))}"))}");
    }

    private static async Task<List<(DateTime ScheduledFor, string Instance, DateTime StartedAt)>> RunsAsync(NpgsqlDataSource owner)
    {
        await using var cmd = owner.CreateCommand($"SELECT scheduled_for, instance, started_at FROM job_runs WHERE job = '{Job}' ORDER BY scheduled_for");
        await using var reader = await cmd.ExecuteReaderAsync();
        var runs = new List<(DateTime, string, DateTime)>();
        while (await reader.ReadAsync())
        {
            runs.Add((reader.GetDateTime(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return runs;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource owner, string sql)
    {
        await using var cmd = owner.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
