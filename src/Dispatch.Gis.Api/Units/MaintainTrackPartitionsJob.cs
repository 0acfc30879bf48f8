using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Units;

/// <summary>
/// Keeps daily unit_track partitions ready ahead of time and drops those past the retention (as the owner:
/// partitions are DDL). Fixes for a day without its partition land in the default partition, so a late run loses
/// nothing; a day is dropped only once all of it is older than the retention. Idempotent: a repeated run changes nothing.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class MaintainTrackPartitionsJob(NpgsqlDataSource db, OwnerDataSource owner, IOptions<UnitOptions> options, TimeProvider clock,
    ILogger<MaintainTrackPartitionsJob> logger) : DispatchJob(db, logger)
{
    public const string Name = "maintain-track-partitions";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var (created, dropped) = await RunOnceAsync(owner, options.Value.TrackRetention, clock.GetUtcNow().UtcDateTime, ct);
        return new JobResult(created + dropped, $"created {created}, dropped {dropped} daily partition(s); retention {options.Value.TrackRetention.TotalDays} days");
    }

    /// <summary>Prepares today and the next two days, and drops days that ended more than <paramref name="retention"/> before now.</summary>
    public static async Task<(int Created, int Dropped)> RunOnceAsync(OwnerDataSource owner, TimeSpan retention, DateTime nowUtc, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        await using var cmd = owner.Source.CreateCommand("SELECT ensure_daily_partitions('unit_track', $1, $1 + 2), drop_daily_partitions('unit_track', 'at', $2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = today });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(nowUtc - retention) });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
