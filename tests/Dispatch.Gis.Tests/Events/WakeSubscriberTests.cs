using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Microsoft.Extensions.Options;
using Xunit;

namespace Dispatch.Gis.Tests.Events;

/// <summary>
/// The hub subscribers that only wake a background loop (the alert matcher, the forecast input watcher): emptying
/// one gives its bytes back, so it keeps receiving events instead of overflowing on every one for good (a 40-minute
/// soak showed the loop's abandoned read waits piling up at ~1.5 a second once that happened), and its wait returns
/// on an event, on an overflow and on the safety poll.
/// </summary>
public sealed class WakeSubscriberTests
{
    private static readonly EventFilter Everything = new(null, TerritoryScope.All);

    [Fact]
    public void A_drained_wake_up_has_its_bytes_back_and_queues_the_next_event_instead_of_overflowing()
    {
        var hub = Hub(bufferBytes: 1_000);
        using var wake = hub.Subscribe(Everything, 1);

        hub.Publish([Event(1, bytes: 600)]);
        Assert.Equal(600, wake.Buffer.Held);
        wake.Drain();
        Assert.Equal(0, wake.Buffer.Held);

        // 600 more would not fit beside bytes never given back (the old drain): it would overflow and never be queued.
        hub.Publish([Event(2, bytes: 600)]);
        Assert.False(wake.HasOverflowed);
        Assert.True(wake.Queue.Reader.TryPeek(out var queued));
        Assert.Equal(2, queued.Id);
    }

    [Fact]
    public void Draining_clears_an_overflow_and_empties_the_queue()
    {
        var hub = Hub(bufferBytes: 1_000);
        using var wake = hub.Subscribe(Everything, 1);
        hub.Publish([Event(1, bytes: 10), Event(2, bytes: 10)]); // capacity 1: the second overflows

        Assert.True(wake.HasOverflowed);
        wake.Drain();

        Assert.False(wake.HasOverflowed);
        Assert.False(wake.Queue.Reader.TryPeek(out _));
        Assert.Equal(0, wake.Buffer.Held);
    }

    [Fact]
    public async Task The_wait_returns_on_an_event_on_an_overflow_and_on_the_safety_poll()
    {
        var hub = Hub(bufferBytes: 1_000);
        using var wake = hub.Subscribe(Everything, 1);
        var forever = TimeSpan.FromMinutes(10);

        var onEvent = wake.WaitAsync(forever, CancellationToken.None);
        Assert.False(onEvent.IsCompleted);
        hub.Publish([Event(1, bytes: 10)]);
        await onEvent.WaitAsync(TimeSpan.FromSeconds(10));

        // Queue still full: the next event overflows, and the overflow is what wakes the wait.
        var onOverflow = wake.WaitAsync(forever, CancellationToken.None);
        hub.Publish([Event(2, bytes: 10)]);
        await onOverflow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(wake.HasOverflowed);

        wake.Drain();
        await wake.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        using var stopping = new CancellationTokenSource();
        var stopped = wake.WaitAsync(forever, stopping.Token);
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static EventHub Hub(long bufferBytes) => new(Options.Create(new SubscriberBufferOptions { SubscriberBufferBytes = bufferBytes }));

    private static StoredEvent Event(long id, long bytes) =>
        new(id, "TEST_WAKE", "Test", id.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonDocument.Parse("{}").RootElement, null, null, null, DateTime.UtcNow)
        {
            Bytes = bytes,
        };
}
