using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal static class DeploymentDb
{
    private const string Columns = "d.id, d.incident_id, d.unit_id, d.force_request_id, d.requested_at, d.dispatched_at, d.departed_at, d.arrived_at, d.left_at, d.personnel, d.vehicles::text, d.dispatched_by";

    private const string RequestColumns = "f.id, f.incident_id, f.service_id, f.personnel, f.vehicles::text, f.note, f.status, f.requested_by, f.requested_at, f.acknowledged_by, f.acknowledged_at, f.fulfilled_at";

    /// <summary>The nearest units free to go (AVAILABLE or HIGH_READINESS) of a profile, by KNN then spheroid distance.</summary>
    public static async Task<List<UnitSuggestion>> SuggestAsync(NpgsqlDataSource db, Point point, UnitProfile profile, int count, IncidentOptions options, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT * FROM (
                SELECT {UnitSql.Columns}, ST_Distance(u.location::geography, $1::geography) AS distance
                FROM response_units u
                WHERE u.profile = $2 AND u.status IN ('AVAILABLE', 'HIGH_READINESS')
                  AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.unit_id = u.id AND d.left_at IS NULL)
                ORDER BY u.location::geography <-> $1::geography
                LIMIT $3) nearest
            ORDER BY distance, id
            LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = point });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(profile) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = count * 2 + 10 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = count });
        var result = new List<UnitSuggestion>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var unit = UnitDb.Map(reader, 0);
            var meters = unit.DistanceMeters!.Value;
            result.Add(new UnitSuggestion(unit, meters, Math.Round(options.EtaMinutes(profile, meters), 1)));
        }

        return result;
    }

    public static async Task<Guid> CreateAsync(WriteTransaction tx, Guid incident, Guid unit, Guid? forceRequest, DateTime requestedAt, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            INSERT INTO deployments (incident_id, unit_id, force_request_id, requested_at, dispatched_at, dispatched_by)
            VALUES ($1, $2, $3, $4, greatest($4, clock_timestamp()), $5) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = incident });
        cmd.Parameters.Add(new NpgsqlParameter { Value = unit });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)forceRequest ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestedAt });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        try
        {
            return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DispatchException(ErrorCodes.Conflict, $"unit {unit} is already deployed and has not left its zone", "units");
        }
    }

    public static async Task<IDictionary<Guid, Deployment>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, $"SELECT {Columns} FROM deployments d WHERE d.id = ANY($1)", ids, ct)).ToDictionary(d => d.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<Deployment>>> ByIncidentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, $"SELECT {Columns} FROM deployments d WHERE d.incident_id = ANY($1) ORDER BY d.dispatched_at", ids, ct))
            .GroupBy(d => d.IncidentId).ToDictionary(g => g.Key, g => (IReadOnlyList<Deployment>)g.ToList());

    /// <summary>The deployment row locked for a report, so two reports of one deployment apply in turn.</summary>
    public static async Task<Deployment?> LockAsync(WriteTransaction tx, Guid id, CancellationToken ct)
    {
        await using var cmd = tx.Command($"SELECT {Columns} FROM deployments d WHERE d.id = $1 FOR UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Map(reader) : null;
    }

    /// <summary>True when this client report id was already applied: the resend is then a no-op.</summary>
    public static async Task<bool> RecordReportAsync(WriteTransaction tx, Guid deployment, string clientReportId, int? personnel, string? vehiclesJson,
        DateTime? departed, DateTime? arrived, DateTime? left, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            INSERT INTO deployment_reports (deployment_id, client_report_id, personnel, vehicles, departed_at, arrived_at, left_at, reported_by)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
            ON CONFLICT (deployment_id, client_report_id) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = deployment });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clientReportId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)personnel ?? DBNull.Value });
        cmd.Parameters.Add(Db.Nullable(vehiclesJson));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)departed ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)arrived ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)left ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        return await cmd.ExecuteNonQueryAsync(ct) == 0;
    }

    public static async Task UpdateAsync(WriteTransaction tx, Deployment d, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            UPDATE deployments SET departed_at = $2, arrived_at = $3, left_at = $4, personnel = $5, vehicles = $6::jsonb WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = d.Id });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)d.DepartedAt ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)d.ArrivedAt ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)d.LeftAt ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)d.Personnel ?? DBNull.Value });
        cmd.Parameters.Add(Db.Nullable(d.VehiclesJson));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Reconciles reported arrivals with AVL: within the deployment's window, when did the unit's track first enter
    /// the incident's active zones (or come within the arrival radius of its point, without zones)?
    /// </summary>
    public static async Task<IDictionary<Guid, AvlCheck>> AvlChecksAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, IncidentOptions options, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.id, d.arrived_at, count(t.at), min(t.at) FILTER (WHERE
                   CASE WHEN z.area IS NULL THEN ST_DWithin(t.geom::geography, i.location::geography, $2) ELSE ST_Intersects(t.geom, z.area) END)
            FROM deployments d
            JOIN incidents i ON i.id = d.incident_id
            LEFT JOIN LATERAL (SELECT ST_Union(geom) AS area FROM emergency_zones WHERE incident_id = d.incident_id AND status = 'ACTIVE') z ON true
            LEFT JOIN unit_track t ON t.unit_id = d.unit_id AND t.at >= d.dispatched_at AND t.at <= coalesce(d.left_at, clock_timestamp() + $3)
            WHERE d.id = ANY($1)
            GROUP BY d.id, d.arrived_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.ArrivalRadiusMeters });
        // Devices and reports may run ahead of our clock by the allowed skew.
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.ClockSkew });
        var result = new Dictionary<Guid, AvlCheck>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            DateTime? arrived = reader.IsDBNull(1) ? null : reader.GetDateTime(1);
            var fixes = (int)reader.GetInt64(2);
            DateTime? firstInside = reader.IsDBNull(3) ? null : reader.GetDateTime(3);
            var flags = new List<string>();
            if (arrived is { } reported)
            {
                if (fixes == 0)
                {
                    flags.Add("NO_AVL_DATA");
                }
                else if (firstInside is null)
                {
                    flags.Add("ARRIVAL_NOT_IN_TRACK");
                }
                else if (firstInside < reported - options.ArrivalTolerance)
                {
                    flags.Add("TRACK_ARRIVED_EARLIER");
                }
                else if (firstInside > reported + options.ArrivalTolerance)
                {
                    flags.Add("TRACK_ARRIVED_LATER");
                }
            }

            result[reader.GetGuid(0)] = new AvlCheck(fixes, firstInside, flags);
        }

        return result;
    }

    public static async Task<Guid> RequestForcesAsync(WriteTransaction tx, Incident incident, Services.DutyService service, int personnel, string vehiclesJson,
        string? note, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            INSERT INTO force_requests (incident_id, service_id, personnel, vehicles, note, requested_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = incident.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = vehiclesJson });
        cmd.Parameters.Add(Db.Nullable(note));
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        // The event belongs to the partner's territory, so the partner's subscription delivers it.
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
            [new NewEvent("FORCES_REQUESTED", "ForceRequest", id.ToString(),
                new { incidentId = incident.Id, requestId = id, serviceId = service.Id, service = service.Code, personnel, note }, incident.Location, service.TerritoryKato, actor)], ct);
        return id;
    }

    public static async Task<ForceRequest?> LockRequestAsync(WriteTransaction tx, Guid id, CancellationToken ct)
    {
        await using var cmd = tx.Command($"SELECT {RequestColumns} FROM force_requests f WHERE f.id = $1 FOR UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? MapRequest(reader) : null;
    }

    public static async Task SetRequestStatusAsync(WriteTransaction tx, Guid id, ForceRequestStatus status, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command("""
            UPDATE force_requests SET status = $2,
                acknowledged_by = CASE WHEN $2 = 'ACKNOWLEDGED' THEN $3 ELSE acknowledged_by END,
                acknowledged_at = CASE WHEN $2 = 'ACKNOWLEDGED' THEN clock_timestamp() ELSE acknowledged_at END,
                fulfilled_at = CASE WHEN $2 = 'FULFILLED' THEN clock_timestamp() ELSE fulfilled_at END
            WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<ForceRequest>>> RequestsByIncidentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {RequestColumns} FROM force_requests f WHERE f.incident_id = ANY($1) ORDER BY f.requested_at");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<ForceRequest>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(MapRequest(reader));
        }

        return rows.GroupBy(r => r.IncidentId).ToDictionary(g => g.Key, g => (IReadOnlyList<ForceRequest>)g.ToList());
    }

    private static ForceRequest MapRequest(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt32(3), r.GetString(4), r.TextOrNull(5),
        DbEnum.Parse<ForceRequestStatus>(r.GetString(6)), r.GetString(7), r.GetDateTime(8), r.TextOrNull(9), r.IsDBNull(10) ? null : r.GetDateTime(10),
        r.IsDBNull(11) ? null : r.GetDateTime(11));

    private static async Task<List<Deployment>> ReadAsync(NpgsqlDataSource db, string sql, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<Deployment>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader));
        }

        return rows;
    }

    private static Deployment Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetDateTime(4),
        r.GetDateTime(5), r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetDateTime(7), r.IsDBNull(8) ? null : r.GetDateTime(8),
        r.IsDBNull(9) ? null : r.GetInt32(9), r.TextOrNull(10), r.GetString(11));
}
