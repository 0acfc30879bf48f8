using Dispatch.Gis.Scheduling;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Monitoring;

/// <summary>
/// One scheduler job per fetched feed ("poll-feed:CODE" in group "feeds"), each with its own trigger at the feed's
/// interval. A job per feed rather than one job polling whatever is due: [DisallowConcurrentExecution] then holds per
/// feed (two polls of one feed never overlap, anywhere in the cluster) while a slow feed never holds up the others;
/// each feed's runs are their own rows in the job ledger; and Quartz's clustering, misfire handling and recovery
/// apply per feed with nothing of ours to keep in step. The feeds table is the truth: this brings the scheduler to
/// it at start-up, after every upsertFeed, and on every silence watch (healing a change the scheduler missed).
/// </summary>
internal sealed class FeedSchedule(NpgsqlDataSource db, IServiceProvider services, ILogger<FeedSchedule> logger) : IScheduleContributor
{
    public const string Group = "feeds";
    public const string FeedKey = "feed";
    public const string AttemptKey = "attempt";

    public static string JobName(string code) => $"poll-feed:{code}";

    public static JobKey JobOf(string code) => new(JobName(code), Group);

    private IScheduler? _scheduler;

    public async Task ApplyAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        _scheduler = scheduler;
        foreach (var feed in await FeedDb.AllAsync(db, cancellationToken))
        {
            await ApplyAsync(scheduler, feed, cancellationToken);
        }
    }

    /// <summary>Brings one feed's job and trigger to its row; false when this instance runs no scheduler.</summary>
    public async Task<bool> ApplyAsync(Feed feed, CancellationToken ct)
    {
        if (await SchedulerAsync(ct) is not { } scheduler)
        {
            return false;
        }

        await ApplyAsync(scheduler, feed, ct);
        return true;
    }

    /// <summary>A poll now, through the scheduler like any other (so it is in the ledger and never overlaps a running poll).</summary>
    public async Task<bool> PollNowAsync(Feed feed, CancellationToken ct)
    {
        if (await SchedulerAsync(ct) is not { } scheduler)
        {
            return false;
        }

        await ApplyAsync(scheduler, feed, ct);
        await scheduler.TriggerJob(JobOf(feed.Code), new JobDataMap { [FeedKey] = feed.Code }, ct);
        return true;
    }

    /// <summary>
    /// After a failed poll: one more attempt after the feed's backoff, doubled with each failure, with jitter so
    /// feeds that failed together do not retry together; none after the feed's last attempt (the next interval polls again).
    /// </summary>
    public async Task<TimeSpan?> RetryAsync(Feed feed, int attempt, CancellationToken ct)
    {
        if (attempt > feed.RetryAttempts || await SchedulerAsync(ct) is not { } scheduler)
        {
            return null;
        }

        var delay = Backoff(feed.RetryBackoffSeconds, attempt);
        var trigger = TriggerBuilder.Create().WithIdentity(JobName(feed.Code) + ":retry", Group).ForJob(JobOf(feed.Code))
            .UsingJobData(FeedKey, feed.Code).UsingJobData(AttemptKey, attempt + 1)
            .StartAt(DateTimeOffset.UtcNow + delay)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, ct);
        return delay;
    }

    public static TimeSpan Backoff(int baseSeconds, int attempt)
    {
        var seconds = baseSeconds * Math.Pow(2, Math.Min(attempt - 1, 10));
        return TimeSpan.FromSeconds(seconds * (0.9 + Random.Shared.NextDouble() * 0.2));
    }

    public async Task<(DateTime? Next, DateTime? Previous, string State)?> TriggerStateAsync(Feed feed, CancellationToken ct)
    {
        if (feed.Format == FeedFormat.Push || await SchedulerAsync(ct) is not { } scheduler)
        {
            return null;
        }

        var key = new TriggerKey(JobName(feed.Code), Group);
        var trigger = await scheduler.GetTrigger(key, ct);
        var state = await scheduler.GetTriggerState(key, ct);
        return (trigger?.NextFireTimeUtc?.UtcDateTime, trigger?.PreviousFireTimeUtc?.UtcDateTime, state.ToString().ToUpperInvariant());
    }

    private async Task ApplyAsync(IScheduler scheduler, Feed feed, CancellationToken ct)
    {
        var job = JobOf(feed.Code);
        if (feed.Format == FeedFormat.Push || feed.IntervalSeconds is not { } seconds)
        {
            // A feed that became a PUSH feed loses its poll; asked first, since deleting takes the store's locks.
            if (await scheduler.Exists(job, ct))
            {
                await scheduler.DeleteJob(job, ct);
            }

            return;
        }

        if (!await scheduler.Exists(job, ct))
        {
            // Recoverable: a poll cut short by a dead instance runs again elsewhere, which an idempotent ingest allows.
            var detail = JobBuilder.Create<PollFeedJob>().WithIdentity(job).WithDescription($"Polls feed {feed.Code} ({feed.Name})")
                .UsingJobData(FeedKey, feed.Code).StoreDurably().RequestRecovery().DisallowConcurrentExecution().Build();
            await scheduler.AddJob(detail, AddJobOptions.Replacing, ct);
        }

        var key = new TriggerKey(JobName(feed.Code), Group);
        var interval = TimeSpan.FromSeconds(seconds);
        if (await scheduler.GetTrigger(key, ct) is not ISimpleTrigger existing || existing.RepeatInterval != interval)
        {
            // An unchanged interval keeps the cluster's trigger as it is: replacing it would fire the feed again at once.
            var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(job).UsingJobData(FeedKey, feed.Code).StartNow()
                .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(interval).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build();
            await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, ct);
            logger.LogInformation("Feed {Feed} polled every {Interval}", feed.Code, interval);
        }

        var paused = await scheduler.GetTriggerState(key, ct) == TriggerState.Paused;
        if (!feed.Enabled && !paused)
        {
            await scheduler.PauseJob(job, ct);
            logger.LogInformation("Feed {Feed} disabled: its polls are paused", feed.Code);
        }
        else if (feed.Enabled && paused)
        {
            await scheduler.ResumeJob(job, ct);
        }
    }

    private async Task<IScheduler?> SchedulerAsync(CancellationToken ct) =>
        _scheduler ??= services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(ct) : null;
}
