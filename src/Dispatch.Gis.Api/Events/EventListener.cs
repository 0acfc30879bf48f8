using Npgsql;

namespace Dispatch.Gis.Events;

/// <summary>
/// One per instance: LISTENs on a dedicated connection and, when woken (or every few seconds, in case a
/// notification was lost while reconnecting), reads new events by id and publishes them to the hub.
/// A change committed through any instance therefore reaches subscribers on every instance.
/// </summary>
internal sealed class EventListener(NpgsqlDataSource db, EventHub hub, ILogger<EventListener> logger) : BackgroundService
{
    public const string Channel = "dispatch_events";
    private static readonly TimeSpan SafetyPoll = TimeSpan.FromSeconds(5);

    // Short and capped: once the database answers again, live delivery resumes within a second, and a refused
    // connection attempt costs the database next to nothing.
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(1);
    private const int BatchSize = 1000;
    private long _lastId = -1;
    private volatile bool _live;

    /// <summary>True while LISTEN holds and everything committed before it was published: what readiness waits for.</summary>
    public bool IsLive => _live;

    /// <summary>When the listener last lost its connection (null: never), for the readiness report.</summary>
    public DateTimeOffset? LastLostAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (_lastId < 0)
                {
                    // Live delivery starts now; older events are served from the log to clients that ask with `after`.
                    _lastId = await EventLog.LastIdAsync(db, stoppingToken);
                    hub.Start(_lastId);
                    logger.LogInformation("Event listener started after event {EventId}", _lastId);
                }
                else
                {
                    logger.LogInformation("Event listener reconnected; catching up after event {EventId}", _lastId);
                }

                // Listening first, then reading from the last published id: whatever commits in between is read, not missed.
                await DrainAsync(stoppingToken);
                _live = true;
                backoff = FirstRetry;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(SafetyPoll, stoppingToken);
                    await DrainAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (_live)
                {
                    LastLostAt = DateTimeOffset.UtcNow;
                }

                _live = false;
                if (Storage.DatabaseOutage.Is(ex))
                {
                    logger.LogWarning("Event listener lost the database ({Reason}); retrying in {Delay}", GraphQL.InternalErrors.Reason(ex), backoff);
                }
                else
                {
                    // Not an outage, but a dead listener means a silently stale picture: log it loudly and keep trying.
                    logger.LogError(ex, "Event listener failed; retrying in {Delay}", backoff);
                }

                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxRetry.Ticks));
            }
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        while (true)
        {
            var batch = await EventLog.ReadAfterAsync(db, _lastId, EventFilter.All, BatchSize, ct);
            if (batch.Count == 0)
            {
                return;
            }

            hub.Publish(batch);
            _lastId = batch[^1].Id;
            if (batch.Count < BatchSize)
            {
                return;
            }
        }
    }
}
