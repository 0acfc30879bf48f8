using Npgsql;

namespace Dispatch.Gis.Tiles;

internal sealed record Tile(byte[] Data, string ETag);

internal static class TileDb
{
    public static async Task<Tile> ReadAsync(NpgsqlDataSource db, TileRequest request, TileSettings settings, CancellationToken ct)
    {
        var (sql, parameters) = TileSql.Tile(request, settings);
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Tile(reader.GetFieldValue<byte[]>(0), TileSql.ETag(request, settings, reader.GetInt64(1), reader.GetDecimal(2)));
    }

    public static async Task<string> ETagAsync(NpgsqlDataSource db, TileRequest request, TileSettings settings, CancellationToken ct)
    {
        var (sql, parameters) = TileSql.Fingerprint(request, settings);
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return TileSql.ETag(request, settings, reader.GetInt64(0), reader.GetDecimal(1));
    }

    /// <summary>The extent of the territories (the service's area) in WGS 84, for TileJSON bounds.</summary>
    public static async Task<double[]> BoundsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM territories) x");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.IsDBNull(0) ? [-180, -85.051129, 180, 85.051129]
            : [Math.Round(reader.GetDouble(0), 4), Math.Round(reader.GetDouble(1), 4), Math.Round(reader.GetDouble(2), 4), Math.Round(reader.GetDouble(3), 4)];
    }
}
