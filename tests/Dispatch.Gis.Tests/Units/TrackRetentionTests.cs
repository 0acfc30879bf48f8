using Dispatch.Gis.Storage;
using Dispatch.Gis.Tests.Infrastructure;
using Dispatch.Gis.Units;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dispatch.Gis.Tests.Units;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class TrackRetentionTests(ApiFixture api)
{
    [Fact]
    public async Task Issue9_days_past_the_retention_are_dropped_and_the_rest_are_kept()
    {
        // Arrange: a partition 100 days back and one 80 days back, each with a fix; one stray old fix in the default partition.
        var now = DateTime.UtcNow;
        var owner = api.Services.GetRequiredService<OwnerDataSource>();
        foreach (var daysAgo in new[] { 100, 80 })
        {
            var day = DateOnly.FromDateTime(now.AddDays(-daysAgo));
            await ExecuteAsync(owner, $"SELECT ensure_daily_partitions('unit_track', '{day:yyyy-MM-dd}', '{day:yyyy-MM-dd}')");
            await ExecuteAsync(owner, $"INSERT INTO unit_track (unit_id, at, geom) VALUES (gen_random_uuid(), '{day:yyyy-MM-dd} 12:00Z', 'SRID=4326;POINT(76.9 43.2)')");
        }

        await ExecuteAsync(owner, $"INSERT INTO unit_track_default (unit_id, at, geom) VALUES (gen_random_uuid(), '{now.AddDays(-200):yyyy-MM-dd} 12:00Z', 'SRID=4326;POINT(76.9 43.2)')");
        var old = $"unit_track_{now.AddDays(-100):yyyyMMdd}";
        var kept = $"unit_track_{now.AddDays(-80):yyyyMMdd}";

        // Act
        var (_, dropped) = await MaintainTrackPartitionsJob.RunOnceAsync(owner, TimeSpan.FromDays(90), now, CancellationToken.None);

        // Assert
        Assert.True(dropped >= 1);
        Assert.False(await api.ScalarAsync<bool>($"SELECT to_regclass('{old}') IS NOT NULL"));
        Assert.True(await api.ScalarAsync<bool>($"SELECT to_regclass('{kept}') IS NOT NULL"));
        Assert.Equal(1L, await api.ScalarAsync<long>($"SELECT count(*) FROM {kept}"));
        Assert.Equal(0L, await api.ScalarAsync<long>($"SELECT count(*) FROM unit_track_default WHERE at < now() - interval '90 days'"));
        Assert.True(await api.ScalarAsync<bool>($"SELECT to_regclass('unit_track_{now:yyyyMMdd}') IS NOT NULL"));
    }

    private static async Task ExecuteAsync(OwnerDataSource owner, string sql)
    {
        await using var cmd = owner.Source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
