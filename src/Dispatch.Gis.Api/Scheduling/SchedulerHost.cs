using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Scheduling;

/// <summary>
/// Starts the cluster's scheduler once the database can hold it — the service itself starts (and says it is not
/// ready) while the database is away — and never half-scheduled: the service's jobs are on the scheduler before it
/// fires anything (the service's own jobs and every feed's). Stops it waiting for running jobs, so a clean shutdown interrupts nothing.
/// </summary>
internal sealed class SchedulerHost(ISchedulerFactory factory, IEnumerable<IScheduleContributor> schedules, ILogger<SchedulerHost> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private IScheduler? _scheduler;

    /// <summary>Null while running; otherwise why the scheduler is not (yet) running.</summary>
    public string? NotRunningBecause { get; private set; } = "starting";

    public string? InstanceId => _scheduler?.SchedulerInstanceId;

    public IScheduler? Scheduler => _scheduler;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var scheduler = await factory.GetScheduler(stoppingToken);
                foreach (var schedule in schedules)
                {
                    await schedule.ApplyAsync(scheduler, stoppingToken);
                }

                await scheduler.Start(stoppingToken);
                _scheduler = scheduler;
                NotRunningBecause = null;
                logger.LogInformation("Scheduler {Instance} of cluster {Cluster} started", scheduler.SchedulerInstanceId, scheduler.SchedulerName);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                NotRunningBecause = ex.Message;
                logger.LogWarning(ex, "The scheduler could not start; retrying in {Delay}", delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is { } scheduler)
        {
            NotRunningBecause = "stopped";
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }
}

/// <summary>
/// Ready includes the scheduler: an instance whose jobs cannot run is not a whole instance. The report adds what an
/// operator asks first when jobs stall: is it clustered, under which instance id, and when did it last check in
/// (an instance that stops checking in is declared dead by the others after about twice the interval).
/// </summary>
internal sealed class SchedulerReadyCheck(SchedulerHost host, NpgsqlDataSource db, IOptions<SchedulingOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (host.NotRunningBecause is { } reason || host.Scheduler is not { } scheduler)
        {
            return HealthCheckResult.Unhealthy($"scheduler not running: {host.NotRunningBecause}");
        }

        var meta = await scheduler.GetMetadata(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["started"] = scheduler.Status == SchedulerStatus.Running,
            ["status"] = scheduler.Status.ToString(),
            ["clustered"] = meta.JobStoreClustered,
            ["instance"] = meta.SchedulerInstanceId,
        };
        try
        {
            await using var cmd = db.CreateCommand("SELECT last_checkin_time FROM qrtz_scheduler_state WHERE sched_name = $1 AND instance_name = $2");
            cmd.Parameters.Add(new NpgsqlParameter { Value = options.Value.InstanceName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = meta.SchedulerInstanceId });
            // Quartz.NET stores check-in times as UTC ticks.
            if (await cmd.ExecuteScalarAsync(cancellationToken) is long ticks)
            {
                data["lastCheckIn"] = new DateTime(ticks, DateTimeKind.Utc);
            }
        }
        catch (Exception ex) when (Storage.DatabaseOutage.Is(ex))
        {
            // The database check reports the outage; the scheduler's own state is still worth showing.
        }

        return HealthCheckResult.Healthy("scheduler running", data);
    }
}
