using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// Every <see cref="ForecastOptions.RefreshInterval"/>, puts a computation of every live forecast on the scheduler:
/// readings age out of their freshness window and the stability class follows the time of day, which no event
/// announces. A forecast whose inputs are unchanged keeps its version (the inputs hash); each forecast's computation is
/// its own clustered job, so a refresh never overlaps a recomputation of the same forecast.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RefreshForecastsJob(NpgsqlDataSource db, ForecastSchedule schedule, IOptions<ForecastOptions> options, ILogger<RefreshForecastsJob> logger)
    : DispatchJob(db, logger)
{
    public const string Name = "refresh-forecasts";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var requested = await UnitOfWork.RunAsync(Db, Origin(context), async w =>
        {
            var live = await Storage.Db.ReadAllAsync(w, ForecastWatchSql.AllLive, r => r.GetGuid(0), ct, new NpgsqlParameter { Value = options.Value.ActiveFor });
            return live.Count == 0 ? [] : (await ForecastDb.RequestAsync(w, live, null, ct)).Select(f => f.Id).ToList();
        }, ct);
        foreach (var id in requested)
        {
            await schedule.EnqueueAsync(id, ComputationReason.Scheduled, ct);
        }

        return new JobResult(requested.Count, $"{requested.Count} live forecast(s) put on the scheduler");
    }
}
