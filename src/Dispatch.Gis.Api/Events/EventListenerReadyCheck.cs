using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dispatch.Gis.Events;

/// <summary>
/// Ready means subscribers get live events: an instance whose database answers but whose listener has not yet
/// reconnected and caught up would serve a picture that silently stops moving.
/// </summary>
internal sealed class EventListenerReadyCheck(EventListener listener, EventHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["lastPublishedEventId"] = hub.LastPublishedId,
            ["subscribers"] = hub.SubscriberCount,
        };
        if (listener.LastLostAt is { } lost)
        {
            data["lastLostAt"] = lost;
        }

        return Task.FromResult(listener.IsLive
            ? HealthCheckResult.Healthy("listening and caught up", data)
            : HealthCheckResult.Unhealthy("not listening: live events are not being delivered", data: data));
    }
}
