using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Alerts;

/// <summary>
/// Matches new events against the standing subscriptions and records each match in the subscription's inbox. Every
/// instance runs one; they share a single cursor row, taken FOR UPDATE in the transaction that writes the inbox rows and
/// advances it, so a batch is recorded exactly once whichever instance runs it, and one that dies mid-batch leaves
/// the cursor where it was for the next. Woken by the event hub (which every instance's listener feeds from NOTIFY),
/// with a slow poll as a safety net.
/// </summary>
internal sealed class AlertMatcher(NpgsqlDataSource db, EventHub hub, IOptions<AlertOptions> options, IServiceProvider services, ILogger<AlertMatcher> logger)
    : BackgroundService
{
    private IScheduler? _scheduler;

    public const string CursorName = "standing";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only a wake-up: the queue may overflow, the matcher reads the log from its cursor anyway.
        using var wake = hub.Subscribe(new EventFilter(AlertKinds.AllEventKinds, Auth.TerritoryScope.All), 1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Emptied before matching, not after: an event committed while a batch is matched then stays queued and
                // wakes the wait at once, instead of being drained unmatched until the safety poll.
                wake.Drain();
                var webhooksOwed = false;
                int read;
                do
                {
                    (read, var owed) = await MatchAsync(db, options.Value.MatchBatch, stoppingToken);
                    webhooksOwed |= owed;
                }
                while (read == options.Value.MatchBatch);

                if (webhooksOwed)
                {
                    await DeliverNowAsync(stoppingToken);
                }

                await wake.WaitAsync(options.Value.MatcherSafetyPoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or Dispatch.Gis.GraphQL.ConflictException)
            {
                logger.LogWarning(ex, "Alert matching failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Matches the next events after the cursor, at most <paramref name="batch"/> of them; returns how many were read.</summary>
    public static async Task<int> MatchBatchAsync(NpgsqlDataSource db, int batch, CancellationToken ct) => (await MatchAsync(db, batch, ct)).Read;

    /// <summary>
    /// Runs the webhook delivery job now rather than at its next interval: a partner's system hears of an alert within
    /// moments of its recording. The job never overlaps itself, so a run already going on serves it instead (its idle
    /// workers wake on the ALERTS_RECORDED this batch commits); the interval stays the safety net should this trigger be lost.
    /// </summary>
    private async Task DeliverNowAsync(CancellationToken ct)
    {
        try
        {
            _scheduler ??= services.GetService<ISchedulerFactory>() is { } factory ? await factory.GetScheduler(ct) : null;
            // A scheduler shutting down refuses with a SchedulerException, which is caught below.
            if (_scheduler is { } scheduler)
            {
                await scheduler.TriggerJob(new JobKey(DeliverWebhooksJob.Name, Scheduling.ServiceJobSchedule.Group), ct);
            }
        }
        catch (SchedulerException ex)
        {
            logger.LogWarning(ex, "Could not start webhook delivery at once; the next interval delivers");
        }
    }

    private static Task<(int Read, bool WebhooksOwed)> MatchAsync(NpgsqlDataSource db, int batch, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, new WriteOrigin("matcher:alerts"), async w =>
        {
            await using var lockCursor = w.Command("SELECT last_event_id FROM alert_matcher_cursor WHERE name = $1 FOR UPDATE");
            lockCursor.Parameters.Add(new NpgsqlParameter { Value = CursorName });
            var after = (long)(await lockCursor.ExecuteScalarAsync(ct))!;

            await using var range = w.Command("SELECT count(*)::int, max(id) FROM (SELECT id FROM events WHERE id > $1 ORDER BY id LIMIT $2) r");
            range.Parameters.Add(new NpgsqlParameter { Value = after });
            range.Parameters.Add(new NpgsqlParameter { Value = batch });
            int read;
            long upto;
            await using (var reader = await range.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                read = reader.GetInt32(0);
                upto = read == 0 ? after : reader.GetInt64(1);
            }

            if (read == 0)
            {
                return (0, false);
            }

            await using var match = w.Command(AlertMatcherSql.Match);
            match.Parameters.Add(new NpgsqlParameter { Value = after });
            match.Parameters.Add(new NpgsqlParameter { Value = upto });
            var webhooksOwed = false;
            await using (var reader = await match.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    webhooksOwed |= reader.GetBoolean(5);
                    var subscription = reader.GetGuid(0);
                    w.Add(new NewEvent("ALERTS_RECORDED", "AlertSubscription", subscription.ToString(),
                        new { subscriptionId = subscription, firstSeq = reader.GetInt64(2), lastSeq = reader.GetInt64(3), count = reader.GetInt32(4) },
                        null, reader.GetString(1)));
                }
            }

            await using var advance = w.Command("UPDATE alert_matcher_cursor SET last_event_id = $2, updated_at = clock_timestamp() WHERE name = $1");
            advance.Parameters.Add(new NpgsqlParameter { Value = CursorName });
            advance.Parameters.Add(new NpgsqlParameter { Value = upto });
            await advance.ExecuteNonQueryAsync(ct);
            return (read, webhooksOwed);
        }, ct);
}
