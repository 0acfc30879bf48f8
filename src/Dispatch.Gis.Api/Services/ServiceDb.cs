using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Services;

internal sealed record ServiceFilter(TerritoryScope Scope, string? Territory, ServiceKind? Kind, Paging Paging);

internal sealed record ServiceInput(string Code, ServiceKind Kind, string Name, string Territory, string? DutyOfficer,
    IReadOnlyList<string> Phones, IReadOnlyList<string> CallSigns, IReadOnlyList<(ChannelKind Kind, string Address, string? Label)> Channels);

internal static class ServiceDb
{
    public static async Task<Connection<DutyService>> ListAsync(NpgsqlDataSource db, ServiceFilter filter, CancellationToken ct)
    {
        var where = Conditions(filter);
        var countSql = $"SELECT count(*) FROM duty_services s{where.Sql}";
        var countParameters = where.Parameters;
        var page = where.KeysetPage("s.code", filter.Paging.After, filter.Paging.First);
        var rows = await ReadAsync(db, $"SELECT {ServiceSql.Columns} FROM duty_services s{where.Sql}{page}", where.Parameters, ct);

        return Connection<DutyService>.Page(rows, filter.Paging, s => Paging.EncodeCursor(s.Code), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    private static SqlConditions Conditions(ServiceFilter filter)
    {
        var where = new SqlConditions();
        where.AddScope("s.territory_kato", filter.Scope.SqlCodes);

        if (filter.Territory is { } territory)
        {
            where.Add("(s.territory_kato = {0} OR substr(s.territory_kato, 1, 2) || '0000000' = {0})", territory);
        }

        where.AddEqual("s.kind", filter.Kind);

        return where;
    }

    public static async Task<IDictionary<Guid, DutyService>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, ServiceSql.ById, [new NpgsqlParameter { Value = ids.ToArray() }], ct)).ToDictionary(s => s.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<ServiceChannel>>> ChannelsByServiceAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ServiceSql.ChannelsByService);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<ServiceChannel>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ServiceChannel(reader.GetGuid(0), reader.GetGuid(1), DbEnum.Parse<ChannelKind>(reader.GetString(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows.GroupBy(c => c.ServiceId).ToDictionary(g => g.Key, g => (IReadOnlyList<ServiceChannel>)g.ToList());
    }

    public static async Task<Guid> UpsertAsync(UnitOfWork w, ServiceInput input, CancellationToken ct)
    {
        Guid id;
        bool inserted;
        await using (var cmd = w.Command(ServiceSql.Upsert))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = input.Code });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(input.Kind) });
            cmd.Parameters.Add(new NpgsqlParameter { Value = input.Name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = input.Territory });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)input.DutyOfficer ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = input.Phones.ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = input.CallSigns.ToArray() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            id = reader.GetGuid(0);
            inserted = reader.GetBoolean(2);
        }

        var kinds = input.Channels.Select(c => DbEnum.Text(c.Kind)).ToArray();
        var addresses = input.Channels.Select(c => c.Address).ToArray();
        await using (var delete = w.Command(ServiceSql.DeleteMissingChannels))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = id });
            delete.Parameters.Add(new NpgsqlParameter { Value = kinds });
            delete.Parameters.Add(new NpgsqlParameter { Value = addresses });
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var upsert = w.Command(ServiceSql.UpsertChannels))
        {
            upsert.Parameters.Add(new NpgsqlParameter { Value = id });
            upsert.Parameters.Add(new NpgsqlParameter { Value = kinds });
            upsert.Parameters.Add(new NpgsqlParameter { Value = addresses });
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = input.Channels.Select(c => c.Label).ToArray() });
            await upsert.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent(inserted ? "DUTY_SERVICE_CREATED" : "DUTY_SERVICE_UPDATED", "DutyService", id.ToString(),
            new { code = input.Code, kind = DbEnum.Text(input.Kind), channels = input.Channels.Count }, null, input.Territory));
        return id;
    }

    /// <summary>Opens a shift: one pending check per channel of every partner in the territory and its districts (Rules §5.1).</summary>
    public static async Task<Shift> StartShiftAsync(UnitOfWork w, string territory, CancellationToken ct)
    {
        Shift shift;
        long checks;
        await using (var cmd = w.Command(ServiceSql.StartShift))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = territory });
            cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (shift, checks) = (new Shift(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)), reader.GetInt64(4));
        }

        w.Add(new NewEvent("SHIFT_STARTED", "Shift", shift.Id.ToString(), new { shiftId = shift.Id, checks }, null, territory));
        return shift;
    }

    public static async Task<IDictionary<Guid, Shift>> ShiftByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ServiceSql.ShiftById);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        return (await ReadShiftsAsync(cmd, ct)).ToDictionary(s => s.Id);
    }

    public static async Task<Shift?> LatestShiftAsync(NpgsqlDataSource db, string territory, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ServiceSql.LatestShift);
        cmd.Parameters.Add(new NpgsqlParameter { Value = territory });
        return (await ReadShiftsAsync(cmd, ct)).SingleOrDefault();
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<CommsCheck>>> ChecksByShiftAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ServiceSql.ChecksByShift);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<CommsCheck>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(MapCheck(reader));
        }

        return rows.GroupBy(c => c.ShiftId).ToDictionary(g => g.Key, g => (IReadOnlyList<CommsCheck>)g.ToList());
    }

    /// <summary>Records the result of checking one channel of a shift; NOT_FOUND when the channel is not part of that shift's check.</summary>
    public static async Task<CommsCheck> RecordCheckAsync(UnitOfWork w, Shift shift, Guid channel, CheckResult result, string? note, string? dutyOfficer,
        CancellationToken ct)
    {
        CommsCheck check;
        await using (var cmd = w.Command(ServiceSql.RecordCheck))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = shift.Id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = channel });
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(result) });
            cmd.Parameters.Add(Db.Nullable(note));
            cmd.Parameters.Add(Db.Nullable(dutyOfficer));
            cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            check = await reader.ReadAsync(ct) ? MapCheck(reader) : throw new NotFoundException("that channel is not part of this shift's check", "channel");
        }

        w.Add(new NewEvent("COMMS_CHECK_RECORDED", "Shift", shift.Id.ToString(),
            new { shiftId = shift.Id, serviceId = check.ServiceId, channelId = channel, result = DbEnum.Text(result), dutyOfficer, note }, null, shift.TerritoryKato));
        return check;
    }

    private static CommsCheck MapCheck(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), DbEnum.Parse<CheckResult>(r.GetString(3)),
        r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetString(7));

    private static async Task<List<Shift>> ReadShiftsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<Shift>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Shift(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3)));
        }

        return rows;
    }

    private static async Task<List<DutyService>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<DutyService>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, 0));
        }

        return rows;
    }

    /// <summary>Maps <see cref="ServiceSql.Columns"/>, starting at <paramref name="at"/>.</summary>
    internal static DutyService Map(NpgsqlDataReader r, int at) => new(r.GetGuid(at), r.GetString(at + 1), DbEnum.Parse<ServiceKind>(r.GetString(at + 2)),
        r.GetString(at + 3), r.GetString(at + 4), r.TextOrNull(at + 5), r.GetFieldValue<string[]>(at + 6), r.GetFieldValue<string[]>(at + 7));
}
