using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Alerts;

/// <summary>A webhook's due work: the subscription, its secret and its next undelivered entries as the JSON to POST.</summary>
internal sealed record DueWebhook(Guid Subscription, string Url, string Secret, int Attempts, IReadOnlyList<(Guid Entry, string Json)> Entries);

/// <summary>Why the last POST of a run failed: the HTTP status if there was one, the error as 112 sees it, and when to try again.</summary>
internal sealed record WebhookFailure(int? HttpStatus, string Error, TimeSpan RetryIn, bool Failing);

/// <summary>
/// A webhook's delivery is claimed with a session-level advisory lock on a connection of the deliverer's own, taken
/// before its entries are read and released after their results are committed. No row is locked while a partner's
/// system takes its time to answer (redrawing a zone its subscription follows, pausing, deleting or acknowledging
/// never wait on a POST); two deliverers never send one subscription's entries at once, so never out of order; an
/// instance that dies drops its connection and with it the claim, and the survivor sends again what was not recorded.
/// </summary>
internal static class AlertWebhookDb
{
    /// <summary>The advisory-lock class of webhook claims ("Webh"); the two-key form keeps them apart from every one-key lock.</summary>
    private const int ClaimClass = 0x57_65_62_68;

    /// <summary>
    /// An entry owed to the webhook: not yet delivered and inside the creator's scope, checked here again as at the match.
    /// Both the due check and the read of the entries use it, so an entry it excludes never makes a subscription look due.
    /// </summary>
    private const string Owed = """
        i.delivered_at IS NULL
        AND (s.scope IS NULL OR i.territory_kato = ANY (s.scope) OR substr(i.territory_kato, 1, 2) || '0000000' = ANY (s.scope))
        """;

    private const string Due = $"""
        SELECT st.subscription_id FROM alert_webhook_state st
        WHERE st.next_attempt_at <= clock_timestamp() AND NOT st.subscription_id = ANY ($1)
          AND EXISTS (SELECT FROM alert_inbox i JOIN alert_subscriptions s ON s.id = i.subscription_id WHERE i.subscription_id = st.subscription_id AND {Owed})
        ORDER BY st.next_attempt_at, st.subscription_id
        LIMIT 16
        """;

