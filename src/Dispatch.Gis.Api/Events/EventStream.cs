using Npgsql;

namespace Dispatch.Gis.Events;

/// <summary>
/// One subscriber's events: first everything after <c>after</c> from the log, then live events from the hub,
/// with no gap and no duplicate (ids are in commit order; anything at or below the cursor is skipped).
/// After an overflow it goes back to the log from its cursor, so a slow consumer is late, never lossy. What it holds
/// is bounded in bytes by its <see cref="SubscriberBuffer"/>: the replay reads only what fits and waits for the socket
/// to drain before reading more. While the database is away it waits and reads on from its cursor when it returns.
/// </summary>
internal sealed class EventStream(NpgsqlDataSource db, EventHub hub, EventFilter filter, long? after, int queueCapacity,
    OperationFlowControl? flow, ILogger logger) : IObservable<StoredEvent>
{
    private const int ReplayBatch = 500;
    private static readonly TimeSpan OutageRetry = TimeSpan.FromMilliseconds(250);

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
                cursor = await CatchUpAsync(subscriber, observer, cursor, ct);
            }

            var queue = subscriber.Queue.Reader;
            while (!ct.IsCancellationRequested)
            {
                if (subscriber.TakeOverflow())
                {
                    while (queue.TryRead(out var dropped))
                    {
                        subscriber.Buffer.Release(dropped.Bytes);
                    }

                    logger.LogInformation("Subscriber fell behind at event {EventId}; catching up from the log", cursor);
                    cursor = await CatchUpAsync(subscriber, observer, cursor, ct);
                    continue;
                }

                if (queue.TryRead(out var e))
                {
                    if (e.Id > cursor)
                    {
                        await DeliverAsync(subscriber.Buffer, observer, e, ct);
                        cursor = e.Id;
                    }
                    else
                    {
                        subscriber.Buffer.Release(e.Bytes);
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

    private async Task<long> CatchUpAsync(EventHub.Subscriber subscriber, IObserver<StoredEvent> observer, long cursor, CancellationToken ct)
    {
        var buffer = subscriber.Buffer;
        subscriber.CatchingUp = true;
        try
        {
            while (true)
            {
                // Read again only once the socket has taken half of what was read: batches stay large, memory bounded.
                await buffer.WaitUntilAtMostAsync(buffer.Limit / 2, ct);
                var from = cursor;
                var sizes = await WhileDatabaseAwayAsync(() => EventLog.SizesAfterAsync(db, from, filter, ReplayBatch, ct), ct);
                var fitting = new List<long>();
                foreach (var (id, bytes) in sizes)
                {
                    if (!buffer.TryReserve(bytes))
                    {
                        break;
                    }

                    fitting.Add(id);
                }

                if (fitting.Count == 0)
                {
                    if (sizes.Count == 0)
                    {
                        return cursor;
                    }

                    await buffer.WaitUntilAtMostAsync(0, ct); // the next event is larger than the room left
                    continue;
                }

                var ids = fitting.ToArray();
                var batch = await WhileDatabaseAwayAsync(() => EventLog.ByIdsAsync(db, ids, ct), ct);
                foreach (var e in batch)
                {
                    await DeliverAsync(buffer, observer, e, ct);
                    cursor = e.Id;
                }

                if (sizes.Count < ReplayBatch && fitting.Count == sizes.Count)
                {
                    return cursor;
                }
            }
        }
        finally
        {
            subscriber.CatchingUp = false;
        }
    }

    /// <summary>A read the subscription can wait for: the cursor stays where it is until the database answers again.</summary>
    private async Task<T> WhileDatabaseAwayAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        var logged = false;
        while (true)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when (Storage.DatabaseOutage.Is(ex) && !ct.IsCancellationRequested)
            {
                if (!logged)
                {
                    logger.LogWarning("Event stream waits for the database ({Reason})", GraphQL.InternalErrors.Reason(ex));
                    logged = true;
                }

                await Task.Delay(OutageRetry, ct);
            }
        }
    }

    /// <summary>The event's bytes, already reserved, stay counted until the transport has written it (or at once without one).</summary>
    private async Task DeliverAsync(SubscriberBuffer buffer, IObserver<StoredEvent> observer, StoredEvent e, CancellationToken ct)
    {
        Hosting.DispatchMetrics.Delivered();
        if (flow is null)
        {
            observer.OnNext(e);
            buffer.Release(e.Bytes);
            return;
        }

        try
        {
            await flow.WaitAsync(ct);
        }
        catch
        {
            buffer.Release(e.Bytes);
            throw;
        }

        flow.Handing(buffer, e.Bytes);
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
