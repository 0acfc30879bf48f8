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

    public static string? TextOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static NpgsqlParameter Nullable(string? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableTime(DateTime? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableId(Guid? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid, Value = (object?)value ?? DBNull.Value };
}
