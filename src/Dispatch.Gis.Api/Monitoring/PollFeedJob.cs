using Dispatch.Gis.Monitoring.Adapters;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Monitoring;

/// <summary>A poll that produced nothing to ingest; the run is FAILED in the ledger and in the feed's runs, and retried.</summary>
internal sealed class FeedPollFailedException(string message) : Exception(message);

/// <summary>
/// One poll of one feed: fetch, read, ingest (<see cref="ObservationIngest"/>, the same path reportObservations takes).
/// An HTTP error, a timeout or a payload that cannot be read as the feed's format writes nothing but the failed run and
/// the feed's health, and schedules a retry with backoff. Polls of one feed never overlap anywhere in the cluster.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class PollFeedJob(NpgsqlDataSource db, FeedFetcher fetcher, ObservationIngest ingest, FeedSchedule schedule, TimeProvider clock,
    ILogger<PollFeedJob> logger) : DispatchJob(db, logger)
{
    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var data = context.MergedJobDataMap;
        var code = data.GetString(FeedSchedule.FeedKey) ?? throw new InvalidOperationException("the poll has no feed code");
        var attempt = data.TryGetValue(FeedSchedule.AttemptKey, out var value) && value is int n ? n : 1;
        if (!(await FeedDb.ByCodeAsync(Db, [code], ct)).TryGetValue(code, out var feed))
        {
            return new JobResult(0, $"feed {code} does not exist");
        }

        if (!feed.Enabled || feed.Format == FeedFormat.Push)
        {
            return new JobResult(0, $"feed {code} is {(feed.Enabled ? "pushed, not polled" : "disabled")}");
        }

        var started = clock.GetUtcNow().UtcDateTime;
        var origin = Origin(context);
        FetchedPayload fetched;
        ParsedPayload parsed;
        try
        {
            fetched = await fetcher.FetchAsync(feed, ct);
            try
            {
                parsed = FeedAdapters.Parse(feed, fetched.Text);
            }
            catch (FeedPayloadException ex)
            {
                throw new FeedFetchException(ex.Message, fetched.HttpStatus, fetched.Bytes);
            }
        }
        catch (FeedFetchException ex)
        {
            await UnitOfWork.RunAsync(Db, origin,
                w => FeedDb.RecordFailureAsync(w, feed, started, attempt, context.FireInstanceId, ex.HttpStatus, ex.Bytes, ex.Message, ct), ct);
            var retry = await schedule.RetryAsync(feed, attempt, ct);
            throw new FeedPollFailedException(retry is { } delay
                ? $"{ex.Message}; attempt {attempt} of {feed.RetryAttempts + 1}, next in {delay.TotalSeconds:0.#} s"
                : $"{ex.Message}; attempt {attempt}, no retry before the next interval");
        }

        var outcome = await ingest.IngestAsync(feed, parsed, new RunStart(started, attempt, context.FireInstanceId, fetched.HttpStatus, fetched.Bytes), origin,
            null, ct);
        return new JobResult(outcome.Stored + outcome.Updated, $"run {outcome.RunId}: {outcome.Detail}");
    }
}
