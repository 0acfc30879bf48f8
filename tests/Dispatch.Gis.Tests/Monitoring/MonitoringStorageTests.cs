using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>Issue 10: observations are kept by day; days past the retention are dropped whole, the days a reading may still come for are ready, old runs go.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class MonitoringStorageTests(ApiFixture api)
{
    [Fact]
    public async Task Days_past_the_retention_are_dropped_every_day_a_reading_may_arrive_for_has_its_partition_and_old_runs_are_deleted()
    {
        // Arrange: day partitions 500 and 380 days back with a reading each, and a feed run that ended 100 days ago.
        var now = DateTime.UtcNow;
        var owner = api.Services.GetRequiredService<OwnerDataSource>();
        var db = api.Services.GetRequiredService<NpgsqlDataSource>();
        foreach (var daysAgo in new[] { 500, 380 })
        {
            var day = DateOnly.FromDateTime(now.AddDays(-daysAgo));
            await ExecuteAsync(owner, $"SELECT ensure_daily_partitions('observations', '{day:yyyy-MM-dd}', '{day:yyyy-MM-dd}')");
            await ExecuteAsync(owner, $"INSERT INTO observations (station_id, parameter, observed_at, value, level, feed_id, run_id) VALUES (gen_random_uuid(), 'WATER_LEVEL', '{day:yyyy-MM-dd} 12:00Z', 1, 'NORMAL', gen_random_uuid(), 0)");
        }

        await ExecuteAsync(owner, """
            INSERT INTO feeds (code, name, format, silence_seconds) VALUES ('T-OLD-RUNS', 'old runs', 'PUSH', 60) ON CONFLICT (code) DO NOTHING;
            """);
        await ExecuteAsync(owner, """
            INSERT INTO feed_runs (feed_id, actor, started_at, ended_at, outcome, received) SELECT id, 'test', now() - interval '100 days', now() - interval '100 days', 'SUCCEEDED', 0
            FROM feeds WHERE code = 'T-OLD-RUNS'
            """);
        var old = $"observations_{now.AddDays(-500):yyyyMMdd}";
        var kept = $"observations_{now.AddDays(-380):yyyyMMdd}";
        var options = new MonitoringOptions { ObservationRetention = TimeSpan.FromDays(400), RunRetention = TimeSpan.FromDays(90) };

        // Act
        var (_, dropped, runs) = await MaintainMonitoringStorageJob.RunOnceAsync(owner, db, options, now, CancellationToken.None);

        // Assert
        Assert.True(dropped >= 1);
        Assert.Equal(1, runs);
        Assert.False(await api.ScalarAsync<bool>($"SELECT to_regclass('{old}') IS NOT NULL"));
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM {kept}"));
        foreach (var daysAgo in new[] { 31, 15, 0, -2 })
        {
            Assert.True(await api.ScalarAsync<bool>($"SELECT to_regclass('observations_{now.AddDays(-daysAgo):yyyyMMdd}') IS NOT NULL"), $"no partition {daysAgo} days back");
        }
    }

    private static async Task ExecuteAsync(OwnerDataSource owner, string sql)
    {
        await using var cmd = owner.Source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
