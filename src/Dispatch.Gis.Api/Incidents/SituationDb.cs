using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Incidents;

/// <summary>High readiness (Rules §5.2): situation updates routed by profile and acknowledged, and partners' readiness.</summary>
internal static class SituationDb
{
    private const string Columns = "s.id, s.territory_kato, s.zone_id, s.zone_version, s.incident_id, s.domain, s.text, s.sent_by, s.sent_at";

    /// <summary>
    /// Sends to every partner of the routed kinds whose area of responsibility is the territory, lies inside it, or
    /// contains it (a district's update also reaches the region's services). Returns the update and its recipients.
    /// </summary>
    public static async Task<(Guid Id, int Recipients)> SendAsync(WriteTransaction tx, string territory, Guid? zone, int? zoneVersion, Guid? incident,
        SituationDomain domain, string text, IReadOnlySet<ServiceKind> kinds, string actor, CancellationToken ct)
    {
        Guid id;
        await using (var insert = tx.Command("""
            INSERT INTO situation_updates (territory_kato, zone_id, zone_version, incident_id, domain, text, sent_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = territory });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)zone ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)zoneVersion ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)incident ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(domain) });
            insert.Parameters.Add(new NpgsqlParameter { Value = text });
            insert.Parameters.Add(new NpgsqlParameter { Value = actor });
            id = (Guid)(await insert.ExecuteScalarAsync(ct))!;
        }

        var recipients = new List<(Guid Service, string Territory)>();
        await using (var route = tx.Command("""
            INSERT INTO situation_update_recipients (update_id, service_id)
            SELECT $1, s.id FROM duty_services s
            WHERE s.kind = ANY($2)
              AND (s.territory_kato = $3 OR substr(s.territory_kato, 1, 2) || '0000000' = $3 OR s.territory_kato = substr($3, 1, 2) || '0000000')
            RETURNING service_id, (SELECT territory_kato FROM duty_services WHERE id = service_id)
            """))
        {
            route.Parameters.Add(new NpgsqlParameter { Value = id });
            route.Parameters.Add(new NpgsqlParameter { Value = kinds.Select(k => DbEnum.Text(k)).ToArray() });
            route.Parameters.Add(new NpgsqlParameter { Value = territory });
            await using var reader = await route.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                recipients.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        // One event per recipient, in the recipient's territory, so each partner's subscription carries its own copy.
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [
                new NewEvent("SITUATION_UPDATE_SENT", "SituationUpdate", id.ToString(),
                    new { updateId = id, incidentId = incident, zoneId = zone, zoneVersion, domain = DbEnum.Text(domain), text, recipients = recipients.Count }, null, territory, actor),
                .. recipients.Select(r => new NewEvent("SITUATION_UPDATE_RECEIVED", "SituationUpdate", id.ToString(),
                    new { updateId = id, incidentId = incident, serviceId = r.Service, domain = DbEnum.Text(domain), text }, null, r.Territory, actor)),
            ], ct);
        return (id, recipients.Count);
    }

    /// <summary>Acknowledges for one recipient (again is a no-op: the first acknowledgement stands); false if not a recipient.</summary>
    public static async Task<bool> AcknowledgeAsync(WriteTransaction tx, Guid update, Guid service, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            UPDATE situation_update_recipients SET acknowledged_by = coalesce(acknowledged_by, $3), acknowledged_at = coalesce(acknowledged_at, clock_timestamp())
            WHERE update_id = $1 AND service_id = $2
            RETURNING 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = update });
        cmd.Parameters.Add(new NpgsqlParameter { Value = service });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public static async Task<List<SituationUpdate>> ListAsync(NpgsqlDataSource db, TerritoryScope scope, string? territory, Guid? forService, bool unacknowledgedOnly,
        int first, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddScope("s.territory_kato", scope.SqlCodes);

        where.AddScope("s.territory_kato", territory is null ? null : [territory]);

        if (forService is { } service)
        {
            where.Add("EXISTS (SELECT 1 FROM situation_update_recipients r WHERE r.update_id = s.id AND r.service_id = {0})", service);
        }

        if (unacknowledgedOnly)
        {
            where.Add(forService is null
                ? "EXISTS (SELECT 1 FROM situation_update_recipients r WHERE r.update_id = s.id AND r.acknowledged_at IS NULL)"
                : "EXISTS (SELECT 1 FROM situation_update_recipients r WHERE r.update_id = s.id AND r.service_id = {0} AND r.acknowledged_at IS NULL)",
                forService is { } f ? [f] : []);
        }

        var limit = where.Parameter(first);
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM situation_updates s{where.Sql} ORDER BY s.sent_at DESC LIMIT {limit}");
        cmd.Parameters.AddRange(where.Parameters);
        var rows = new List<SituationUpdate>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new SituationUpdate(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetGuid(4), DbEnum.Parse<SituationDomain>(r.GetString(5)), r.GetString(6), r.GetString(7), r.GetDateTime(8)));
        }

        return rows;
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<SituationRecipient>>> RecipientsAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT update_id, service_id, acknowledged_by, acknowledged_at FROM situation_update_recipients WHERE update_id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<SituationRecipient>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new SituationRecipient(r.GetGuid(0), r.GetGuid(1), r.TextOrNull(2), r.IsDBNull(3) ? null : r.GetDateTime(3)));
        }

        return rows.GroupBy(x => x.UpdateId).ToDictionary(g => g.Key, g => (IReadOnlyList<SituationRecipient>)g.ToList());
    }

    public static async Task RecordReadinessAsync(WriteTransaction tx, DutyService service, IReadOnlyList<Guid> units, int personnel, string vehiclesJson,
        string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("INSERT INTO readiness_reports (service_id, units, personnel, vehicles, reported_by) VALUES ($1, $2, $3, $4::jsonb, $5)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = units.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = vehiclesJson });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        await cmd.ExecuteNonQueryAsync(ct);
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [new NewEvent("READINESS_REPORTED", "DutyService", service.Id.ToString(), new { service = service.Code, units = units.Count, personnel }, null, service.TerritoryKato, actor)], ct);
    }

    /// <summary>
    /// Partners that field units (police, ambulance, medical aviation: Rules §5.2 excludes kinds 5–8) in or over the
    /// territory that have not reported readiness since <paramref name="since"/> (when the regime came in force).
    /// </summary>
    public static async Task<List<Guid>> PartnersWithoutReadinessAsync(NpgsqlDataSource db, string territory, DateTime since, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT s.id FROM duty_services s
            WHERE s.kind IN ('POLICE', 'AMBULANCE', 'MEDICAL_AVIATION')
              AND (s.territory_kato = $1 OR substr(s.territory_kato, 1, 2) || '0000000' = $1 OR s.territory_kato = substr($1, 1, 2) || '0000000')
              AND NOT EXISTS (SELECT 1 FROM readiness_reports r WHERE r.service_id = s.id AND r.reported_at >= $2)
            ORDER BY s.code
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = territory });
        cmd.Parameters.Add(new NpgsqlParameter { Value = since });
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
