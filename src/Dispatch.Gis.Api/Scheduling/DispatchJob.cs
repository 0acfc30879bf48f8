using Npgsql;
using Quartz;

namespace Dispatch.Gis.Scheduling;

/// <summary>
/// What every job of the service does around its work: a ledger row per run (job, instance, start, end, outcome,
/// rows, error) and its JOB_RUN_FINISHED event, structured logs, and a failure that is recorded, not thrown at the
/// scheduler. The work itself writes through <see cref="Storage.UnitOfWork"/> with <see cref="Origin"/>, as a
/// mutation would. Subclasses are marked [DisallowConcurrentExecution]: one run of a job at a time across the cluster.
/// </summary>
internal abstract class DispatchJob(NpgsqlDataSource db, ILogger logger) : IJob
{
    protected NpgsqlDataSource Db => db;

    protected ILogger Logger => logger;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var job = context.JobDetail.Key.Name;
        var instance = context.Scheduler.SchedulerInstanceId;
        var runId = await JobLedgerDb.StartAsync(db, job, context.FireInstanceId, instance, context.ScheduledFireTimeUtc?.UtcDateTime, context.Recovering,
            cancellationToken);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var result = await RunAsync(context, cancellationToken);
            await JobLedgerDb.FinishAsync(db, runId, job, instance, JobOutcome.Succeeded, result, null, CancellationToken.None);
            Hosting.DispatchMetrics.JobRan(job, "succeeded", clock.Elapsed);
            logger.LogDebug("{Job} run {RunId} on {Instance}: {Rows} row(s) {Detail}", job, runId, instance, result.Rows, result.Detail);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: a job marked for recovery runs again elsewhere; the ledger says this run did not finish.
            await JobLedgerDb.FinishAsync(db, runId, job, instance, JobOutcome.Interrupted, null, "the instance shut down during the run", CancellationToken.None);
            Hosting.DispatchMetrics.JobRan(job, "interrupted", clock.Elapsed);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "{Job} run {RunId} on {Instance} failed: {Error}", job, runId, instance, ex.Message);
            await JobLedgerDb.FinishAsync(db, runId, job, instance, JobOutcome.Failed, null, ex.Message, CancellationToken.None);
            Hosting.DispatchMetrics.JobRan(job, "failed", clock.Elapsed);
        }
    }

    protected abstract Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct);

    /// <summary>The actor a job's changes are recorded under: its name, prefixed so no caller can pass for it.</summary>
    protected static Storage.WriteOrigin Origin(IJobExecutionContext context) => new($"job:{context.JobDetail.Key.Name}");
}
