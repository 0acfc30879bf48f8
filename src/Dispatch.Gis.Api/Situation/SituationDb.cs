using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>High readiness (Rules §5.2): situation updates routed to the partners of the matching profile, and their acknowledgements.</summary>
internal static class SituationDb
{
    private const string Columns = "s.id, s.territory_kato, s.zone_id, s.zone_version, s.incident_id, s.domain, s.text, s.sent_by, s.sent_at";

    /// <summary>
    /// Sends to every partner of the routed kinds whose area of responsibility is the territory, lies inside it, or
    /// contains it (a district's update also reaches the region's services). Returns the update and its recipients.
    /// </summary>
    public static async Task<(Guid Id, int Recipients)> SendAsync(UnitOfWork w, string territory, Guid? zone, int? zoneVersion, Guid? incident,
        SituationDomain domain, string text, IReadOnlySet<ServiceKind> kinds, CancellationToken ct)
    {
        Guid id;
        await using (var insert = w.Command("""
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
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            id = (Guid)(await insert.ExecuteScalarAsync(ct))!;
        }

        var recipients = new List<(Guid Service, string Territory)>();
        await using (var route = w.Command("""
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
        w.Add(new NewEvent("SITUATION_UPDATE_SENT", "SituationUpdate", id.ToString(),
            new { updateId = id, incidentId = incident, zoneId = zone, zoneVersion, domain = DbEnum.Text(domain), text, recipients = recipients.Count }, null, territory));
        w.Add(recipients.Select(r => new NewEvent("SITUATION_UPDATE_RECEIVED", "SituationUpdate", id.ToString(),
            new { updateId = id, incidentId = incident, serviceId = r.Service, domain = DbEnum.Text(domain), text }, null, r.Territory)));
        return (id, recipients.Count);
    }

    /// <summary>
    /// Acknowledges for one recipient. The first acknowledgement stands and is the event; again is a no-op.
    /// NOT_FOUND without such an update, FORBIDDEN when it was not sent to the service.
    /// </summary>
    public static async Task AcknowledgeAsync(UnitOfWork w, Guid update, DutyService service, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            WITH target AS (
                SELECT r.update_id, r.acknowledged_at FROM situation_update_recipients r WHERE r.update_id = $1 AND r.service_id = $2 FOR NO KEY UPDATE
            ), acknowledged AS (
                UPDATE situation_update_recipients r SET acknowledged_by = $3, acknowledged_at = clock_timestamp()
                FROM target t WHERE r.update_id = t.update_id AND r.service_id = $2 AND t.acknowledged_at IS NULL
                RETURNING r.update_id
            )
            SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM acknowledged), u.territory_kato, u.domain, u.incident_id
            FROM (SELECT 1) one LEFT JOIN situation_updates u ON u.id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = update });
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.IsDBNull(2))
        {
            throw new NotFoundException("no such situation update", "update");
        }

        if (reader.GetInt64(0) == 0)
        {
            throw new ForbiddenException("the update was not sent to this service", "update");
        }

        if (reader.GetInt64(1) == 1)
        {
            w.Add(new NewEvent("SITUATION_UPDATE_ACKNOWLEDGED", "SituationUpdate", update.ToString(),
                new { updateId = update, incidentId = reader.IsDBNull(4) ? (Guid?)null : reader.GetGuid(4), serviceId = service.Id, service = service.Code,
                    domain = reader.GetString(3) },
                null, reader.GetString(2)));
        }
    }

    public static async Task<IDictionary<Guid, SituationUpdate>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM situation_updates s WHERE s.id = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        return (await ReadAsync(cmd, ct)).ToDictionary(u => u.Id);
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
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM situation_updates s{where.Sql} ORDER BY s.sent_at DESC, s.id LIMIT {limit}");
        cmd.Parameters.AddRange(where.Parameters);
        return await ReadAsync(cmd, ct);
    }

    private static async Task<List<SituationUpdate>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
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
}
