using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit;

namespace Dispatch.Gis.Tests.Scheduling;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ServiceJobTests(ApiFixture api)
{
    [Fact]
    public async Task The_stale_AVL_sweep_announces_a_silent_unit_once_and_its_return_once_and_the_ledger_shows_each_run()
    {
        // Arrange: a unit whose last fix is older than the 5-minute stale threshold.
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
        var unit = await seed.UnitAsync(service, Seed.InCity);
        await seed.ReportAsync((unit, 76.93, 43.25, DateTime.UtcNow.AddMinutes(-20)));

        // Act: two sweeps while it is silent, a fresh fix, one more sweep.
        await SweepAsync();
        await SweepAsync();
        await seed.ReportAsync((unit, 76.94, 43.25, DateTime.UtcNow));
        await SweepAsync();

        // Assert
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'UNIT_POSITION_STALE' AND entity_id = '{unit}'"));
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'UNIT_POSITION_RESUMED' AND entity_id = '{unit}'"));
        var runs = await api.GraphQL.QueryAsync("""{ jobRuns(job: "sweep-stale-units", first: 3) { nodes { outcome instance rows detail endedAt } } }""");
        Assert.All(runs["jobRuns"]!["nodes"]!.AsArray(), r => Assert.Equal("SUCCEEDED", r!["outcome"]!.GetValue<string>()));
        var jobs = await api.GraphQL.QueryAsync("{ scheduledJobs { name intervalSeconds nextFireAt state } }");
        Assert.Contains(jobs["scheduledJobs"]!.AsArray(), j => j!["name"]!.GetValue<string>() == "maintain-track-partitions" && j["intervalSeconds"]!.GetValue<double>() == 3600);
    }

    /// <summary>Fires the sweep now, through the cluster's scheduler as its trigger would, and waits for its ledger row to close.</summary>
    private async Task SweepAsync()
    {
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'sweep-stale-units' AND outcome <> 'RUNNING'");
        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey("sweep-stale-units", "service"), new JobDataMap(), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await api.ScalarAsync<long>("SELECT count(*) FROM job_runs WHERE job = 'sweep-stale-units' AND outcome <> 'RUNNING'") == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweep did not run");
            await Task.Delay(100);
        }
    }
}
