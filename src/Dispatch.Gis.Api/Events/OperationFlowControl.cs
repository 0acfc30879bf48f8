namespace Dispatch.Gis.Events;

/// <summary>
/// Credits between an event source and the transport that delivers its results (scoped: one per operation).
/// GraphQL.NET queues stream items without bound, so the source waits for a credit before each item and the
/// transport returns it once the item has been written to the socket. An item handed over with its size keeps those
/// bytes counted against its subscriber's buffer until then: memory is freed as the socket drains, not before.
/// </summary>
internal sealed class OperationFlowControl : IDisposable
{
    public const int Window = 32;
    private readonly SemaphoreSlim _credits = new(Window, Window);
    private readonly System.Collections.Concurrent.ConcurrentQueue<(SubscriberBuffer? Buffer, long Bytes)> _inFlight = new();

    public Task WaitAsync(CancellationToken ct) => _credits.WaitAsync(ct);

    /// <summary>Called by the source just before it hands over an item, in the order the items are handed over.</summary>
    public void Handing(SubscriberBuffer? buffer, long bytes) => _inFlight.Enqueue((buffer, bytes));

    public void Dispose()
    {
        while (_inFlight.TryDequeue(out var item))
        {
            item.Buffer?.Release(item.Bytes);
        }

        _credits.Dispose();
    }

    public void Return()
    {
        // Items come back in the order they were handed over (one result per source item, sent in order).
        if (_inFlight.TryDequeue(out var item))
        {
            item.Buffer?.Release(item.Bytes);
        }

        if (_credits.CurrentCount < Window)
        {
            _credits.Release();
        }
    }
}
