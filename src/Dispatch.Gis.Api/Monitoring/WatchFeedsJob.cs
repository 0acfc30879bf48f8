using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Monitoring;

/// <summary>
/// The silence watch: FEED_SILENT once when a feed delivered nothing new within its window — polls that succeed but
/// bring the same old data count as silence, the way a dispatch board once showed a stale picture for days — and
/// FEED_RECOVERED once when it delivers again. Also brings the scheduler's feed triggers to the feeds table.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class WatchFeedsJob(NpgsqlDataSource db, FeedSchedule schedule, ILogger<WatchFeedsJob> logger) : DispatchJob(db, logger)
{
    public const string Name = "watch-feeds";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var (silent, recovered) = await UnitOfWork.RunAsync(Db, Origin(context), w => FeedDb.WatchSilenceAsync(w, ct), ct);
        await schedule.ApplyAsync(context.Scheduler, ct);
        return new JobResult(silent + recovered, $"{silent} feed(s) fell silent, {recovered} recovered");
    }
}
