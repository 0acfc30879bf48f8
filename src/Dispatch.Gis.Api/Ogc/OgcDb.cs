using Dispatch.Gis.Auth;
using Npgsql;

namespace Dispatch.Gis.Ogc;

/// <summary>A feature as PostGIS wrote it: its key, GeoJSON geometry text (null without one) and properties JSON text.</summary>
internal sealed record OgcFeature(string Id, string? Geometry, string Properties);

internal sealed record OgcPage(IReadOnlyList<OgcFeature> Features, bool HasNext, long NumberMatched);

internal static class OgcDb
{
    public static async Task<OgcPage> ItemsAsync(NpgsqlDataSource db, OgcQuery query, CancellationToken ct)
    {
        var (sql, parameters) = OgcSql.Items(query);
        var features = await ReadAsync(db, sql, parameters, ct);
        var hasNext = features.Count > query.Limit;
        if (hasNext)
        {
            features.RemoveRange(query.Limit, features.Count - query.Limit);
        }

        // A first page that holds everything is its own count.
        long matched = features.Count;
        if (query.After is not null || hasNext)
        {
            var (countSql, countParameters) = OgcSql.Count(query);
            matched = await Storage.Db.CountAsync(db, countSql, countParameters, ct);
        }

        return new OgcPage(features, hasNext, matched);
    }

    public static async Task<OgcFeature?> ItemAsync(NpgsqlDataSource db, OgcCollection collection, TerritoryScope scope, object key, CancellationToken ct)
    {
        var (sql, parameters) = OgcSql.Item(collection, scope, key);
        return (await ReadAsync(db, sql, parameters, ct)).FirstOrDefault();
    }

    private static async Task<List<OgcFeature>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<OgcFeature>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OgcFeature(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
