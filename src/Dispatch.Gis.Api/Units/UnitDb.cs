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

    public static async Task<IDictionary<Guid, UnitOwner>> OwnersAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(UnitSql.Owners, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var owners = new Dictionary<Guid, UnitOwner>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            owners[reader.GetGuid(0)] = new UnitOwner(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return owners;
    }

    public static async Task<Guid?> CreateAsync(WriteTransaction tx, Guid service, string callSign, UnitProfile profile, int personnel,
        IReadOnlyList<VehicleCount> vehicles, string? baseName, Point basePoint, CancellationToken ct)
    {
        await using var cmd = tx.Command(UnitSql.Insert);
        cmd.Parameters.Add(new NpgsqlParameter { Value = service });
        cmd.Parameters.Add(new NpgsqlParameter { Value = callSign });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(profile) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = VehiclesJson(vehicles) });
        cmd.Parameters.Add(Db.Nullable(baseName));
        cmd.Parameters.Add(new NpgsqlParameter { Value = basePoint });
        try
        {
            return await cmd.ExecuteScalarAsync(ct) as Guid?;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DispatchException(ErrorCodes.Conflict, $"the service already has a unit with call sign {callSign}", "input.callSign");
        }
    }

    public static async Task UpdateCompositionAsync(WriteTransaction tx, Guid unit, int personnel, IReadOnlyList<VehicleCount> vehicles, CancellationToken ct)
    {
        await using var cmd = tx.Command(UnitSql.UpdateComposition);
        cmd.Parameters.Add(new NpgsqlParameter { Value = unit });
        cmd.Parameters.Add(new NpgsqlParameter { Value = personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = VehiclesJson(vehicles) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Moves a unit to a new status if the transition is allowed; the row is locked while deciding.</summary>
    public static async Task<(UnitStatus From, string? Territory, Point Location)> SetStatusAsync(WriteTransaction tx, Guid unit, UnitStatus to, CancellationToken ct)
    {
        UnitStatus from;
        string? territory;
        Point location;
        await using (var read = tx.Command(UnitSql.LockForStatus))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = unit });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new DispatchException(ErrorCodes.NotFound, "no such unit", "unit");
            }

            from = DbEnum.Parse<UnitStatus>(reader.GetString(0));
            territory = reader.IsDBNull(1) ? null : reader.GetString(1);
            location = reader.GetFieldValue<Point>(3);
        }

        if (!UnitTransitions.IsAllowed(from, to))
        {
            throw new DispatchException(ErrorCodes.Conflict,
                $"a unit cannot go from {DbEnum.Text(from)} to {DbEnum.Text(to)}; allowed: {string.Join(", ", UnitTransitions.From(from).Select(s => DbEnum.Text(s)))}",
                "status");
        }

        await using var update = tx.Command(UnitSql.SetStatus);
        update.Parameters.Add(new NpgsqlParameter { Value = unit });
        update.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(to) });
        await update.ExecuteNonQueryAsync(ct);
        return (from, territory, location);
    }

    /// <summary>
    /// Bulk AVL: binary COPY into a transaction-local table, one INSERT into the track (resends skipped), one UPDATE
    /// that moves units only forward in time and reports zone crossings, then the crossing events; one transaction.
    /// </summary>
    public static async Task<PositionReportResult> ReportPositionsAsync(WriteTransaction tx, IReadOnlyList<PositionReport> reports, string actor, CancellationToken ct)
    {
        await using (var stage = tx.Command(UnitSql.StagePositions))
        {
            await stage.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await tx.Connection.BeginBinaryImportAsync(UnitSql.CopyPositions, ct))
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
        await using (var append = tx.Command(UnitSql.AppendTrack))
        {
            stored = await append.ExecuteNonQueryAsync(ct);
        }

        var events = new List<NewEvent>();
        long moved = 0;
        await using (var move = tx.Command(UnitSql.MoveUnits))
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
                events.Add(new NewEvent(entered ? "UNIT_ENTERED_ZONE" : "UNIT_EXITED_ZONE", "Unit", reader.GetGuid(0).ToString(),
                    new { zoneId = reader.GetGuid(4), zoneVersion = reader.GetInt32(5), zoneKind = reader.GetString(6), callSign = reader.GetString(1), at = reader.GetDateTime(2) },
                    reader.GetFieldValue<Point>(3), reader.IsDBNull(7) ? null : reader.GetString(7), actor));
            }
        }

        await EventLog.AppendAsync(tx.Connection, tx.Transaction, events, ct);
        return new PositionReportResult(reports.Count, stored, reports.Count - stored, stored - (int)moved, events.Count);
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
        reader.IsDBNull(at + 8) ? null : reader.GetString(at + 8), reader.GetFieldValue<Point>(at + 9), reader.IsDBNull(at + 10) ? null : reader.GetString(at + 10),
        reader.GetFieldValue<Point>(at + 11), reader.IsDBNull(at + 12) ? null : reader.GetDateTime(at + 12),
        reader.IsDBNull(at + 13) ? null : reader.GetFloat(at + 13), reader.IsDBNull(at + 14) ? null : reader.GetFloat(at + 14),
        reader.IsDBNull(at + 15) ? null : reader.GetDouble(at + 15));

    private static List<VehicleCount> ParseVehicles(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(v => new VehicleCount(v.GetProperty("type").GetString()!, v.GetProperty("count").GetInt32())).ToList();
    }
}
