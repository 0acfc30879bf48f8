namespace Dispatch.Gis.Events;

internal sealed class SubscriberBufferOptions
{
    /// <summary>
    /// Bytes of events one subscriber may hold between the log and its socket: queued live, read for a replay, or
    /// handed to the transport and not yet written. Counted by <see cref="EventLog.SizeSql"/>, an estimate of the
    /// memory an event takes here (its geometry 4× its stored size), so a zone with a whole polygon counts as such.
    /// </summary>
    public long SubscriberBufferBytes { get; set; } = 8 * 1024 * 1024;
}

/// <summary>
/// One subscriber's share of memory. Reading from the log waits for room, so a subscriber whose socket does not drain
/// stops reading instead of growing; live events that find no room mark an overflow, and the subscriber reads them
/// from the log later. A single event larger than the bound is let through when nothing else is held, or it would
/// never be delivered.
/// </summary>
internal sealed class SubscriberBuffer(long limit)
{
    private readonly Lock _gate = new();
    private long _held;
    private long _peak;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Limit => limit;

    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>The most ever held at once: what tests and the readiness report compare with the bound.</summary>
    public long Peak
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    public bool TryReserve(long bytes)
    {
        lock (_gate)
        {
            if (_held > 0 && _held + bytes > limit)
            {
                return false;
            }

            _held += bytes;
            _peak = Math.Max(_peak, _held);
            return true;
        }
    }

    public void Release(long bytes)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            _held = Math.Max(0, _held - bytes);
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        released.TrySetResult();
    }

    /// <summary>Waits until at most <paramref name="bytes"/> are held.</summary>
    public async Task WaitUntilAtMostAsync(long bytes, CancellationToken ct)
    {
        while (true)
        {
            Task released;
            lock (_gate)
            {
                if (_held <= bytes)
                {
                    return;
                }

                released = _released.Task;
            }

            await released.WaitAsync(ct);
        }
    }
}
