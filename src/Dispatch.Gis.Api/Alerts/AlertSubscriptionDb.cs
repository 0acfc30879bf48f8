using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Alerts;

internal static class AlertSubscriptionDb
{
    private const string Columns = """
        s.id, s.owner_service_id, s.territory_kato, s.name, s.kinds, s.min_severity, s.requested_area, s.territories, s.zones,
        s.deliver_socket, s.webhook_url, s.status, s.created_by, s.created_at, w.last_error
        """;

    private const string From = "alert_subscriptions s LEFT JOIN alert_webhook_state w ON w.subscription_id = s.id";

    private const string EntryColumns = """
        id, seq, subscription_id, event_id, kind, severity, urgency, certainty, headline, area, territory_kato, objects::text,
        recorded_at, acknowledged_at, acknowledged_by, delivered_at
        """;

    public static async Task<Guid> CreateAsync(UnitOfWork w, Guid owner, string ownerTerritory, NewAlertSubscription s, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO alert_subscriptions (owner_service_id, territory_kato, name, kinds, min_severity, requested_area, territories, zones, area, scope,
                                             deliver_socket, webhook_url, webhook_secret, created_by, match_after)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, (SELECT coalesce(max(id), 0) FROM events))
            RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ownerTerritory });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Kinds.Order(StringComparer.Ordinal).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(s.MinSeverity) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.RequestedArea ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Territories.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Zones.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Area });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Scope?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.DeliverSocket });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.WebhookUrl ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.WebhookSecret ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        if (s.WebhookUrl is not null)
        {
            await using var state = w.Command("INSERT INTO alert_webhook_state (subscription_id) VALUES ($1)");
            state.Parameters.Add(new NpgsqlParameter { Value = id });
            await state.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("ALERT_SUBSCRIPTION_CREATED", "AlertSubscription", id.ToString(),
            new { subscriptionId = id, ownerServiceId = owner, name = s.Name, kinds = s.Kinds.Order(StringComparer.Ordinal), minSeverity = DbEnum.Text(s.MinSeverity),
                webhook = s.WebhookUrl is not null, socket = s.DeliverSocket }, null, ownerTerritory));
        return id;
    }

    /// <summary>Locks the subscription row (FOR NO KEY UPDATE) and returns it, or null when there is none.</summary>
    public static async Task<AlertSubscription?> LockAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command($"SELECT {Columns} FROM {From} WHERE s.id = $1 FOR NO KEY UPDATE OF s");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public static async Task SetStatusAsync(UnitOfWork w, AlertSubscription s, AlertSubscriptionStatus status, string kind, CancellationToken ct)
    {
        // Events are owed up to the newest one at a pause, and again after the newest one at a resume; an event still
        // uncommitted now gets a higher id than any visible (ids are taken under the event-log lock at commit).
        await using var cmd = w.Command("""
            UPDATE alert_subscriptions SET status = $2, updated_at = clock_timestamp(),
                paused_after = CASE WHEN $2 = 'PAUSED' THEN coalesce(paused_after, (SELECT coalesce(max(id), 0) FROM events)) END,
                match_after = CASE WHEN status = 'PAUSED' AND $2 <> 'PAUSED' THEN greatest(match_after, (SELECT coalesce(max(id), 0) FROM events))
                                   ELSE match_after END
            WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        await cmd.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent(kind, "AlertSubscription", s.Id.ToString(),
            new { subscriptionId = s.Id, ownerServiceId = s.OwnerServiceId, from = DbEnum.Text(s.Status), to = DbEnum.Text(status) }, null, s.TerritoryKato));
    }

    public static async Task DeleteAsync(UnitOfWork w, AlertSubscription s, CancellationToken ct)
    {
        await using var cmd = w.Command("DELETE FROM alert_subscriptions WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Id });
        await cmd.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent("ALERT_SUBSCRIPTION_DELETED", "AlertSubscription", s.Id.ToString(),
            new { subscriptionId = s.Id, ownerServiceId = s.OwnerServiceId, name = s.Name }, null, s.TerritoryKato));
    }

    public static async Task<AlertSubscription?> ByIdAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.Add("s.id = {0}", id);
        return (await ListAsync(db, where, ct)).SingleOrDefault();
    }

    /// <summary>A partner's own subscriptions; every subscription in the scope for 112 (owner null).</summary>
    public static Task<List<AlertSubscription>> ListAsync(NpgsqlDataSource db, Guid? owner, IReadOnlyCollection<string>? scope, CancellationToken ct)
    {
        var where = new SqlConditions();
        if (owner is { } o)
        {
            where.Add("s.owner_service_id = {0}", o);
        }

        where.AddScope("s.territory_kato", scope);
        return ListAsync(db, where, ct);
    }

    private static async Task<List<AlertSubscription>> ListAsync(NpgsqlDataSource db, SqlConditions where, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM {From}{where.Sql} ORDER BY s.created_at, s.id");
        cmd.Parameters.AddRange(where.Parameters);

        var list = new List<AlertSubscription>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static AlertSubscription Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3),
        r.GetFieldValue<string[]>(4).Where(k => AlertKinds.AllEventKinds.Contains(k)).Select(DbEnum.Parse<AlertKind>).ToList(),
        DbEnum.Parse<AlertSeverity>(r.GetString(5)), r.IsDBNull(6) ? null : r.GetFieldValue<Geometry>(6),
        r.GetFieldValue<string[]>(7), r.GetFieldValue<Guid[]>(8), r.GetBoolean(9), r.IsDBNull(10) ? null : r.GetString(10),
        DbEnum.Parse<AlertSubscriptionStatus>(r.GetString(11)), r.GetString(12), r.GetDateTime(13), r.IsDBNull(14) ? null : r.GetString(14));

    /// <summary>
    /// Entries after the cursor (a seq), oldest first, at most <paramref name="take"/>; only those in the reader's territories
    /// (the creator's scope applied at matching may be wider than a later reader's).
    /// </summary>
    public static async Task<List<AlertEntry>> InboxAsync(NpgsqlDataSource db, Guid subscription, long after, int take, IReadOnlyCollection<string>? scope,
        bool unacknowledged, CancellationToken ct)
    {
        var where = InboxConditions(subscription, scope, unacknowledged);
        where.Add("seq > {0}", after);
        var limit = where.Parameter(take);
        await using var cmd = db.CreateCommand($"SELECT {EntryColumns} FROM alert_inbox{where.Sql} ORDER BY seq LIMIT {limit}");
        cmd.Parameters.AddRange(where.Parameters);
        return await ReadEntriesAsync(cmd, ct);
    }

    public static async Task<long> CountInboxAsync(NpgsqlDataSource db, Guid subscription, IReadOnlyCollection<string>? scope, bool unacknowledged, CancellationToken ct)
    {
        var where = InboxConditions(subscription, scope, unacknowledged);
        await using var cmd = db.CreateCommand($"SELECT count(*) FROM alert_inbox{where.Sql}");
        cmd.Parameters.AddRange(where.Parameters);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static SqlConditions InboxConditions(Guid subscription, IReadOnlyCollection<string>? scope, bool unacknowledged)
    {
        var where = new SqlConditions();
        where.Add("subscription_id = {0}", subscription);
        where.AddScope("territory_kato", scope);
        if (unacknowledged)
        {
            where.Add("acknowledged_at IS NULL");
        }

        return where;
    }

    public static async Task<List<AlertEntry>> EntriesBySeqRangeAsync(NpgsqlDataSource db, Guid subscription, long from, long to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {EntryColumns} FROM alert_inbox WHERE subscription_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq");
        cmd.Parameters.Add(new NpgsqlParameter { Value = subscription });
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to });
        return await ReadEntriesAsync(cmd, ct);
    }

    /// <summary>Locks the entry (and reads it) for acknowledgement; null when there is none.</summary>
    public static async Task<AlertEntry?> LockEntryAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command($"SELECT {EntryColumns} FROM alert_inbox WHERE id = $1 FOR NO KEY UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return (await ReadEntriesAsync(cmd, ct)).SingleOrDefault();
    }

    public static async Task<AlertEntry> AcknowledgeAsync(UnitOfWork w, AlertEntry entry, AlertSubscription s, CancellationToken ct)
    {
        await using var cmd = w.Command($"""
            UPDATE alert_inbox SET acknowledged_at = clock_timestamp(), acknowledged_by = $2 WHERE id = $1 RETURNING {EntryColumns}
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = entry.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        var updated = (await ReadEntriesAsync(cmd, ct)).Single();
        w.Add(new NewEvent("ALERT_ACKNOWLEDGED", "AlertSubscription", s.Id.ToString(),
            new { subscriptionId = s.Id, entryId = entry.Id, eventId = entry.EventId, ownerServiceId = s.OwnerServiceId }, null, s.TerritoryKato));
        return updated;
    }

    /// <summary>For 112: which partners have not acknowledged which alerts, oldest first, within the caller's scope.</summary>
    public static async Task<List<(Guid Service, AlertEntry Entry)>> UnacknowledgedAsync(NpgsqlDataSource db, IReadOnlyCollection<string>? scope, int take,
        CancellationToken ct)
    {
        var where = new SqlConditions();
        where.Add("i.acknowledged_at IS NULL");
        where.AddScope("s.territory_kato", scope);
        var limit = where.Parameter(take);
        var columns = string.Join(", ", EntryColumns.Split(',').Select(c => "i." + c.Trim()));
        await using var cmd = db.CreateCommand($"""
            SELECT s.owner_service_id, {columns} FROM alert_inbox i JOIN alert_subscriptions s ON s.id = i.subscription_id
            {where.Sql} ORDER BY i.seq LIMIT {limit}
            """);
        cmd.Parameters.AddRange(where.Parameters);
        var list = new List<(Guid, AlertEntry)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add((reader.GetGuid(0), ReadEntry(reader, 1)));
        }

        return list;
    }

    internal static async Task<List<AlertEntry>> ReadEntriesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<AlertEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(ReadEntry(reader, 0));
        }

        return list;
    }

    private static readonly JsonSerializerOptions ObjectJson = new() { PropertyNameCaseInsensitive = true };

    private static AlertEntry ReadEntry(NpgsqlDataReader r, int o) => new(
        r.GetGuid(o), r.GetInt64(o + 1), r.GetGuid(o + 2), r.GetInt64(o + 3), DbEnum.Parse<AlertKind>(r.GetString(o + 4)),
        DbEnum.Parse<AlertSeverity>(r.GetString(o + 5)), DbEnum.Parse<AlertUrgency>(r.GetString(o + 6)), DbEnum.Parse<AlertCertainty>(r.GetString(o + 7)),
        r.GetString(o + 8), r.IsDBNull(o + 9) ? null : r.GetFieldValue<Geometry>(o + 9), r.IsDBNull(o + 10) ? null : r.GetString(o + 10),
        JsonSerializer.Deserialize<List<AlertObject>>(r.GetString(o + 11), ObjectJson) ?? [],
        r.GetDateTime(o + 12), r.IsDBNull(o + 13) ? null : r.GetDateTime(o + 13), r.IsDBNull(o + 14) ? null : r.GetString(o + 14),
        r.IsDBNull(o + 15) ? null : r.GetDateTime(o + 15));
}
