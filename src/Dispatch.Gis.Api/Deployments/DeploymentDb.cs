using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Deployments;

/// <summary>A partner's report on a deployment; absent fields keep what was reported before.</summary>
internal sealed record DeploymentReport(string ClientReportId, int? Personnel, IReadOnlyList<VehicleCount>? Vehicles,
    DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? LeftAt);

/// <summary>Units sent to incidents (Rules §5.3): dispatch, the partners' reports on them, and reading them back.</summary>
internal static class DeploymentDb
{
    private const string Columns = "d.id, d.incident_id, d.unit_id, d.force_request_id, d.requested_at, d.dispatched_at, d.departed_at, d.arrived_at, d.left_at, d.personnel, d.vehicles::text, d.dispatched_by";

    /// <summary>
    /// Sends units to an incident: each becomes DISPATCHED with one deployment, and the incident RESPONDING. Locks
    /// the incident, then the units in id order, so racing dispatches of the same units queue and the loser gets
    /// the CONFLICT of a unit that is no longer free.
    /// </summary>
    public static async Task<List<Guid>> DispatchAsync(UnitOfWork w, Incident incident, IReadOnlyList<Unit> units, Guid? forceRequest, DateTime requestedAt,
        CancellationToken ct)
    {
        await w.LockAsync(LockedTable.Incidents, [incident.Id], ct);
        await w.LockAsync(LockedTable.ResponseUnits, units.Select(u => u.Id), ct);
        var created = new List<Guid>();
        foreach (var unit in units.OrderBy(u => u.Id))
        {
            await UnitDb.SetStatusAsync(w, unit.Id, UnitStatus.Dispatched, incident.Id, ct);
            created.Add(await InsertAsync(w, incident.Id, unit, forceRequest, requestedAt, ct));
        }

        var current = await IncidentDb.StatusAsync(w, incident.Id, ct);
        if (current is IncidentStatus.Received or IncidentStatus.Classified)
        {
            await IncidentDb.SetStatusAsync(w, incident, IncidentStatus.Responding, ct);
        }

        w.Add(new NewEvent("UNITS_DISPATCHED", "Incident", incident.Id.ToString(),
            new { incidentId = incident.Id, deployments = created, units = units.Select(u => u.CallSign).ToList(), forceRequestId = forceRequest },
            incident.Location, incident.TerritoryKato));
        return created;
    }

