using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Incidents;

internal sealed record IncidentInput(DateTime ReceivedAt, IncidentChannel Channel, string? CallerName, string? CallerPhone, Guid? ReportedByService,
    Point Location, string? Address, string Description, string? PreliminaryType, int? Urgency);

internal sealed record Classification(Origin Origin, string Type, Scale Scale);

internal sealed record IncidentFilter(TerritoryScope Scope, string? Territory, IncidentStatus? Status, DateTime? From, DateTime? To, Paging Paging);

internal static class IncidentDb
{
    public const string Columns = """
        i.id, i.number, i.received_at, i.channel, i.caller_name, i.caller_phone, i.reported_by_service, i.location, i.address, i.territory_kato,
        i.description, i.preliminary_type, i.urgency, i.status, i.origin, i.type, i.scale, i.zone_extent, i.suggested_scale, i.rule_version,
        i.classified_by, i.classified_at, i.created_by
        """;

    public static async Task<Guid> CreateAsync(UnitOfWork w, IncidentInput input, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO incidents (received_at, channel, caller_name, caller_phone, reported_by_service, location, address, territory_kato,
                                   description, preliminary_type, urgency, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7,
                    (SELECT kato FROM territories WHERE level = 'DISTRICT' AND ST_Covers(geom, $6) ORDER BY kato LIMIT 1),
                    $8, $9, $10, $11)
            RETURNING id, number, territory_kato
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.ReceivedAt });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(input.Channel) });
        cmd.Parameters.Add(Db.Nullable(input.CallerName));
        cmd.Parameters.Add(Db.Nullable(input.CallerPhone));
        cmd.Parameters.Add(Db.NullableId(input.ReportedByService));
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.Location });
        cmd.Parameters.Add(Db.Nullable(input.Address));
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.Description });
        cmd.Parameters.Add(Db.Nullable(input.PreliminaryType));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = (object?)(short?)input.Urgency ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        Guid id;
        long number;
        string? territory;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (id, number, territory) = (reader.GetGuid(0), reader.GetInt64(1), reader.TextOrNull(2));
        }

        w.Add(new NewEvent("INCIDENT_RECEIVED", "Incident", id.ToString(),
            new { incidentId = id, number, channel = DbEnum.Text(input.Channel), preliminaryType = input.PreliminaryType, description = input.Description,
                urgency = input.Urgency, reportedByService = input.ReportedByService },
            input.Location, territory));
        return id;
    }

    /// <summary>Where the incident's active zones reach (the point alone when it has none).</summary>
    public static async Task<ZoneExtent> ExtentAsync(UnitOfWork w, Guid incident, double objectRadiusMeters, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            WITH i AS (SELECT location FROM incidents WHERE id = $1),
                 z AS (SELECT ST_Union(geom) AS area FROM emergency_zones WHERE incident_id = $1 AND status = 'ACTIVE'),
                 shape AS (SELECT coalesce(z.area, i.location) AS g, i.location AS p FROM i, z),
                 regions AS (SELECT t.geom FROM territories t, shape WHERE t.level = 'REGION' AND ST_Intersects(t.geom, shape.g))
            SELECT (SELECT count(*) FROM territories t, shape WHERE t.level = 'DISTRICT' AND ST_Intersects(t.geom, shape.g)),
                   (SELECT count(*) FROM regions),
                   ST_Covers(ST_Buffer(shape.p::geography, $2)::geometry, shape.g),
                   NOT ST_CoveredBy(shape.g, coalesce((SELECT ST_Union(geom) FROM regions), 'GEOMETRYCOLLECTION EMPTY'::geometry))
            FROM shape
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = incident });
        cmd.Parameters.Add(new NpgsqlParameter { Value = objectRadiusMeters });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (districts, regions, withinObject, outside) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2), reader.GetBoolean(3));
        return outside ? ZoneExtent.CrossBorder
            : regions > 1 ? ZoneExtent.SeveralRegions
            : withinObject ? ZoneExtent.Object
            : districts > 1 ? ZoneExtent.Region
            : ZoneExtent.District;
    }

    /// <summary>Records the officer's classification beside the service's suggestion, under the incident's row lock.</summary>
    public static async Task ClassifyAsync(UnitOfWork w, Incident incident, Classification classification, ClassificationRules rules, double objectRadiusMeters,
        CancellationToken ct)
    {
        if (await StatusAsync(w, incident.Id, ct) == IncidentStatus.Closed)
        {
            throw new ConflictException("a closed incident is not reclassified", "incident");
        }

        var extent = await ExtentAsync(w, incident.Id, objectRadiusMeters, ct);
        var suggested = rules.SuggestScale(extent);
        await using (var cmd = w.Command("""
            UPDATE incidents SET origin = $2, type = $3, scale = $4, zone_extent = $5, suggested_scale = $6, rule_version = $7,
                   classified_by = $8, classified_at = clock_timestamp(), status = CASE WHEN status = 'RECEIVED' THEN 'CLASSIFIED' ELSE status END
            WHERE id = $1
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = incident.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(classification.Origin) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = classification.Type });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(classification.Scale) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(extent) });
            cmd.Parameters.Add(Db.Nullable(suggested is { } s ? DbEnum.Text(s) : null));
            cmd.Parameters.Add(new NpgsqlParameter { Value = rules.Version });
            cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("INCIDENT_CLASSIFIED", "Incident", incident.Id.ToString(),
            new { incidentId = incident.Id, origin = DbEnum.Text(classification.Origin), type = classification.Type, scale = DbEnum.Text(classification.Scale),
                zoneExtent = DbEnum.Text(extent), suggestedScale = suggested is { } sc ? DbEnum.Text(sc) : null, ruleVersion = rules.Version },
            incident.Location, incident.TerritoryKato));
    }

    /// <summary>The incident's status under its row lock (taken here if the caller has not already).</summary>
    public static async Task<IncidentStatus> StatusAsync(UnitOfWork w, Guid incident, CancellationToken ct)
    {
        await using var read = w.Command("SELECT status FROM incidents WHERE id = $1 FOR NO KEY UPDATE");
        read.Parameters.Add(new NpgsqlParameter { Value = incident });
        return await read.ExecuteScalarAsync(ct) is string status ? DbEnum.Parse<IncidentStatus>(status) : throw new NotFoundException("no such incident", "incident");
    }

    /// <summary>Moves the incident to another status under the row lock, or CONFLICT naming what is allowed; the same status again is a no-op.</summary>
    public static async Task<IncidentStatus> SetStatusAsync(UnitOfWork w, Incident incident, IncidentStatus to, CancellationToken ct)
    {
        var from = await StatusAsync(w, incident.Id, ct);
        if (from == to)
        {
            return from;
        }

        if (!IncidentTransitions.IsAllowed(from, to))
        {
            throw new ConflictException(
                $"an incident cannot go from {DbEnum.Text(from)} to {DbEnum.Text(to)}; allowed: {string.Join(", ", IncidentTransitions.From(from).Select(s => DbEnum.Text(s)))}",
                "status");
        }

        await using (var update = w.Command("UPDATE incidents SET status = $2 WHERE id = $1"))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = incident.Id });
            update.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(to) });
            await update.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("INCIDENT_STATUS_CHANGED", "Incident", incident.Id.ToString(), new { incidentId = incident.Id, from = DbEnum.Text(from), to = DbEnum.Text(to) },
            incident.Location, incident.TerritoryKato));
        return from;
    }

    public static async Task<Connection<Incident>> ListAsync(NpgsqlDataSource db, IncidentFilter filter, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddScope("i.territory_kato", filter.Scope.SqlCodes);

        where.AddScope("i.territory_kato", filter.Territory is { } territory ? [territory] : null);

        where.AddEqual("i.status", filter.Status);

        if (filter.From is { } from)
        {
            where.Add("i.received_at >= {0}", from);
        }

        if (filter.To is { } to)
        {
            where.Add("i.received_at <= {0}", to);
        }

        var countSql = $"SELECT count(*) FROM incidents i{where.Sql}";
        var countParameters = where.Parameters;
        var page = where.KeysetPage("i.id", filter.Paging.AfterGuid, filter.Paging.First);
        var rows = await ReadAsync(db, $"SELECT {Columns} FROM incidents i{where.Sql}{page}", where.Parameters, ct);
        return Connection<Incident>.Page(rows, filter.Paging, i => Paging.EncodeCursor(i.Id.ToString()), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<IDictionary<Guid, Incident>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, $"SELECT {Columns} FROM incidents i WHERE i.id = ANY($1)", [new NpgsqlParameter { Value = ids.ToArray() }], ct)).ToDictionary(i => i.Id);

    /// <summary>Every event about the incident, in commit order: its own and those that name it in their payload.</summary>
    public static async Task<IDictionary<Guid, IReadOnlyList<StoredEvent>>> TimelineAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT payload ->> 'incidentId', id FROM events WHERE payload ->> 'incidentId' = ANY($1) ORDER BY id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.Select(i => i.ToString()).ToArray() });
        var pairs = new List<(Guid Incident, long Event)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                pairs.Add((Guid.Parse(reader.GetString(0)), reader.GetInt64(1)));
            }
        }

        var events = pairs.Count == 0 ? [] : (await EventLog.ByIdsAsync(db, pairs.Select(p => p.Event).ToArray(), ct)).ToDictionary(e => e.Id);
        return pairs.GroupBy(p => p.Incident).ToDictionary(g => g.Key, g => (IReadOnlyList<StoredEvent>)g.Select(p => events[p.Event]).ToList());
    }

    private static async Task<List<Incident>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<Incident>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new Incident(r.GetGuid(0), r.GetInt64(1), r.GetDateTime(2), DbEnum.Parse<IncidentChannel>(r.GetString(3)), r.TextOrNull(4), r.TextOrNull(5),
                r.IsDBNull(6) ? null : r.GetGuid(6), r.GetFieldValue<Point>(7), r.TextOrNull(8), r.TextOrNull(9), r.GetString(10), r.TextOrNull(11),
                r.IsDBNull(12) ? null : r.GetInt16(12), DbEnum.Parse<IncidentStatus>(r.GetString(13)),
                r.TextOrNull(14) is { } o ? DbEnum.Parse<Origin>(o) : null, r.TextOrNull(15), r.TextOrNull(16) is { } s ? DbEnum.Parse<Scale>(s) : null,
                r.TextOrNull(17) is { } e ? DbEnum.Parse<ZoneExtent>(e) : null, r.TextOrNull(18) is { } ss ? DbEnum.Parse<Scale>(ss) : null, r.TextOrNull(19),
                r.TextOrNull(20), r.IsDBNull(21) ? null : r.GetDateTime(21), r.GetString(22)));
        }

        return rows;
    }
}
