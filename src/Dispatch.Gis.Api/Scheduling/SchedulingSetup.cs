using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Scheduling;

internal static class SchedulingSetup
{
    /// <summary>
    /// Quartz with its ADO job store on the service's own PostgreSQL, clustered: every instance on the database runs
    /// the same jobs, each firing on exactly one of them, and a dead instance's triggers (and its interrupted
    /// recoverable runs) are taken over by the others. The tables come from schema/130; Quartz only validates them.
    /// </summary>
    public static IServiceCollection AddDispatchScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.Section)
            .Validate(o => o.MaxConcurrency > 0 && o.CheckinInterval > TimeSpan.Zero && !string.IsNullOrWhiteSpace(o.InstanceName),
                $"{SchedulingOptions.Section} needs a name, a positive check-in interval and MaxConcurrency")
            .ValidateOnStart();
        var options = configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        if (!options.Enabled)
        {
            return services;
        }

        var connectionString = configuration.GetConnectionString(DatabaseSetup.ConnectionStringName)!;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.InstanceName;
                s.GenerateInstanceId = true;
            });
            q.UseDefaultThreadPool(options.MaxConcurrency);
            q.UsePersistentStore(store =>
            {
                // Its own small pool: a scheduler that waits for a connection behind a burst of requests misses its check-in.
                store.UsePostgres(NpgsqlFactory.Instance, DatabaseSetup.WithPoolCeiling(connectionString, options.MaxConcurrency + 3));
                store.UseSystemTextJsonSerializer(_ => { });
                store.UseClustering(c =>
                {
                    c.CheckinInterval = options.CheckinInterval;
                    c.CheckinMisfireThreshold = options.CheckinInterval;
                });
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "qrtz_";
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.MisfireThreshold = options.MisfireThreshold;
                });
            });
        });
        services.AddSingleton<ServiceJobSchedule>();
        services.AddSingleton<IScheduleContributor>(sp => sp.GetRequiredService<ServiceJobSchedule>());
        services.AddSingleton<SchedulerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerHost>());
        services.AddHealthChecks().AddCheck<SchedulerReadyCheck>("scheduler", tags: ["ready"]);
        return services;
    }

    /// <summary>Declares a job the service always runs every <paramref name="interval"/> (see <see cref="ServiceJob"/>).</summary>
    public static IServiceCollection AddServiceJob<TJob>(this IServiceCollection services, string name, TimeSpan interval, string description, bool recover = false)
        where TJob : class, IJob
    {
        services.AddTransient<TJob>();
        services.AddSingleton(new ServiceJob(new JobKey(name, ServiceJobSchedule.Group), typeof(TJob), interval, recover, description));
        return services;
    }
}

/// <summary>
/// Puts the service's declared jobs on the cluster's scheduler at start-up. A trigger that already exists with the same
/// interval is kept as it is — an instance starting must not reset a schedule the cluster is following (that would fire
/// the job again at once) — and one whose interval changed in configuration is replaced.
/// </summary>
internal sealed class ServiceJobSchedule(IEnumerable<ServiceJob> jobs, ILogger<ServiceJobSchedule> logger) : IScheduleContributor
{
    public const string Group = "service";

    public async Task ApplyAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            var detail = JobBuilder.Create().OfType(job.JobType).WithIdentity(job.Key).WithDescription(job.Description).StoreDurably()
                .RequestRecovery(job.Recover).DisallowConcurrentExecution().Build();
            await scheduler.AddJob(detail, AddJobOptions.Replacing, cancellationToken);
            var key = new TriggerKey(job.Key.Name, Group);
            if (await scheduler.GetTrigger(key, cancellationToken) is ISimpleTrigger existing && existing.RepeatInterval == job.Interval)
            {
                continue;
            }

            var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(job.Key).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(job.Interval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build();
            await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken);
            logger.LogInformation("Scheduled {Job} every {Interval}", job.Key.Name, job.Interval);
        }
    }
}

/// <summary>Puts a part of the service's work on the cluster's scheduler before it starts firing (and is safe to run again).</summary>
internal interface IScheduleContributor
{
    Task ApplyAsync(IScheduler scheduler, CancellationToken cancellationToken);
}
