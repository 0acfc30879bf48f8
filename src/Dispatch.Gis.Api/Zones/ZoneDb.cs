using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Zones;

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

    public static async Task<IDictionary<Guid, string>> GeometryByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, double simplifyMeters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ZoneSql.GeometryById);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = simplifyMeters });
        var result = new Dictionary<Guid, string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetGuid(0)] = reader.GetString(1);
        }

        return result;
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<ZoneVersion>>> VersionsByZoneAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ZoneSql.VersionsByZone);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<ZoneVersion>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ZoneVersion(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), Db.TextOrNull(reader, 3), Db.TextOrNull(reader, 4),
                reader.GetDouble(5), reader.GetDouble(6), Db.TextOrNull(reader, 7), reader.GetString(8), reader.GetDateTime(9)));
        }

        return rows.GroupBy(v => v.ZoneId).ToDictionary(g => g.Key, g => (IReadOnlyList<ZoneVersion>)g.ToList());
    }

    public static async Task<string?> MainTerritoryAsync(WriteTransaction tx, Geometry shape, CancellationToken ct)
    {
        await using var cmd = tx.Command(ZoneSql.MainTerritoryOf);
        cmd.Parameters.Add(new NpgsqlParameter { Value = shape });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public static async Task<Guid> CreateAsync(WriteTransaction tx, ZoneKind kind, string name, Hazard hazard, Geometry shape, string? territory,
        Guid? incident, string? note, string actor, CancellationToken ct)
    {
        Guid id;
        await using (var insert = tx.Command(ZoneSql.Insert))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = shape });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(kind) });
            insert.Parameters.Add(new NpgsqlParameter { Value = name });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(hazard) });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)incident ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter { Value = actor });
            insert.Parameters.Add(Db.Nullable(territory));
            id = (Guid)(await insert.ExecuteScalarAsync(ct))!;
        }

        await InsertVersionAsync(tx, id, 1, shape, null, note, actor, ct);
        var events = new List<NewEvent>
        {
            new("ZONE_CREATED", "Zone", id.ToString(), new { incidentId = incident, version = 1, kind = DbEnum.Text(kind), hazard = DbEnum.Text(hazard), name }, shape, territory, actor),
        };
        events.AddRange(await CrossingEventsAsync(tx, id, 1, kind, null, shape, territory, actor, ct));
        await EventLog.AppendAsync(tx.Connection, tx.Transaction, events, ct);
        return id;
    }

    /// <summary>A new version of the zone's shape; expectedVersion guards two officers editing the same zone.</summary>
    public static async Task<(int Version, double AddedKm2, double RemovedKm2)> UpdateAsync(WriteTransaction tx, Zone zone, Geometry shape, int? expectedVersion,
        string? note, string actor, CancellationToken ct)
    {
        var (version, status, _, old) = await LockAsync(tx, zone.Id, ct);
        if (status != ZoneStatus.Active)
        {
            throw new DispatchException(ErrorCodes.Conflict, "a closed zone cannot change", "zone");
        }

        if (expectedVersion is { } expected && expected != version)
        {
            throw new DispatchException(ErrorCodes.Conflict, $"the zone is at version {version}, not {expected}: reload it and redraw", "expectedVersion");
        }

        var territory = await MainTerritoryAsync(tx, shape, ct);
        int newVersion;
        await using (var update = tx.Command(ZoneSql.UpdateGeometry))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = zone.Id });
            update.Parameters.Add(new NpgsqlParameter { Value = shape });
            update.Parameters.Add(Db.Nullable(territory));
            newVersion = (int)(await update.ExecuteScalarAsync(ct))!;
        }

        var (added, removed) = await InsertVersionAsync(tx, zone.Id, newVersion, shape, old, note, actor, ct);
        var events = new List<NewEvent>
        {
            new("ZONE_CHANGED", "Zone", zone.Id.ToString(),
                new { incidentId = zone.IncidentId, version = newVersion, previousVersion = version, kind = DbEnum.Text(zone.Kind), hazard = DbEnum.Text(zone.Hazard),
                    areaAddedKm2 = added, areaRemovedKm2 = removed, note },
                shape, territory, actor),
        };
        events.AddRange(await CrossingEventsAsync(tx, zone.Id, newVersion, zone.Kind, old, shape, territory, actor, ct));
        await EventLog.AppendAsync(tx.Connection, tx.Transaction, events, ct);
        return (newVersion, added, removed);
    }

    public static async Task CloseAsync(WriteTransaction tx, Zone zone, string? note, string actor, CancellationToken ct)
    {
        var (version, status, territory, old) = await LockAsync(tx, zone.Id, ct);
        if (status != ZoneStatus.Active)
        {
            throw new DispatchException(ErrorCodes.Conflict, "the zone is already closed", "zone");
        }

        await using (var close = tx.Command(ZoneSql.Close))
        {
            close.Parameters.Add(new NpgsqlParameter { Value = zone.Id });
            await close.ExecuteNonQueryAsync(ct);
        }

        var events = new List<NewEvent> { new("ZONE_CLOSED", "Zone", zone.Id.ToString(), new { incidentId = zone.IncidentId, version, note }, old, territory, actor) };
        events.AddRange(await CrossingEventsAsync(tx, zone.Id, version, zone.Kind, old, null, territory, actor, ct));
        await EventLog.AppendAsync(tx.Connection, tx.Transaction, events, ct);
    }

    private static async Task<(int Version, ZoneStatus Status, string? Territory, Geometry Shape)> LockAsync(WriteTransaction tx, Guid id, CancellationToken ct)
    {
        await using var cmd = tx.Command(ZoneSql.LockForChange);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new DispatchException(ErrorCodes.NotFound, "no such zone", "zone");
        }

        return (reader.GetInt32(0), DbEnum.Parse<ZoneStatus>(reader.GetString(1)), Db.TextOrNull(reader, 2), reader.GetFieldValue<Geometry>(3));
    }

    private static async Task<(double Added, double Removed)> InsertVersionAsync(WriteTransaction tx, Guid zone, int version, Geometry shape, Geometry? previous,
        string? note, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command(ZoneSql.InsertVersion);
        cmd.Parameters.Add(new NpgsqlParameter { Value = zone });
        cmd.Parameters.Add(new NpgsqlParameter { Value = version });
        cmd.Parameters.Add(new NpgsqlParameter { Value = shape });
        // A first version "adds" its whole area: compared with an empty shape.
        cmd.Parameters.Add(new NpgsqlParameter { Value = previous ?? Geo.GeoJson.Factory.CreateMultiPolygon() });
        cmd.Parameters.Add(Db.Nullable(note));
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    private static async Task<List<NewEvent>> CrossingEventsAsync(WriteTransaction tx, Guid zone, int version, ZoneKind kind, Geometry? old, Geometry? now,
        string? territory, string actor, CancellationToken ct)
    {
        await using var cmd = tx.Command(ZoneSql.Crossings);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry, Value = (object?)old ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry, Value = (object?)now ?? DBNull.Value });
        var events = new List<NewEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var inside = reader.GetBoolean(3);
            events.Add(new NewEvent(inside ? "UNIT_ENTERED_ZONE" : "UNIT_EXITED_ZONE", "Unit", reader.GetGuid(0).ToString(),
                new { zoneId = zone, zoneVersion = version, zoneKind = DbEnum.Text(kind), callSign = reader.GetString(1), cause = "ZONE_CHANGED" },
                reader.GetFieldValue<Point>(2), territory, actor));
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
