using Npgsql;

namespace Dispatch.Gis.Events;

/// <summary>
/// One subscriber's events: first everything after <c>after</c> from the log, then live events from the hub,
/// with no gap and no duplicate (ids are in commit order; anything at or below the cursor is skipped).
/// After an overflow it goes back to the log from its cursor, so a slow consumer is late, never lossy.
/// </summary>
internal sealed class EventStream(NpgsqlDataSource db, EventHub hub, EventFilter filter, long? after, int queueCapacity,
    OperationFlowControl? flow, ILogger logger) : IObservable<StoredEvent>
{
    private const int ReplayBatch = 500;

    public IDisposable Subscribe(IObserver<StoredEvent> observer)
    {
        var stop = new CancellationTokenSource();
        var subscriber = hub.Subscribe(filter, queueCapacity);
        _ = Task.Run(() => PumpAsync(subscriber, observer, stop.Token), CancellationToken.None);
        return new Stop(stop, subscriber);
    }

    private async Task PumpAsync(EventHub.Subscriber subscriber, IObserver<StoredEvent> observer, CancellationToken ct)
    {
        var cursor = after ?? subscriber.StartId;
        try
        {
            if (after is not null)
            {
                cursor = await CatchUpAsync(observer, cursor, ct);
            }

            var queue = subscriber.Queue.Reader;
            while (!ct.IsCancellationRequested)
            {
                if (subscriber.TakeOverflow())
                {
                    while (queue.TryRead(out _))
                    {
                    }

                    logger.LogInformation("Subscriber fell behind at event {EventId}; catching up from the log", cursor);
                    cursor = await CatchUpAsync(observer, cursor, ct);
                    continue;
                }

                if (queue.TryRead(out var e))
                {
                    if (e.Id > cursor)
                    {
                        await DeliverAsync(observer, e, ct);
                        cursor = e.Id;
                    }

                    continue;
                }

                // Idle: wake on the next event or on an overflow, whichever comes first.
                var overflowed = subscriber.Overflowed;
                if (subscriber.HasOverflowed)
                {
                    continue;
                }

                var readable = queue.WaitToReadAsync(ct).AsTask();
                if (await Task.WhenAny(readable, overflowed) == readable && !await readable)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Event stream failed at event {EventId}", cursor);
            observer.OnError(ex);
        }
    }

    private async Task<long> CatchUpAsync(IObserver<StoredEvent> observer, long cursor, CancellationToken ct)
    {
        while (true)
        {
            var batch = await EventLog.ReadAfterAsync(db, cursor, filter, ReplayBatch, ct);
            foreach (var e in batch)
            {
                await DeliverAsync(observer, e, ct);
                cursor = e.Id;
            }

            if (batch.Count < ReplayBatch)
            {
                return cursor;
            }
        }
    }

    private async Task DeliverAsync(IObserver<StoredEvent> observer, StoredEvent e, CancellationToken ct)
    {
        if (flow is not null)
        {
            await flow.WaitAsync(ct);
        }

        observer.OnNext(e);
    }

    private sealed class Stop(CancellationTokenSource stop, EventHub.Subscriber subscriber) : IDisposable
    {
        public void Dispose()
        {
            // Not disposed: the pump may still be between awaits on its token.
            stop.Cancel();
            subscriber.Dispose();
        }
    }
}

internal static class ObservableExtensions
{
    /// <summary>Keeps <paramref name="resource"/> (a quota lease) for as long as the subscription lasts.</summary>
    public static IObservable<T> Holding<T>(this IObservable<T> source, IDisposable resource) => new Holder<T>(source, resource);

    private sealed class Holder<T>(IObservable<T> source, IDisposable resource) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer)
        {
            var subscription = source.Subscribe(observer);
            return new Both(subscription, resource);
        }
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
