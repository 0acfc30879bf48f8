using Npgsql;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>Rows read straight from the database as its owner: the independent record a test checks the service against.</summary>
internal static class SqlRows
{
    public static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, T> map, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var value in parameters)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