    /// <summary>
    /// Claims one due webhook that <paramref name="pass"/> has not served yet on <paramref name="claims"/> and reads its
    /// next entries; null when none is left. One another instance holds counts as served in this pass.
    /// </summary>
    public static async Task<DueWebhook?> ClaimDueAsync(NpgsqlConnection claims, WebhookPass pass, int batch, CancellationToken ct)
    {
        while (true)
        {
            var candidates = new List<Guid>();
            await using (var due = new NpgsqlCommand(Due, claims))
            {
                due.Parameters.Add(new NpgsqlParameter { Value = pass.Passed() });
                await using var reader = await due.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    candidates.Add(reader.GetGuid(0));
                }
            }

            if (candidates.Count == 0)
            {
                return null;
            }

            foreach (var candidate in candidates)
            {
                if (!pass.TryTake(candidate))
                {
                    continue;
                }

                try
                {
                    if (!await TryClaimAsync(claims, candidate, ct))
                    {
                        pass.Let(candidate);
                        continue;
                    }

                    // Another deliverer may have finished it between the look and the claim: read it again under the claim.
                    if (await ReadAsync(claims, candidate, batch, ct) is { Entries.Count: > 0 } work)
                    {
                        return work;
                    }

                    await ReleaseAsync(claims, candidate);
                    pass.Let(candidate);
                }
                catch
                {
                    pass.Let(candidate);
                    throw;
                }
            }
        }
    }

    public static async Task ReleaseAsync(NpgsqlConnection claims, Guid subscription)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1, hashtext($2::text))", claims);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ClaimClass });
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscription });
        await cmd.ExecuteScalarAsync(CancellationToken.None);
    }

    private static async Task<bool> TryClaimAsync(NpgsqlConnection claims, Guid subscription, CancellationToken ct)
    {
        // hashtext folds the id into the lock's 32 bits; two subscriptions that collide only take turns.
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, hashtext($2::text))", claims);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ClaimClass });
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscription });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<DueWebhook?> ReadAsync(NpgsqlConnection claims, Guid id, int batch, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT s.webhook_url, s.webhook_secret, st.attempts, st.next_attempt_at <= clock_timestamp(), i.id, json_build_object(
                'id', i.id, 'subscription', i.subscription_id, 'eventId', i.event_id::text, 'kind', i.kind, 'severity', i.severity,
                'urgency', i.urgency, 'certainty', i.certainty, 'headline', i.headline, 'area', ST_AsGeoJSON(i.area)::json,
                'territoryKato', i.territory_kato, 'objects', i.objects, 'recordedAt', i.recorded_at)::text
            FROM alert_subscriptions s JOIN alert_webhook_state st ON st.subscription_id = s.id
            JOIN alert_inbox i ON i.subscription_id = s.id AND {Owed}
            WHERE s.id = $1
            ORDER BY i.seq
            LIMIT $2
            """, claims);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = batch });
        var entries = new List<(Guid, string)>();
        (string Url, string Secret, int Attempts)? subscription = null;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.GetBoolean(3))
            {
                return null;
            }

            subscription ??= (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
            entries.Add((reader.GetGuid(4), reader.GetString(5)));
        }

        return subscription is { } s ? new DueWebhook(id, s.Url, s.Secret, s.Attempts, entries) : null;
    }

    /// <summary>
    /// Records what one claimed run sent: the entries delivered (with ALERTS_DELIVERED) and either success, which clears
    /// the failure count and a FAILING status, or the failure and its backoff. The subscription row is locked first, as
    /// every mutation of it (acknowledge, pause, resume, delete) locks it before its entries and webhook state; a
    /// subscription deleted meanwhile took its inbox with it and has nothing to record.
    /// </summary>
    public static async Task RecordAsync(UnitOfWork w, DueWebhook due, IReadOnlyList<Guid> delivered, int? httpStatus, WebhookFailure? failure,
        CancellationToken ct)
    {
        if (await AlertSubscriptionDb.LockAsync(w, due.Subscription, ct) is not { } subscription)
        {
            return;
        }

        var territory = subscription.TerritoryKato;
        if (delivered.Count > 0)
        {
            await using var mark = w.Command("UPDATE alert_inbox SET delivered_at = clock_timestamp() WHERE id = ANY ($1) AND subscription_id = $2");
            mark.Parameters.Add(new NpgsqlParameter { Value = delivered.ToArray() });
            mark.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
            await mark.ExecuteNonQueryAsync(ct);
            w.Add(new NewEvent("ALERTS_DELIVERED", "AlertSubscription", due.Subscription.ToString(),
                new { subscriptionId = due.Subscription, entries = delivered }, null, territory));
        }

        var current = subscription.Status;
        if (failure is null)
        {
            await using var state = w.Command("""
                UPDATE alert_webhook_state SET attempts = 0, next_attempt_at = '-infinity', last_error = NULL, last_status = $2, last_attempt_at = clock_timestamp()
                WHERE subscription_id = $1
                """);
            state.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
            state.Parameters.Add(new NpgsqlParameter { Value = (object?)httpStatus ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            await state.ExecuteNonQueryAsync(ct);
            if (current == AlertSubscriptionStatus.Failing)
            {
                await SetStatusAsync(w, due, territory, current, AlertSubscriptionStatus.Active, "ALERT_SUBSCRIPTION_RECOVERED", null, ct);
            }

            return;
        }

        await using (var state = w.Command("""
            UPDATE alert_webhook_state SET attempts = attempts + 1, next_attempt_at = clock_timestamp() + $2, last_error = $3, last_status = $4,
                                           last_attempt_at = clock_timestamp()
            WHERE subscription_id = $1
            """))
        {
            state.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
            state.Parameters.Add(new NpgsqlParameter { Value = failure.RetryIn });
            state.Parameters.Add(new NpgsqlParameter { Value = failure.Error.Length > 500 ? failure.Error[..500] : failure.Error });
            state.Parameters.Add(new NpgsqlParameter { Value = (object?)failure.HttpStatus ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            await state.ExecuteNonQueryAsync(ct);
        }

        if (failure.Failing && current == AlertSubscriptionStatus.Active)
        {
            // 112 sees this on its event stream; the partner sees FAILING and the error on the subscription.
            await SetStatusAsync(w, due, territory, current, AlertSubscriptionStatus.Failing, "ALERT_SUBSCRIPTION_FAILING", failure.Error, ct);
        }
    }

    /// <summary>Resuming makes a failing webhook due at once.</summary>
    public static async Task RetryNowAsync(UnitOfWork w, Guid subscription, CancellationToken ct)
    {
        await using var cmd = w.Command("UPDATE alert_webhook_state SET next_attempt_at = '-infinity' WHERE subscription_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscription });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task SetStatusAsync(UnitOfWork w, DueWebhook due, string territory, AlertSubscriptionStatus from, AlertSubscriptionStatus to,
        string kind, string? error, CancellationToken ct)
    {
        await using var cmd = w.Command("UPDATE alert_subscriptions SET status = $2, updated_at = clock_timestamp() WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = due.Subscription });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(to) });
        await cmd.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent(kind, "AlertSubscription", due.Subscription.ToString(),
            new { subscriptionId = due.Subscription, from = DbEnum.Text(from), to = DbEnum.Text(to), error, attempts = due.Attempts + 1 }, null, territory));
    }
}

/// <summary>
/// What the workers of one delivery run share: the webhooks served in this pass over what is due (each at most once,
/// so a receiver with a long backlog does not starve the rest) and those a worker holds right now.
/// </summary>
internal sealed class WebhookPass
{
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _passed = [];
    private readonly HashSet<Guid> _claimed = [];

    /// <summary>Whether a worker of this run is delivering (or claiming) a webhook: then an idle worker waits for new work instead of ending.</summary>
    public bool AnyClaimed
    {
        get
        {
            lock (_gate)
            {
                return _claimed.Count > 0;
            }
        }
    }

    public Guid[] Passed()
    {
        lock (_gate)
        {
            return [.. _passed];
        }
    }

    /// <summary>Marks the webhook served in this pass and held, before its claim is tried, so no other worker sees it as free.</summary>
    public bool TryTake(Guid subscription)
    {
        lock (_gate)
        {
            if (!_passed.Add(subscription))
            {
                return false;
            }

            _claimed.Add(subscription);
            return true;
        }
    }

    /// <summary>The webhook is no longer held by this run (delivered, or claimed elsewhere); it stays served for this pass.</summary>
    public void Let(Guid subscription)
    {
        lock (_gate)
        {
            _claimed.Remove(subscription);
        }
    }

    /// <summary>A new pass: everything may be served again except what is still held.</summary>
    public void Next()
    {
        lock (_gate)
        {
            _passed.Clear();
            _passed.UnionWith(_claimed);
        }
    }
}
