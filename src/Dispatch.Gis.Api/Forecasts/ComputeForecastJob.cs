using Dispatch.Gis.Scheduling;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// One computation of one forecast, fired once by <see cref="ForecastSchedule"/>. Recoverable: a computation cut
/// short by a dead instance runs again elsewhere, which the inputs hash and the cancelled check make safe.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ComputeForecastJob(NpgsqlDataSource db, ForecastRunner runner, ILogger<ComputeForecastJob> logger) : DispatchJob(db, logger)
{
    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var text = context.MergedJobDataMap.GetString(ForecastSchedule.ForecastKey);
        if (!Guid.TryParse(text, out var id))
        {
            throw new InvalidOperationException("the computation names no forecast");
        }

        var reason = Enum.TryParse<ComputationReason>(context.MergedJobDataMap.GetString(ForecastSchedule.ReasonKey), out var r) ? r : ComputationReason.Queued;
        return new JobResult(1, await runner.RunAsync(id, reason, Origin(context), ct));
    }
}

/// <summary>
/// Puts forecast computations on the cluster's scheduler: one job per forecast ("compute-forecast:ID" in group
/// "forecasts"), so computations of one forecast never overlap while different forecasts run side by side, each
/// fired once now and gone when done. False when this instance runs no scheduler (the forecast then stays QUEUED).
/// </summary>
internal sealed class ForecastSchedule(IServiceProvider services)
{
    public const string Group = "forecasts";
    public const string ForecastKey = "forecast";
    public const string ReasonKey = "reason";

    private IScheduler? _scheduler;

    public static JobKey JobOf(Guid id) => new($"compute-forecast:{id}", Group);

    public async Task<bool> EnqueueAsync(Guid id, ComputationReason reason, CancellationToken ct)
    {
        if (await SchedulerAsync(ct) is not { } scheduler)
        {
            return false;
        }

        // The job with its trigger in one call, replacing the job's row if a computation is still pending: a second
        // trigger then fires after the first, never beside it ([DisallowConcurrentExecution]).
        var job = JobOf(id);
        var detail = JobBuilder.Create<ComputeForecastJob>().WithIdentity(job).WithDescription($"Computes forecast {id}")
            .UsingJobData(ForecastKey, id.ToString()).UsingJobData(ReasonKey, reason.ToString()).StoreDurably(false).RequestRecovery().DisallowConcurrentExecution().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(Guid.NewGuid().ToString("N"), Group).ForJob(job).StartNow()
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        await scheduler.ScheduleJob(detail, new[] { trigger }, ScheduleJobOptions.Replacing, ct);
        return true;
    }

    /// <summary>
    /// Drops a forecast's pending computations. Only tidying: the cancellation is already committed, and a computation
    /// that runs anyway finds the forecast cancelled and writes nothing. So a trigger Quartz cannot unschedule at this
    /// moment (another instance has just acquired it) is left to fire, and the caller's cancel still succeeds.
    /// </summary>
    public async Task RemoveAsync(Guid id, CancellationToken ct)
    {
        if (await SchedulerAsync(ct) is not { } scheduler)
        {
            return;
        }

        try
        {
            await scheduler.DeleteJob(JobOf(id), ct);
        }
        catch (SchedulerException ex)
        {
            services.GetRequiredService<ILogger<ForecastSchedule>>().LogInformation(ex,
                "Forecast {ForecastId}: its pending computation could not be removed now; it will find the forecast cancelled", id);
        }
    }

    private async Task<IScheduler?> SchedulerAsync(CancellationToken ct) =>
        _scheduler ??= services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(ct) : null;
}
