using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Alerts;

/// <summary>A webhook's due work: the subscription, its secret and its next undelivered entries as the JSON to POST.</summary>
internal sealed record DueWebhook(Guid Subscription, string Url, string Secret, AlertSubscriptionStatus Status, string TerritoryKato, int Attempts,
    IReadOnlyList<(Guid Entry, string Json)> Entries);

internal static class AlertWebhookDb
{
    /// <summary>
    /// Takes one subscription whose webhook is due and has undelivered entries, locking its state row SKIP LOCKED so two
    /// deliverers never send the same subscription's entries at once (and so never out of order). The subscription row is
    /// locked with it, first in the lock order as in the mutations; SKIP LOCKED means this never waits on them.
    /// </summary>
    public static async Task<DueWebhook?> TakeDueAsync(UnitOfWork w, IReadOnlyCollection<Guid> skip, int batch, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            SELECT st.subscription_id, s.webhook_url, s.webhook_secret, s.status, s.territory_kato, st.attempts
            FROM alert_webhook_state st JOIN alert_subscriptions s ON s.id = st.subscription_id
            WHERE st.next_attempt_at <= clock_timestamp() AND NOT st.subscription_id = ANY ($1)
              AND EXISTS (SELECT FROM alert_inbox i WHERE i.subscription_id = st.subscription_id AND i.delivered_at IS NULL)
            ORDER BY st.next_attempt_at, st.subscription_id
            LIMIT 1
            FOR NO KEY UPDATE OF s, st SKIP LOCKED
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = skip.ToArray() });
        Guid id;
        string url, secret, territory;
        AlertSubscriptionStatus status;
        int attempts;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (id, url, secret, status, territory, attempts) = (reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                DbEnum.Parse<AlertSubscriptionStatus>(reader.GetString(3)), reader.GetString(4), reader.GetInt32(5));
        }

        // The creator's scope is checked again here: an entry outside it is never sent.
        await using var entries = w.Command("""
            SELECT i.id, json_build_object(
                'id', i.id, 'subscription', i.subscription_id, 'eventId', i.event_id::text, 'kind', i.kind, 'severity', i.severity,
                'urgency', i.urgency, 'certainty', i.certainty, 'headline', i.headline, 'area', ST_AsGeoJSON(i.area)::json,
                'territoryKato', i.territory_kato, 'objects', i.objects, 'recordedAt', i.recorded_at)::text
            FROM alert_inbox i JOIN alert_subscriptions s ON s.id = i.subscription_id
            WHERE i.subscription_id = $1 AND i.delivered_at IS NULL
              AND (s.scope IS NULL OR i.territory_kato = ANY (s.scope) OR substr(i.territory_kato, 1, 2) || '0000000' = ANY (s.scope))
            ORDER BY i.seq
            LIMIT $2
            """);
        entries.Parameters.Add(new NpgsqlParameter { Value = id });
        entries.Parameters.Add(new NpgsqlParameter { Value = batch });
        var list = new List<(Guid, string)>();
        await using (var reader = await entries.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                list.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        return new DueWebhook(id, url, secret, status, territory, attempts, list);
    }

    /// <summary>Marks entries delivered; <paramref name="allSent"/> (nothing failed) also clears the failure count and a FAILING status.</summary>
    public static async Task MarkDeliveredAsync(UnitOfWork w, DueWebhook due, IReadOnlyList<Guid> delivered, int? httpStatus, bool allSent, CancellationToken ct)
    {
        await using var cmd = w.Command("UPDATE alert_inbox SET delivered_at = clock_timestamp() WHERE id = ANY ($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = delivered.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent("ALERTS_DELIVERED", "AlertSubscription", due.Subscription.ToString(),
            new { subscriptionId = due.Subscription, entries = delivered }, null, due.TerritoryKato));
        if (!allSent)
        {
            return;
        }

        await using var state = w.Command("""
            UPDATE alert_webhook_state SET attempts = 0, next_attempt_at = '-infinity', last_error = NULL, last_status = $2, last_attempt_at = clock_timestamp()
            WHERE subscription_id = $1
            """);
        state.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
        state.Parameters.Add(new NpgsqlParameter { Value = (object?)httpStatus ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await state.ExecuteNonQueryAsync(ct);
        if (due.Status == AlertSubscriptionStatus.Failing)
        {
            await SetStatusAsync(w, due, AlertSubscriptionStatus.Active, "ALERT_SUBSCRIPTION_RECOVERED", null, ct);
        }
    }

    public static async Task RecordFailureAsync(UnitOfWork w, DueWebhook due, TimeSpan retryIn, int? httpStatus, string error, bool failing, CancellationToken ct)
    {
        await using var state = w.Command("""
            UPDATE alert_webhook_state SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2, last_error = $3, last_status = $4,
                                           last_attempt_at = clock_timestamp()
            WHERE subscription_id = $1
            """);
        state.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
        state.Parameters.Add(new NpgsqlParameter { Value = retryIn });
        state.Parameters.Add(new NpgsqlParameter { Value = error.Length > 500 ? error[..500] : error });
        state.Parameters.Add(new NpgsqlParameter { Value = (object?)httpStatus ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        await state.ExecuteNonQueryAsync(ct);
        if (failing && due.Status == AlertSubscriptionStatus.Active)
        {
            // 112 sees this on its event stream; the partner sees FAILING and the error on the subscription.
            await SetStatusAsync(w, due, AlertSubscriptionStatus.Failing, "ALERT_SUBSCRIPTION_FAILING", error, ct);
        }
    }

    /// <summary>Resuming makes a failing webhook due at once.</summary>
    public static async Task RetryNowAsync(UnitOfWork w, Guid subscription, CancellationToken ct)
    {
        await using var cmd = w.Command("UPDATE alert_webhook_state SET next_attempt_at = '-infinity' WHERE subscription_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscription });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task SetStatusAsync(UnitOfWork w, DueWebhook due, AlertSubscriptionStatus status, string kind, string? error, CancellationToken ct)
    {
        // A subscription paused meanwhile stays paused.
        await using var cmd = w.Command("UPDATE alert_subscriptions SET status = $2, updated_at = clock_timestamp() WHERE id = $1 AND status <> 'PAUSED'");
        cmd.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        if (await cmd.ExecuteNonQueryAsync(ct) > 0)
        {
            w.Add(new NewEvent(kind, "AlertSubscription", due.Subscription.ToString(),
                new { subscriptionId = due.Subscription, from = DbEnum.Text(due.Status), to = DbEnum.Text(status), error, attempts = due.Attempts + 1 },
                null, due.TerritoryKato));
        }
    }
}
