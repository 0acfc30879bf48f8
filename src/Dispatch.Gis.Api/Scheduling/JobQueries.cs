using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Scheduling;

/// <summary>What the half of the service that runs without a person at the keyboard is doing: its jobs and their runs.</summary>
internal sealed class JobQueries(NpgsqlDataSource db, IServiceProvider services, IEnumerable<ServiceJob> jobs, IOptions<PagingOptions> paging)
{
    private static readonly Role[] Operators = [Role.Admin, Role.DutyOfficer112];

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<JobRunConnectionGraphType>>("jobRuns")
            .Description("The job ledger, newest first: every run of every scheduled job on every instance.")
            .Argument<StringGraphType>("job")
            .Argument<JobOutcomeGraphType>("outcome")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(Operators)
            .ResolveAsync(JobRunsAsync);

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScheduledJobGraphType>>>>("scheduledJobs")
            .Description("The service's recurring jobs and their triggers as the cluster's scheduler holds them.")
            .AllowRoles(Operators)
            .ResolveAsync(ScheduledJobsAsync);
    }

    private async Task<object?> JobRunsAsync(IResolveFieldContext ctx) =>
        await JobLedgerDb.ListAsync(db, TextInput.Optional(ctx.GetArgument<string?>("job"), "job", TextLimits.ShortText), ctx.GetArgument<JobOutcome?>("outcome"),
            Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value), ctx.CancellationToken);

    private async Task<object?> ScheduledJobsAsync(IResolveFieldContext ctx)
    {
        if (services.GetService<ISchedulerFactory>() is not { } factory)
        {
            return jobs.Select(j => new ScheduledJob(j.Key.Name, j.Description, j.Interval, null, null, "SCHEDULER_OFF")).ToList();
        }

        var scheduler = await factory.GetScheduler(ctx.CancellationToken);
        var result = new List<ScheduledJob>();
        foreach (var job in jobs)
        {
            var key = new TriggerKey(job.Key.Name, ServiceJobSchedule.Group);
            var trigger = await scheduler.GetTrigger(key, ctx.CancellationToken);
            var state = await scheduler.GetTriggerState(key, ctx.CancellationToken);
            result.Add(new ScheduledJob(job.Key.Name, job.Description, job.Interval, trigger?.NextFireTimeUtc?.UtcDateTime,
                trigger?.PreviousFireTimeUtc?.UtcDateTime, state.ToString().ToUpperInvariant()));
        }

        // Every feed's poll, as the feeds table and its triggers have it (Monitoring/FeedSchedule).
        foreach (var feed in await Monitoring.FeedDb.AllAsync(db, ctx.CancellationToken))
        {
            if (feed.Format == Monitoring.FeedFormat.Push || feed.IntervalSeconds is not { } seconds)
            {
                continue;
            }

            var key = new TriggerKey(feed.JobName, Monitoring.FeedSchedule.Group);
            var trigger = await scheduler.GetTrigger(key, ctx.CancellationToken);
            var state = await scheduler.GetTriggerState(key, ctx.CancellationToken);
            result.Add(new ScheduledJob(feed.JobName, $"Polls feed {feed.Code} ({feed.Name})", TimeSpan.FromSeconds(seconds), trigger?.NextFireTimeUtc?.UtcDateTime,
                trigger?.PreviousFireTimeUtc?.UtcDateTime, state.ToString().ToUpperInvariant()));
        }

        return result;
    }
}
