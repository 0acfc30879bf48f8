using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Units;

internal sealed record UnitOwner(Guid Id, Guid ServiceId, string ServiceCode, string? TerritoryKato);

internal static class UnitDb
{
    public static async Task<Connection<Unit>> ListAsync(NpgsqlDataSource db, UnitFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = UnitSql.List(filter);
        var rows = await ReadAsync(db, sql, parameters, ct);

        var (countSql, countParameters) = UnitSql.Count(filter);
        return Connection<Unit>.Page(rows, filter.Paging, u => filter.Spatial.CursorOf(u.Id.ToString(), u.DistanceMeters), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<List<Unit>> NearestAsync(NpgsqlDataSource db, UnitFilter filter, Point point, int first, double? maxMeters, CancellationToken ct)
    {
        var (sql, parameters) = UnitSql.Nearest(filter, point, first, maxMeters);
        return await ReadAsync(db, sql, parameters, ct);
    }

    public static async Task<IDictionary<Guid, Unit>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, UnitSql.ById, [new NpgsqlParameter { Value = ids.ToArray() }], ct)).ToDictionary(u => u.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<Unit>>> ByServiceAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, UnitSql.ByService, [new NpgsqlParameter { Value = ids.ToArray() }], ct))
            .GroupBy(u => u.ServiceId).ToDictionary(g => g.Key, g => (IReadOnlyList<Unit>)g.ToList());

    public static async Task<IDictionary<Guid, UnitOwner>> OwnersAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(UnitSql.Owners);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var owners = new Dictionary<Guid, UnitOwner>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            owners[reader.GetGuid(0)] = new UnitOwner(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return owners;
    }

    public static async Task<Guid> CreateAsync(UnitOfWork w, Services.DutyService service, string callSign, UnitProfile profile, UnitComposition composition,
        string? baseName, Point basePoint, CancellationToken ct)
    {
        await using var cmd = w.Command(UnitSql.Insert);
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = callSign });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(profile) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = composition.Personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = VehiclesJson(composition.Vehicles) });
        cmd.Parameters.Add(Db.Nullable(baseName));
        cmd.Parameters.Add(new NpgsqlParameter { Value = basePoint });
        Guid id;
        try
        {
            id = await cmd.ExecuteScalarAsync(ct) as Guid? ?? throw new NotFoundException("no such duty service", "input.service");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"the service already has a unit with call sign {callSign}", "input.callSign");
        }

        w.Add(new NewEvent("UNIT_CREATED", "Unit", id.ToString(), new { callSign, service = service.Code, profile = DbEnum.Text(profile) }, basePoint, service.TerritoryKato));
        return id;
    }

    public static async Task UpdateCompositionAsync(UnitOfWork w, Unit unit, UnitComposition composition, CancellationToken ct)
    {
        await using var cmd = w.Command(UnitSql.UpdateComposition);
        cmd.Parameters.Add(new NpgsqlParameter { Value = unit.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = composition.Personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = VehiclesJson(composition.Vehicles) });
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            throw new NotFoundException("no such unit", "unit");
        }

        w.Add(new NewEvent("UNIT_COMPOSITION_REPORTED", "Unit", unit.Id.ToString(),
            new { callSign = unit.CallSign, composition.Personnel, composition.Vehicles }, unit.Location, unit.TerritoryKato));
    }

    /// <summary>
    /// Moves a unit to a new status if the transition is allowed, under its row lock (callers that move several
    /// units lock them all first, in id order). Returns the status it left.
    /// </summary>
    public static async Task<UnitStatus> SetStatusAsync(UnitOfWork w, Guid unit, UnitStatus to, Guid? incident, CancellationToken ct)
    {
        UnitStatus from;
        string? territory;
        string callSign;
        Point location;
        await using (var read = w.Command(UnitSql.LockForStatus))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = unit });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new NotFoundException("no such unit", "unit");
            }

            from = DbEnum.Parse<UnitStatus>(reader.GetString(0));
            territory = reader.TextOrNull(1);
            callSign = reader.GetString(2);
            location = reader.GetFieldValue<Point>(3);
        }

        if (!UnitTransitions.IsAllowed(from, to))
        {
            throw new ConflictException(
                $"unit {callSign} cannot go from {DbEnum.Text(from)} to {DbEnum.Text(to)}; allowed: {string.Join(", ", UnitTransitions.From(from).Select(s => DbEnum.Text(s)))}",
                "status");
        }

        await using var update = w.Command(UnitSql.SetStatus);
        update.Parameters.Add(new NpgsqlParameter { Value = unit });
        update.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(to) });
        await update.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent("UNIT_STATUS_CHANGED", "Unit", unit.ToString(),
            new { incidentId = incident, from = DbEnum.Text(from), to = DbEnum.Text(to), callSign }, location, territory));
        return from;
    }

    /// <summary>
    /// Bulk AVL: binary COPY into a transaction-local table; the units locked in id order (two batches that share
    /// units, in any order, then queue instead of deadlocking — on the units and on the track's keys alike); one
    /// INSERT into the track (resends skipped), one UPDATE that moves units only forward in time and reports zone
    /// crossings, which become events.
    /// </summary>
    public static async Task<PositionReportResult> ReportPositionsAsync(UnitOfWork w, IReadOnlyList<PositionReport> reports, string? territory, CancellationToken ct)
    {
        await w.GeofenceGateAsync(GeofenceSide.Positions, ct);
        await w.LockAsync(LockedTable.ResponseUnits, reports.Select(r => r.Unit), ct);
        await using (var stage = w.Command(UnitSql.StagePositions))
        {
            await stage.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await w.Connection.BeginBinaryImportAsync(UnitSql.CopyPositions, ct))
        {
            foreach (var r in reports)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.Unit, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(r.At, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.Point.X, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(r.Point.Y, NpgsqlDbType.Double, ct);
                await WriteNullableAsync(copy, r.SpeedKmh, ct);
                await WriteNullableAsync(copy, r.HeadingDeg, ct);
            }

            await copy.CompleteAsync(ct);
        }

        int stored;
        await using (var append = w.Command(UnitSql.AppendTrack))
        {
            stored = await append.ExecuteNonQueryAsync(ct);
        }

        var crossings = 0;
        long moved = 0;
        await using (var move = w.Command(UnitSql.MoveUnits))
        await using (var reader = await move.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                moved = reader.GetInt64(9);
                if (reader.IsDBNull(4))
                {
                    continue;
                }

                var entered = reader.GetBoolean(8);
                crossings++;
                w.Add(new NewEvent(entered ? "UNIT_ENTERED_ZONE" : "UNIT_EXITED_ZONE", "Unit", reader.GetGuid(0).ToString(),
                    new { zoneId = reader.GetGuid(4), zoneVersion = reader.GetInt32(5), zoneKind = reader.GetString(6), callSign = reader.GetString(1), at = reader.GetDateTime(2) },
                    reader.GetFieldValue<Point>(3), reader.TextOrNull(7)));
            }
        }

        if (stored > 0)
        {
            // One event per batch, not per fix (10,000 a call): it says that positions changed, where, and for whom.
            var area = Geo.GeoJson.Factory.ToGeometry(new Envelope(
                reports.Min(r => r.Point.X), reports.Max(r => r.Point.X), reports.Min(r => r.Point.Y), reports.Max(r => r.Point.Y)));
            var units = reports.Select(r => r.Unit).Distinct().Count();
            w.Add(new NewEvent("POSITIONS_REPORTED", "PositionBatch", Guid.NewGuid().ToString(),
                new { received = reports.Count, stored, moved, units, crossings, latestAt = reports.Max(r => r.At) }, area, territory));
        }

        return new PositionReportResult(reports.Count, stored, reports.Count - stored, stored - (int)moved, crossings);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, float? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Real, ct) : copy.WriteNullAsync(ct);

    internal static string VehiclesJson(IReadOnlyList<VehicleCount> vehicles) =>
        JsonSerializer.Serialize(vehicles.Select(v => new { type = v.Type, count = v.Count }));

    private static async Task<List<Unit>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<Unit>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, 0));
        }

        return rows;
    }

    /// <summary>Maps <see cref="UnitSql.Columns"/> plus a distance column, starting at <paramref name="at"/>.</summary>
    internal static Unit Map(NpgsqlDataReader reader, int at) => new(
        reader.GetGuid(at), reader.GetGuid(at + 1), reader.GetString(at + 2), DbEnum.Parse<UnitProfile>(reader.GetString(at + 3)),
        DbEnum.Parse<UnitStatus>(reader.GetString(at + 4)), reader.GetDateTime(at + 5), reader.GetInt32(at + 6), ParseVehicles(reader.GetString(at + 7)),
        reader.IsDBNull(at + 8) ? null : reader.GetString(at + 8), PointOrEmpty(reader, at + 9), reader.IsDBNull(at + 10) ? null : reader.GetString(at + 10),
        PointOrEmpty(reader, at + 11), reader.IsDBNull(at + 12) ? null : reader.GetDateTime(at + 12),
        reader.IsDBNull(at + 13) ? null : reader.GetFloat(at + 13), reader.IsDBNull(at + 14) ? null : reader.GetFloat(at + 14),
        reader.IsDBNull(at + 15) ? null : reader.GetDouble(at + 15));

    // Both are NOT NULL in the table: NULL is UnitSql.ColumnsFor's stand-in for a column no selected field needs.
    private static Point PointOrEmpty(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? Point.Empty : reader.GetFieldValue<Point>(ordinal);

    private static List<VehicleCount> ParseVehicles(string json)
    {
        // The stand-in when vehicles are not selected, and most units' own value: no document to parse.
        if (json == "[]")
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(v => new VehicleCount(v.GetProperty("type").GetString()!, v.GetProperty("count").GetInt32())).ToList();
    }
}
