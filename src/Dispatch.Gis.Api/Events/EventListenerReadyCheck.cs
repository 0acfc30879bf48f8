using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Dispatch.Gis.Events;

/// <summary>
/// Ready means subscribers get live events: an instance whose database answers but whose listener has not yet
/// reconnected and caught up would serve a picture that silently stops moving. The report adds the lag: events
/// committed but not yet published here, and the age of the oldest of them.
/// </summary>
internal sealed class EventListenerReadyCheck(EventListener listener, EventHub hub, NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var published = hub.LastPublishedId;
        var data = new Dictionary<string, object>
        {
            ["lastPublishedEventId"] = published,
            ["subscribers"] = hub.SubscriberCount,
        };
        if (listener.LastLostAt is { } lost)
        {
            data["lastLostAt"] = lost;
        }

        try
        {
            await using var cmd = db.CreateCommand("""
                SELECT (SELECT coalesce(max(id), 0) FROM events),
                       (SELECT extract(epoch FROM clock_timestamp() - occurred_at)::float8 FROM events WHERE id > $1 ORDER BY id LIMIT 1)
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = published });
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            data["lagEvents"] = Math.Max(0, reader.GetInt64(0) - published);
            data["lagSeconds"] = reader.IsDBNull(1) ? 0.0 : Math.Round(reader.GetDouble(1), 3);
        }
        catch (Exception ex) when (Storage.DatabaseOutage.Is(ex))
        {
            // The database check reports the outage; without the log there is no lag to measure.
        }

        return listener.IsLive
            ? HealthCheckResult.Healthy("listening and caught up", data)
            : HealthCheckResult.Unhealthy("not listening: live events are not being delivered", data: data);
    }
}
