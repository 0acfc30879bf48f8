using System.Globalization;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Tiles;

internal sealed record TileRequest(TileLayer Layer, int Z, int X, int Y, TerritoryScope Scope);

/// <param name="Extent">Tile grid size (MVT default 4096).</param>
/// <param name="Buffer">Grid units kept beyond the tile edge, so lines and symbols meet across tiles.</param>
/// <param name="MaxFeatures">Features per tile and layer; beyond it the layer's order decides which stay.</param>
internal sealed record TileSettings(int Extent, int Buffer, int MaxFeatures, TimeSpan StaleAfter)
{
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Extent}/{Buffer}/{MaxFeatures}/{StaleAfter.TotalSeconds}");
}

/// <summary>
/// The SQL of a vector tile, built the way pg_tileserv and martin do (ST_TileEnvelope → ST_AsMVTGeom → ST_AsMVT)
/// plus the fingerprint its ETag is made from. Pure, so the builders are tested without a database.
/// </summary>
internal static class TileSql
{
    /// <summary>Bump when the shape of every tile changes (the MVT encoding, the fingerprint rule).</summary>
    public const int SchemaVersion = 1;

    public const int MaxZoom = 22;

    public static bool IsValid(int z, int x, int y) => z is >= 0 and <= MaxZoom && x >= 0 && y >= 0 && x < 1 << z && y < 1 << z;

    /// <summary>
    /// One row: the tile (bytea), the number of rows meeting the buffered tile and their fingerprint. Both queries
    /// read the same rows, so a tile and the fingerprint computed alone for an If-None-Match always agree.
    /// </summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Tile(TileRequest request, TileSettings settings)
    {
        var layer = request.Layer;
        var (where, from) = Rows(request, settings);
        var attributes = string.Join(", ", layer.Attributes.Select(a => $"{Expand(a.Sql, where, settings)} AS {a.Name}"));
        var names = string.Join(", ", layer.Attributes.Select(a => "f." + a.Name));
        var featureId = layer.FeatureId is null ? "" : $", {layer.FeatureId} AS fid";
        var fid = layer.FeatureId is null ? "" : ", f.fid";
        // Generalisation: half a tile pixel (in degrees of longitude, which over-states a pixel in latitude by at
        // most 1/cos(55°) in Kazakhstan). ST_AsMVTGeom then snaps to the grid and drops what collapses.
        var tolerance = where.Parameter(360.0 / (Math.Pow(2, request.Z) * settings.Extent) / 2);
        var shape = layer.Polygons ? $"ST_Simplify(f.geom, {tolerance}, true)" : "f.geom";
        // The priority keys ride along as hidden columns (o0, o1, …): the outer query orders by the source values,
        // not by the formatted attributes, with one top-N sort.
        var orderKeys = string.Concat(layer.Order.Select((key, i) => $", {Expand(Key(key), where, settings)} AS o{i}"));
        var orderBy = string.Join(", ", layer.Order.Select((key, i) => key.EndsWith(" DESC", StringComparison.Ordinal) ? $"o{i} DESC" : $"o{i}"));
        var limit = where.Parameter(settings.MaxFeatures);
        var idColumn = layer.FeatureId is null ? "" : ", 'fid'";
        var sql = $"""
            WITH {from}, features AS (
                SELECT {attributes}{featureId}, {Expand(layer.Fingerprint, where, settings)} AS fp, {layer.Geometry} AS geom{orderKeys}
                FROM {layer.From} CROSS JOIN bounds{where.Sql}
            ), mvt AS (
                SELECT {names}{fid}, ST_AsMVTGeom(ST_Transform({shape}, 3857), bounds.clip, {settings.Extent}, {settings.Buffer}, true) AS geom
                FROM (SELECT * FROM features ORDER BY {orderBy} LIMIT {limit}) f CROSS JOIN bounds
            )
            SELECT (SELECT coalesce(ST_AsMVT(mvt.*, '{layer.Name}', {settings.Extent}, 'geom'{idColumn}), ''::bytea) FROM mvt WHERE mvt.geom IS NOT NULL),
                   (SELECT count(*) FROM features),
                   (SELECT coalesce(sum(hashtextextended(fp, 0)), 0) FROM features)
            """;
        return (sql, where.Parameters);
    }

    /// <summary>The fingerprint alone (no geometry processed): what an If-None-Match costs.</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Fingerprint(TileRequest request, TileSettings settings)
    {
        var (where, from) = Rows(request, settings);
        var sql = $"""
            WITH {from}
            SELECT count(*), coalesce(sum(hashtextextended({Expand(request.Layer.Fingerprint, where, settings)}, 0)), 0)
            FROM {request.Layer.From} CROSS JOIN bounds{where.Sql}
            """;
        return (sql, where.Parameters);
    }

    /// <summary>
    /// The ETag: a digest of what the tile's rows are (their count and the order-free sum of their fingerprints),
    /// who may see them (the scope) and how they are drawn (layer, schema and settings versions). Any change to a
    /// row meeting the tile, a row entering or leaving it, changes it; a change elsewhere does not.
    /// </summary>
    public static string ETag(TileRequest request, TileSettings settings, long count, decimal fingerprint) =>
        Http.ConditionalGet.WeakTag(string.Create(CultureInfo.InvariantCulture,
            $"{request.Layer.Name}|{request.Layer.Version}|{SchemaVersion}|{settings.Key}|{ScopeKey(request.Scope)}|{request.Z}/{request.X}/{request.Y}|{count}|{fingerprint}"));

    public static string ScopeKey(TerritoryScope scope) => scope.IsAll ? "*" : string.Join(",", scope.Katos.Order(StringComparer.Ordinal));

    /// <summary>
    /// The rows of a tile: those meeting the tile envelope widened by the buffer, transformed to the data's SRID
    /// (4326) so the GiST index applies. Web Mercator maps meridians and parallels to straight lines, so the
    /// transformed four-corner box is exact. Scope as in the GraphQL lists.
    /// </summary>
    private static (SqlConditions Where, string Bounds) Rows(TileRequest request, TileSettings settings)
    {
        var where = new SqlConditions();
        var z = where.Parameter(request.Z);
        var x = where.Parameter(request.X);
        var y = where.Parameter(request.Y);
        var margin = where.Parameter((double)settings.Buffer / settings.Extent);
        var bounds = $"""
            bounds AS (
                SELECT ST_TileEnvelope({z}, {x}, {y}) AS clip,
                       ST_Transform(ST_TileEnvelope({z}, {x}, {y}, margin => {margin}), 4326) AS area
            )
            """;
        where.Add($"ST_Intersects({request.Layer.Geometry}, bounds.area)");
        if (request.Layer.Where is { } fixedCondition)
        {
            where.Add(fixedCondition);
        }

        where.AddScope(request.Layer.ScopeColumn, request.Scope.SqlCodes);
        return (where, bounds);
    }

    private static string Key(string orderKey) => orderKey.EndsWith(" DESC", StringComparison.Ordinal) ? orderKey[..^5] : orderKey;

    private static string Expand(string sql, SqlConditions where, TileSettings settings) =>
        sql.Contains("{staleAfter}", StringComparison.Ordinal) ? sql.Replace("{staleAfter}", where.Parameter(settings.StaleAfter), StringComparison.Ordinal) : sql;
}
