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
    private const int BatchSize = 1000;
    private long _lastId = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
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

                backoff = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await DrainAsync(stoppingToken);
                    await connection.WaitAsync(SafetyPoll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Event listener lost its connection; retrying in {Delay}", backoff);
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
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
