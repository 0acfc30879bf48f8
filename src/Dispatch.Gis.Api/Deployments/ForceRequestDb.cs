using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using Npgsql;

namespace Dispatch.Gis.Deployments;

/// <summary>112 asks a partner for more forces (Rules §5.3); the partner acknowledges and sends units.</summary>
internal static class ForceRequestDb
{
    private const string Columns = "f.id, f.incident_id, f.service_id, f.personnel, f.vehicles::text, f.note, f.status, f.requested_by, f.requested_at, f.acknowledged_by, f.acknowledged_at, f.fulfilled_at";

    public static async Task<Guid> RequestAsync(UnitOfWork w, Incident incident, DutyService service, UnitComposition composition, string? note, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO force_requests (incident_id, service_id, personnel, vehicles, note, requested_by) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = incident.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = composition.Personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = UnitDb.VehiclesJson(composition.Vehicles) });
        cmd.Parameters.Add(Db.Nullable(note));
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        // The event belongs to the partner's territory, so the partner's subscription delivers it.
        w.Add(new NewEvent("FORCES_REQUESTED", "ForceRequest", id.ToString(),
            new { incidentId = incident.Id, requestId = id, serviceId = service.Id, service = service.Code, composition.Personnel, note },
            incident.Location, service.TerritoryKato));
        return id;
    }

    public static async Task AcknowledgeAsync(UnitOfWork w, ForceRequest request, Incident incident, DutyService service, CancellationToken ct)
    {
        var status = await LockStatusAsync(w, request.Id, ct);
        if (status != ForceRequestStatus.Requested)
        {
            throw new ConflictException($"the request is already {DbEnum.Text(status)}", "request");
        }

        await SetStatusAsync(w, request.Id, ForceRequestStatus.Acknowledged, ct);
        w.Add(Event("FORCES_ACKNOWLEDGED", request, incident, service));
    }

    /// <summary>The partner's units go as DISPATCHED deployments of the request's incident.</summary>
    public static async Task<List<Guid>> FulfilAsync(UnitOfWork w, ForceRequest request, Incident incident, DutyService service, IReadOnlyList<Unit> units,
        CancellationToken ct)
    {
        // Parents first: the incident, then the request, then (in DispatchAsync) the units.
        await w.LockAsync(LockedTable.Incidents, [incident.Id], ct);
        if (await LockStatusAsync(w, request.Id, ct) == ForceRequestStatus.Fulfilled)
        {
            throw new ConflictException("the request is already fulfilled", "request");
        }

        var deployments = await DeploymentDb.DispatchAsync(w, incident, units, request.Id, request.RequestedAt, ct);
        await SetStatusAsync(w, request.Id, ForceRequestStatus.Fulfilled, ct);
        w.Add(Event("FORCES_SENT", request, incident, service));
        return deployments;
    }

    private static NewEvent Event(string kind, ForceRequest request, Incident incident, DutyService service) =>
        new(kind, "ForceRequest", request.Id.ToString(), new { incidentId = request.IncidentId, requestId = request.Id, service = service.Code },
            incident.Location, incident.TerritoryKato);

    private static async Task<ForceRequestStatus> LockStatusAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command("SELECT status FROM force_requests WHERE id = $1 FOR NO KEY UPDATE");
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await cmd.ExecuteScalarAsync(ct) is string status ? DbEnum.Parse<ForceRequestStatus>(status) : throw new NotFoundException("no such force request", "request");
    }

    private static async Task SetStatusAsync(UnitOfWork w, Guid id, ForceRequestStatus status, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            UPDATE force_requests SET status = $2,
                acknowledged_by = CASE WHEN $2 = 'ACKNOWLEDGED' THEN $3 ELSE acknowledged_by END,
                acknowledged_at = CASE WHEN $2 = 'ACKNOWLEDGED' THEN clock_timestamp() ELSE acknowledged_at END,
                fulfilled_at = CASE WHEN $2 = 'FULFILLED' THEN clock_timestamp() ELSE fulfilled_at END
            WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IDictionary<Guid, ForceRequest>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM force_requests f WHERE f.id = ANY($1)", Map, ct, Db.Ids(ids))).ToDictionary(r => r.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<ForceRequest>>> ByIncidentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM force_requests f WHERE f.incident_id = ANY($1) ORDER BY f.requested_at, f.id", Map, ct, Db.Ids(ids)))
            .GroupBy(r => r.IncidentId).ToDictionary(g => g.Key, g => (IReadOnlyList<ForceRequest>)g.ToList());

    private static ForceRequest Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetInt32(3), r.GetString(4), r.TextOrNull(5),
        DbEnum.Parse<ForceRequestStatus>(r.GetString(6)), r.GetString(7), r.GetDateTime(8), r.TextOrNull(9), r.IsDBNull(10) ? null : r.GetDateTime(10),
        r.IsDBNull(11) ? null : r.GetDateTime(11));
}
