using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Monitoring;

/// <summary>
/// Keeps daily observation partitions ready ahead of time and drops those past the retention (as the owner: partitions
/// are DDL); deletes feed runs, with their quarantined rows, past the run retention. Idempotent.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class MaintainMonitoringStorageJob(NpgsqlDataSource db, OwnerDataSource owner, IOptions<MonitoringOptions> options, TimeProvider clock,
    ILogger<MaintainMonitoringStorageJob> logger) : DispatchJob(db, logger)
{
    public const string Name = "maintain-monitoring-storage";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var (created, dropped, runs) = await RunOnceAsync(owner, Db, options.Value, clock.GetUtcNow().UtcDateTime, ct);
        return new JobResult(created + dropped + runs,
            $"created {created}, dropped {dropped} daily observation partition(s); deleted {runs} feed run(s) older than {options.Value.RunRetention.TotalDays} days");
    }

    public static async Task<(int Created, int Dropped, int Runs)> RunOnceAsync(OwnerDataSource owner, NpgsqlDataSource db, MonitoringOptions options, DateTime nowUtc,
        CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        int created, dropped;
        // Every day a reading may still arrive for, and two ahead; the days already there cost a catalogue lookup each.
        await using (var cmd = owner.Source.CreateCommand("SELECT ensure_daily_partitions('observations', $3, $1 + 2), drop_daily_partitions('observations', 'observed_at', $2)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = today });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(nowUtc - options.ObservationRetention) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DateOnly.FromDateTime(nowUtc - options.MaxObservationAge).AddDays(-1) });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (created, dropped) = (reader.GetInt32(0), reader.GetInt32(1));
        }

        await using var runs = db.CreateCommand("DELETE FROM feed_runs WHERE ended_at < $1");
        runs.Parameters.Add(new NpgsqlParameter { Value = nowUtc - options.RunRetention });
        return (created, dropped, await runs.ExecuteNonQueryAsync(ct));
    }
}
