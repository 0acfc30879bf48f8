using Microsoft.Extensions.Diagnostics.HealthChecks;
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

/// <summary>Ready includes the scheduler: an instance whose jobs cannot run is not a whole instance.</summary>
internal sealed class SchedulerReadyCheck(SchedulerHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.NotRunningBecause is { } reason
            ? HealthCheckResult.Unhealthy($"scheduler not running: {reason}")
            : HealthCheckResult.Healthy("scheduler running", new Dictionary<string, object> { ["instance"] = host.InstanceId ?? "" }));
}