    private static async Task<Guid> InsertAsync(UnitOfWork w, Guid incident, Unit unit, Guid? forceRequest, DateTime requestedAt, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO deployments (incident_id, unit_id, force_request_id, requested_at, dispatched_at, dispatched_by)
            VALUES ($1, $2, $3, $4, greatest($4, clock_timestamp()), $5) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = incident });
        cmd.Parameters.Add(new NpgsqlParameter { Value = unit.Id });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)forceRequest ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = requestedAt });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        try
        {
            return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"unit {unit.CallSign} is already deployed and has not left its zone", "units");
        }
    }

    /// <summary>
    /// Applies a report under the deployment's row lock: a resend of the same client report id changes nothing;
    /// otherwise the times must run in order, and the unit's status follows them forward.
    /// </summary>
    public static async Task<Deployment> ReportAsync(UnitOfWork w, Guid id, Unit unit, DeploymentReport report, TimeSpan clockSkew, CancellationToken ct)
    {
        var current = await LockAsync(w, id, ct) ?? throw new NotFoundException("no such deployment", "deployment");
        var vehicles = report.Vehicles is { } v ? UnitDb.VehiclesJson(v) : null;
        if (!await RecordReportAsync(w, id, report, vehicles, ct))
        {
            return current;
        }

        var next = current with
        {
            DepartedAt = report.DepartedAt ?? current.DepartedAt,
            ArrivedAt = report.ArrivedAt ?? current.ArrivedAt,
            LeftAt = report.LeftAt ?? current.LeftAt,
            Personnel = report.Personnel ?? current.Personnel,
            VehiclesJson = vehicles ?? current.VehiclesJson,
        };
        CheckTimes(next, clockSkew);
        await UpdateAsync(w, next, ct);
        await FollowWithUnitStatusAsync(w, next, ct);
        w.Add(new NewEvent("DEPLOYMENT_REPORTED", "Deployment", id.ToString(),
            new { incidentId = current.IncidentId, deploymentId = id, unitId = unit.Id, callSign = unit.CallSign, departedAt = next.DepartedAt, arrivedAt = next.ArrivedAt,
                leftAt = next.LeftAt, personnel = next.Personnel, clientReportId = report.ClientReportId },
            unit.Location, unit.TerritoryKato));
        return next;
    }

    /// <summary>requested ≤ dispatched ≤ departed ≤ arrived ≤ left, and nothing in the future beyond the clock skew.</summary>
    internal static void CheckTimes(Deployment d, TimeSpan skew)
    {
        var latest = DateTime.UtcNow + skew;
        (string Field, DateTime? Value)[] times = [("report.departedAt", d.DepartedAt), ("report.arrivedAt", d.ArrivedAt), ("report.leftAt", d.LeftAt)];
        foreach (var (field, value) in times)
        {
            if (value > latest)
            {
                throw new BadUserInputException($"{field} {value:O} lies in the future", field);
            }
        }

        if (d.DepartedAt < d.DispatchedAt)
        {
            throw new BadUserInputException($"report.departedAt {d.DepartedAt:O} is before the dispatch at {d.DispatchedAt:O}", "report.departedAt");
        }

        if (d.ArrivedAt is { } arrived && (d.DepartedAt is not { } departed || arrived < departed))
        {
            throw new BadUserInputException("report.arrivedAt must come after departedAt (report the departure first or together)", "report.arrivedAt");
        }

        if (d.LeftAt is { } leftAt && (d.ArrivedAt is not { } arrivedAt || leftAt < arrivedAt))
        {
            throw new BadUserInputException("report.leftAt must come after arrivedAt", "report.leftAt");
        }
    }

    /// <summary>The unit's status follows the reported times forward: departed → EN_ROUTE, arrived → ON_SCENE, left → LEAVING.</summary>
    private static async Task FollowWithUnitStatusAsync(UnitOfWork w, Deployment deployment, CancellationToken ct)
    {
        UnitStatus[] chain = [UnitStatus.Dispatched, UnitStatus.EnRoute, UnitStatus.OnScene, UnitStatus.Leaving];
        var target = deployment.LeftAt is not null ? UnitStatus.Leaving
            : deployment.ArrivedAt is not null ? UnitStatus.OnScene
            : deployment.DepartedAt is not null ? UnitStatus.EnRoute
            : UnitStatus.Dispatched;
        await w.LockAsync(LockedTable.ResponseUnits, [deployment.UnitId], ct);
        UnitStatus status;
        await using (var read = w.Command("SELECT status FROM response_units WHERE id = $1"))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = deployment.UnitId });
            status = DbEnum.Parse<UnitStatus>((string)(await read.ExecuteScalarAsync(ct))!);
        }

        var at = Array.IndexOf(chain, status);
        if (at < 0)
        {
            return; // the unit has moved on (returning, redirected): the report does not pull it back
        }

        foreach (var next in chain[(at + 1)..(Array.IndexOf(chain, target) + 1)])
        {
            await UnitDb.SetStatusAsync(w, deployment.UnitId, next, deployment.IncidentId, ct);
        }
    }

    private static async Task<Deployment?> LockAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command($"SELECT {Columns} FROM deployments d WHERE d.id = $1 FOR NO KEY UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Map(reader) : null;
    }

    /// <summary>False when this client report id was already applied: the resend is then a no-op.</summary>
    private static async Task<bool> RecordReportAsync(UnitOfWork w, Guid deployment, DeploymentReport report, string? vehiclesJson, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO deployment_reports (deployment_id, client_report_id, personnel, vehicles, departed_at, arrived_at, left_at, reported_by)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
            ON CONFLICT (deployment_id, client_report_id) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = deployment });
        cmd.Parameters.Add(new NpgsqlParameter { Value = report.ClientReportId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)report.Personnel ?? DBNull.Value });
        cmd.Parameters.Add(Db.Nullable(vehiclesJson));
        cmd.Parameters.Add(Db.NullableTime(report.DepartedAt));
        cmd.Parameters.Add(Db.NullableTime(report.ArrivedAt));
        cmd.Parameters.Add(Db.NullableTime(report.LeftAt));
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task UpdateAsync(UnitOfWork w, Deployment d, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            UPDATE deployments SET departed_at = $2, arrived_at = $3, left_at = $4, personnel = $5, vehicles = $6::jsonb WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = d.Id });
        cmd.Parameters.Add(Db.NullableTime(d.DepartedAt));
        cmd.Parameters.Add(Db.NullableTime(d.ArrivedAt));
        cmd.Parameters.Add(Db.NullableTime(d.LeftAt));
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)d.Personnel ?? DBNull.Value });
        cmd.Parameters.Add(Db.Nullable(d.VehiclesJson));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IDictionary<Guid, Deployment>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM deployments d WHERE d.id = ANY($1)", Map, ct, Db.Ids(ids))).ToDictionary(d => d.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<Deployment>>> ByIncidentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM deployments d WHERE d.incident_id = ANY($1) ORDER BY d.dispatched_at, d.id", Map, ct, Db.Ids(ids)))
            .GroupBy(d => d.IncidentId).ToDictionary(g => g.Key, g => (IReadOnlyList<Deployment>)g.ToList());

    private static Deployment Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3), r.GetDateTime(4),
        r.GetDateTime(5), r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetDateTime(7), r.IsDBNull(8) ? null : r.GetDateTime(8),
        r.IsDBNull(9) ? null : r.GetInt32(9), r.TextOrNull(10), r.GetString(11));
}
