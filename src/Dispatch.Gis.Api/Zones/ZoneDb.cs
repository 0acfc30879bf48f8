using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Zones;

internal sealed record NewZone(ZoneKind Kind, string Name, Hazard Hazard, Geometry Shape, Guid? Incident, string? Note);

internal static class ZoneDb
{
    public static async Task<Connection<Zone>> ListAsync(NpgsqlDataSource db, ZoneFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = ZoneSql.List(filter);
        var rows = await ReadAsync(db, sql, parameters, ct);

        var (countSql, countParameters) = ZoneSql.Count(filter);
        return Connection<Zone>.Page(rows, filter.Paging, z => filter.Spatial.CursorOf(z.Id.ToString(), z.DistanceMeters), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<IDictionary<Guid, Zone>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, ZoneSql.ById, [new NpgsqlParameter { Value = ids.ToArray() }], ct)).ToDictionary(z => z.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<Zone>>> ByIncidentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> incidents, CancellationToken ct) =>
        (await ReadAsync(db, $"SELECT {ZoneSql.Columns}, NULL::float8 FROM emergency_zones z WHERE z.incident_id = ANY($1) ORDER BY z.created_at",
            [new NpgsqlParameter { Value = incidents.ToArray() }], ct))
            .GroupBy(z => z.IncidentId!.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<Zone>)g.ToList());

    public static async Task<IDictionary<Guid, string>> GeometryByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, double simplifyMeters,
        ResponseBudget budget, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ZoneSql.GeometryById);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = simplifyMeters });
        cmd.Parameters.Add(new NpgsqlParameter { Value = budget.VertexAllowance });
        var result = new Dictionary<Guid, string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // Full shapes are priced from the stored counts before any is read; simplified ones as PostgreSQL returns them.
            if (simplifyMeters <= 0 && result.Count == 0)
            {
                budget.SpendVertices(reader.GetInt64(2));
            }

            var json = reader.GetString(1);
            if (simplifyMeters > 0)
            {
                budget.Spend(json.Length);
            }

            result[reader.GetGuid(0)] = json;
        }

        return result;
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<ZoneVersion>>> VersionsByZoneAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, ResponseBudget budget,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ZoneSql.VersionsByZone);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = budget.VertexAllowance });
        var rows = new List<ZoneVersion>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count == 0)
            {
                budget.SpendVertices(reader.GetInt64(10));
            }

            rows.Add(new ZoneVersion(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), Db.TextOrNull(reader, 3), Db.TextOrNull(reader, 4),
                reader.GetDouble(5), reader.GetDouble(6), Db.TextOrNull(reader, 7), reader.GetString(8), reader.GetDateTime(9)));
        }

        return rows.GroupBy(v => v.ZoneId).ToDictionary(g => g.Key, g => (IReadOnlyList<ZoneVersion>)g.ToList());
    }

    public static async Task<string?> MainTerritoryAsync(NpgsqlDataSource db, Geometry shape, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ZoneSql.MainTerritoryOf);
        cmd.Parameters.Add(new NpgsqlParameter { Value = shape });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// For a unit of work that changes several zones (a forecast's horizons): locks the zones in id order, then, before
    /// any of them changes, the standing subscriptions that follow any of them, in id order too. The trigger that redraws
    /// a follower's area (schema/251) locks followers zone by zone, and two such writers beside each other — forecasts
    /// pass the geofence gate together — would otherwise lock followers they share in crossing orders and deadlock.
    /// </summary>
    public static async Task LockForChangeAsync(UnitOfWork w, IReadOnlyCollection<Guid> zones, CancellationToken ct)
    {
        await w.LockAsync(LockedTable.EmergencyZones, zones, ct);
        if (zones.Count == 0)
        {
            return;
        }

        await using var cmd = w.Command(ZoneSql.LockFollowers);
        cmd.Parameters.Add(new NpgsqlParameter { Value = zones.Distinct().ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<Guid> CreateAsync(UnitOfWork w, NewZone zone, string? territory, CancellationToken ct)
    {
        await w.GeofenceGateAsync(GeofenceSide.Zones, ct);
        Guid id;
        await using (var insert = w.Command(ZoneSql.Insert))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = zone.Shape });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(zone.Kind) });
            insert.Parameters.Add(new NpgsqlParameter { Value = zone.Name });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(zone.Hazard) });
            insert.Parameters.Add(Db.NullableId(zone.Incident));
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            insert.Parameters.Add(Db.Nullable(territory));
            id = (Guid)(await insert.ExecuteScalarAsync(ct))!;
        }

        await InsertVersionAsync(w, id, 1, zone.Shape, null, zone.Note, ct);
        w.Add(new NewEvent("ZONE_CREATED", "Zone", id.ToString(),
            new { incidentId = zone.Incident, version = 1, kind = DbEnum.Text(zone.Kind), hazard = DbEnum.Text(zone.Hazard), name = zone.Name }, zone.Shape, territory));
        w.Add(await CrossingEventsAsync(w, id, 1, zone.Kind, null, zone.Shape, territory, ct));
        return id;
    }

    /// <summary>A new version of the zone's shape; expectedVersion guards two officers editing the same zone.</summary>
    public static async Task<(int Version, double AddedKm2, double RemovedKm2)> UpdateAsync(UnitOfWork w, Zone zone, Geometry shape, string? territory,
        int? expectedVersion, string? note, CancellationToken ct)
    {
        await w.GeofenceGateAsync(GeofenceSide.Zones, ct);
        var (version, status, _, old) = await LockAsync(w, zone.Id, ct);
        if (status != ZoneStatus.Active)
        {
            throw new ConflictException("a closed zone cannot change", "zone");
        }

        if (expectedVersion is { } expected && expected != version)
        {
            throw new ConflictException($"the zone is at version {version}, not {expected}: reload it and redraw", "expectedVersion");
        }

        int newVersion;
        await using (var update = w.Command(ZoneSql.UpdateGeometry))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = zone.Id });
            update.Parameters.Add(new NpgsqlParameter { Value = shape });
            update.Parameters.Add(Db.Nullable(territory));
            newVersion = (int)(await update.ExecuteScalarAsync(ct))!;
        }

        var (added, removed) = await InsertVersionAsync(w, zone.Id, newVersion, shape, old, note, ct);
        w.Add(new NewEvent("ZONE_CHANGED", "Zone", zone.Id.ToString(),
            new { incidentId = zone.IncidentId, version = newVersion, previousVersion = version, kind = DbEnum.Text(zone.Kind), hazard = DbEnum.Text(zone.Hazard),
                areaAddedKm2 = added, areaRemovedKm2 = removed, note },
            shape, territory));
        w.Add(await CrossingEventsAsync(w, zone.Id, newVersion, zone.Kind, old, shape, territory, ct));
        return (newVersion, added, removed);
    }

    public static async Task<int> CloseAsync(UnitOfWork w, Zone zone, string? note, CancellationToken ct)
    {
        await w.GeofenceGateAsync(GeofenceSide.Zones, ct);
        var (version, status, territory, old) = await LockAsync(w, zone.Id, ct);
        if (status != ZoneStatus.Active)
        {
            throw new ConflictException("the zone is already closed", "zone");
        }

        await using (var close = w.Command(ZoneSql.Close))
        {
            close.Parameters.Add(new NpgsqlParameter { Value = zone.Id });
            await close.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("ZONE_CLOSED", "Zone", zone.Id.ToString(), new { incidentId = zone.IncidentId, version, note }, old, territory));
        w.Add(await CrossingEventsAsync(w, zone.Id, version, zone.Kind, old, null, territory, ct));
        return version;
    }

    private static async Task<(int Version, ZoneStatus Status, string? Territory, Geometry Shape)> LockAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command(ZoneSql.LockForChange);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new NotFoundException("no such zone", "zone");
        }

        return (reader.GetInt32(0), DbEnum.Parse<ZoneStatus>(reader.GetString(1)), Db.TextOrNull(reader, 2), reader.GetFieldValue<Geometry>(3));
    }

    private static async Task<(double Added, double Removed)> InsertVersionAsync(UnitOfWork w, Guid zone, int version, Geometry shape, Geometry? previous,
        string? note, CancellationToken ct)
    {
        await using var cmd = w.Command(ZoneSql.InsertVersion);
        cmd.Parameters.Add(new NpgsqlParameter { Value = zone });
        cmd.Parameters.Add(new NpgsqlParameter { Value = version });
        cmd.Parameters.Add(new NpgsqlParameter { Value = shape });
        // A first version "adds" its whole area: compared with an empty shape.
        cmd.Parameters.Add(new NpgsqlParameter { Value = previous ?? Geo.GeoJson.Factory.CreateMultiPolygon() });
        cmd.Parameters.Add(Db.Nullable(note));
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    private static async Task<List<NewEvent>> CrossingEventsAsync(UnitOfWork w, Guid zone, int version, ZoneKind kind, Geometry? old, Geometry? now,
        string? territory, CancellationToken ct)
    {
        await using var cmd = w.Command(ZoneSql.Crossings);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry, Value = (object?)old ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry, Value = (object?)now ?? DBNull.Value });
        var events = new List<NewEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var inside = reader.GetBoolean(3);
            events.Add(new NewEvent(inside ? "UNIT_ENTERED_ZONE" : "UNIT_EXITED_ZONE", "Unit", reader.GetGuid(0).ToString(),
                new { zoneId = zone, zoneVersion = version, zoneKind = DbEnum.Text(kind), callSign = reader.GetString(1), cause = "ZONE_CHANGED" },
                reader.GetFieldValue<Point>(2), territory));
        }

        return events;
    }

    private static async Task<List<Zone>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<Zone>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Zone(reader.GetGuid(0), DbEnum.Parse<ZoneKind>(reader.GetString(1)), reader.GetString(2), DbEnum.Parse<Hazard>(reader.GetString(3)),
                DbEnum.Parse<ZoneStatus>(reader.GetString(4)), reader.GetInt32(5), Db.TextOrNull(reader, 6), reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.GetString(8), reader.GetDateTime(9), reader.GetDateTime(10), reader.GetDouble(11), reader.IsDBNull(12) ? null : reader.GetDouble(12)));
        }

        return rows;
    }

    /// <summary>Pairs (zone, something) from a cross-layer query whose first column is the zone id.</summary>
    public static async Task<IDictionary<Guid, IReadOnlyList<T>>> PairsAsync<T>(NpgsqlDataSource db, string sql, IReadOnlyList<Guid> zones,
        Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = zones.ToArray() });
        var pairs = new List<(Guid Zone, T Item)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pairs.Add((reader.GetGuid(0), map(reader)));
        }

        return pairs.GroupBy(p => p.Zone).ToDictionary(g => g.Key, g => (IReadOnlyList<T>)g.Select(p => p.Item).ToList());
    }

}
