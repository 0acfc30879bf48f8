using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>Small execution helpers shared by the feature *Db classes.</summary>
internal static class Db
{
    /// <summary>Runs a count query; the parameters are cloned because a parameter belongs to one command only.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource db, string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every row of a query, mapped; the one read loop the feature *Db classes share.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        return await ReadAllAsync(cmd, map, parameters, ct);
    }

    /// <summary>The same read loop inside a unit of work, seeing (and locking, if the SQL says so) what the work sees.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(UnitOfWork w, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct,
        params NpgsqlParameter[] parameters)
    {
        await using var cmd = w.Command(sql);
        return await ReadAllAsync(cmd, map, parameters, ct);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand cmd, Func<NpgsqlDataReader, T> map, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        cmd.Parameters.AddRange(parameters);
        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>An array parameter of ids, for <c>= ANY($n)</c>.</summary>
    public static NpgsqlParameter Ids(IEnumerable<Guid> ids) => new() { Value = ids.ToArray() };

    public static string? TextOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static NpgsqlParameter Nullable(string? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableTime(DateTime? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableId(Guid? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)value ?? DBNull.Value };
}
