namespace Dispatch.Gis.Events;

/// <summary>
/// Credits between an event source and the transport that delivers its results (scoped: one per operation).
/// GraphQL.NET queues stream items without bound, so the source waits for a credit before each item and the
/// transport returns it once the item has been written to the socket.
/// </summary>
internal sealed class OperationFlowControl : IDisposable
{
    public const int Window = 32;
    private readonly SemaphoreSlim _credits = new(Window, Window);

    public Task WaitAsync(CancellationToken ct) => _credits.WaitAsync(ct);

    public void Dispose() => _credits.Dispose();

    public void Return()
    {
        if (_credits.CurrentCount < Window)
        {
            _credits.Release();
        }
    }
}
