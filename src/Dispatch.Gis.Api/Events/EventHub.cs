using System.Threading.Channels;

namespace Dispatch.Gis.Events;

/// <summary>
/// In-process fan-out of committed events to this instance's subscribers. Publishing never waits: each
/// subscriber has a bounded queue, and a subscriber whose queue is full is marked as overflowed instead of
/// holding up the others. An overflowed subscriber re-reads what it missed from the event log (see
/// <see cref="EventStream"/>), so a slow client gets every event late rather than some events never. A queue is
/// bounded in bytes too (<see cref="SubscriberBuffer"/>): one zone event may carry a polygon of 100,000 vertices.
/// </summary>
internal sealed class EventHub(Microsoft.Extensions.Options.IOptions<SubscriberBufferOptions> buffers)
{
    private readonly Lock _gate = new();
    private readonly SubscriberIndex<Subscriber> _subscribers = new(s => s.Filter);
    private long _lastPublishedId;

    public long LastPublishedId
    {
        get
        {
            lock (_gate)
            {
                return _lastPublishedId;
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public long QueuedEvents
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.All.Sum(s => (long)s.Queue.Reader.Count);
            }
        }
    }

    /// <summary>Each current subscriber's buffer, for the tests and the readiness report.</summary>
    public IReadOnlyList<SubscriberBuffer> Buffers
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscribers.All.Select(s => s.Buffer)];
            }
        }
    }

    /// <summary>Sets the starting point once, before the first publish: the log's newest id at start-up.</summary>
    public void Start(long lastId)
    {
        lock (_gate)
        {
            _lastPublishedId = Math.Max(_lastPublishedId, lastId);
        }
    }

    public Subscriber Subscribe(EventFilter filter, int capacity)
    {
        // Taken under the publish lock, so every event after StartId reaches this subscriber's queue.
        lock (_gate)
        {
            var subscriber = new Subscriber(this, filter, capacity, _lastPublishedId, new SubscriberBuffer(buffers.Value.SubscriberBufferBytes));
            _subscribers.Add(subscriber);
            return subscriber;
        }
    }

    public void Publish(IEnumerable<StoredEvent> events)
    {
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (e.Id <= _lastPublishedId)
                {
                    continue;
                }

                // Only the subscribers whose filter may match: the index keeps this proportional to them, not to all.
                foreach (var subscriber in _subscribers.Candidates(e))
                {
                    if (subscriber.Filter.Matches(e) && !subscriber.TryQueue(e))
                    {
                        subscriber.MarkOverflowed();
                    }
                }

                _lastPublishedId = e.Id;
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    internal sealed class Subscriber(EventHub hub, EventFilter filter, int capacity, long startId, SubscriberBuffer buffer) : IDisposable
    {
        private int _overflowed;
        private volatile bool _catchingUp;

        public SubscriberBuffer Buffer { get; } = buffer;

        /// <summary>
        /// While its reader replays from the log, live events are not queued but marked as an overflow: queued, they
        /// would fill the buffer the replay waits on, and the reader reads them from the log next anyway.
        /// </summary>
        public bool CatchingUp
        {
            get => _catchingUp;
            set => _catchingUp = value;
        }

        public bool TryQueue(StoredEvent e)
        {
            if (_catchingUp || !Buffer.TryReserve(e.Bytes))
            {
                return false;
            }

            if (Queue.Writer.TryWrite(e))
            {
                return true;
            }

            Buffer.Release(e.Bytes);
            return false;
        }
        private TaskCompletionSource _overflowSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EventFilter Filter { get; } = filter;

        /// <summary>Every event with a higher id that matches the filter is queued (or overflows).</summary>
        public long StartId { get; } = startId;

        public Channel<StoredEvent> Queue { get; } = Channel.CreateBounded<StoredEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping silently
            SingleReader = true,
            SingleWriter = true,
        });

        /// <summary>
        /// Completes when an overflow is marked. The reader may have emptied its queue just before the event that
        /// did not fit, and then nothing more would arrive to wake it; this does.
        /// </summary>
        public Task Overflowed => Volatile.Read(ref _overflowSignal).Task;

        public void MarkOverflowed()
        {
            Hosting.DispatchMetrics.Overflowed();
            Volatile.Write(ref _overflowed, 1);
            Volatile.Read(ref _overflowSignal).TrySetResult();
        }

        /// <summary>True once after an overflow; the reader then empties its queue and catches up from the log.</summary>
        public bool TakeOverflow()
        {
            if (Interlocked.Exchange(ref _overflowed, 0) == 0)
            {
                return false;
            }

            // A mark that lands between the exchange above and this swap still leaves the flag set for the next check.
            Volatile.Write(ref _overflowSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            return true;
        }

        public bool HasOverflowed => Volatile.Read(ref _overflowed) == 1;

        /// <summary>
        /// For a subscriber that is only a wake-up (its owner reads the log itself): empties the queue, giving back each
        /// event's bytes, and clears an overflow. Reading without giving the bytes back would fill the buffer for good,
        /// after which every event overflows and nothing is ever written to the queue again.
        /// </summary>
        public void Drain()
        {
            while (Queue.Reader.TryRead(out var e))
            {
                Buffer.Release(e.Bytes);
            }

            TakeOverflow();
        }

        /// <summary>
        /// Waits until an event is queued, an overflow is marked or <paramref name="safetyPoll"/> has passed. The wait on
        /// the queue and the timer are cancelled before it returns: a read wait left behind stays registered with the
        /// queue until something is written to it, which for a wake-up that overflows may be never.
        /// </summary>
        public async Task WaitAsync(TimeSpan safetyPoll, CancellationToken ct)
        {
            using var pass = CancellationTokenSource.CreateLinkedTokenSource(ct);
            pass.CancelAfter(safetyPoll);
            try
            {
                await Task.WhenAny(Queue.Reader.WaitToReadAsync(pass.Token).AsTask(), Overflowed, Task.Delay(Timeout.Infinite, pass.Token));
            }
            finally
            {
                pass.Cancel();
            }

            ct.ThrowIfCancellationRequested();
        }

        public void Dispose()
        {
            hub.Remove(this);
            Queue.Writer.TryComplete();
        }
    }
}
