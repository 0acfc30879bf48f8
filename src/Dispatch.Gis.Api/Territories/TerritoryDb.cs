using System.Text.Json;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Territories;

internal static class TerritoryDb
{
    public static async Task<Connection<Territory>> ListAsync(NpgsqlDataSource db, TerritoryFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = TerritorySql.List(filter);
        var rows = await ReadAsync(db, sql, parameters, ct);

        return Connection<Territory>.Page(rows, filter.Paging, t => Paging.EncodeCursor(t.Kato), token => CountAsync(db, filter, token));
    }

    public static async Task<long> CountAsync(NpgsqlDataSource db, TerritoryFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = TerritorySql.Count(filter);
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<IDictionary<string, Territory>> ByKatoAsync(NpgsqlDataSource db, IEnumerable<string> katos, CancellationToken ct)
    {
        var rows = await ReadAsync(db, TerritorySql.ByKato, [new NpgsqlParameter { Value = katos.ToArray() }], ct);
        return rows.ToDictionary(t => t.Kato);
    }

    public static async Task<IDictionary<string, IReadOnlyList<Territory>>> ByParentKatoAsync(NpgsqlDataSource db, IEnumerable<string> katos, CancellationToken ct)
    {
        var rows = await ReadAsync(db, TerritorySql.ByParentKato, [new NpgsqlParameter { Value = katos.ToArray() }], ct);
        return rows.GroupBy(t => t.ParentKato!).ToDictionary(g => g.Key, g => (IReadOnlyList<Territory>)g.ToList());
    }

    /// <summary>The district a geometry lies in (a point on its surface, for areas), or null outside Kazakhstan.</summary>
    public static async Task<string?> DistrictOfAsync(NpgsqlDataSource db, Geometry geometry, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT kato FROM territories WHERE level = 'DISTRICT' AND ST_Covers(geom, ST_PointOnSurface($1)) ORDER BY kato LIMIT 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = geometry });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public static async Task<IDictionary<string, long>> PopulationByKatoAsync(NpgsqlDataSource db, IEnumerable<string> katos, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(TerritorySql.PopulationByKato);
        cmd.Parameters.Add(new NpgsqlParameter { Value = katos.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, long>();
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }

        return result;
    }

    public static async Task<IDictionary<string, JsonElement>> GeometryByKatoAsync(
        NpgsqlDataSource db, IEnumerable<string> katos, double simplifyMeters, ResponseBudget budget, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(TerritorySql.GeometryByKato);
        cmd.Parameters.Add(new NpgsqlParameter { Value = katos.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = simplifyMeters });
        cmd.Parameters.Add(new NpgsqlParameter { Value = budget.VertexAllowance });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, JsonElement>();
        while (await reader.ReadAsync(ct))
        {
            // Full boundaries are priced from the stored counts before any is read; simplified ones as PostgreSQL returns them.
            if (simplifyMeters <= 0 && result.Count == 0)
            {
                budget.SpendVertices(reader.GetInt64(2));
            }

            var json = reader.GetString(1);
            if (simplifyMeters > 0)
            {
                budget.Spend(json.Length);
            }

            result[reader.GetString(0)] = GeoJson.Parse(json);
        }

        return result;
    }

    private static async Task<List<Territory>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<Territory>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, 0));
        }

        return rows;
    }

    /// <summary>Maps <see cref="TerritorySql.Columns"/>, starting at <paramref name="at"/>.</summary>
    internal static Territory Map(NpgsqlDataReader r, int at) => new(
        Kato: r.GetString(at),
        Level: DbEnum.Parse<TerritoryLevel>(r.GetString(at + 1)),
        Kind: DbEnum.Parse<TerritoryKind>(r.GetString(at + 2)),
        ParentKato: r.IsDBNull(at + 3) ? null : r.GetString(at + 3),
        NameKk: r.GetString(at + 4),
        NameRu: r.GetString(at + 5),
        NameEn: r.GetString(at + 6),
        Iso3166: r.IsDBNull(at + 7) ? null : r.GetString(at + 7),
        Pcode: r.GetString(at + 8),
        AreaKm2: r.GetDouble(at + 9),
        AdminCentre: r.IsDBNull(at + 10)
            ? null
            : new AdminCentre(r.GetString(at + 11), r.GetString(at + 12), r.GetString(at + 13), r.GetFieldValue<Point>(at + 10)),
        PopulationTotal: r.IsDBNull(at + 14) ? null : new PopulationTotal(r.GetInt64(at + 14), r.GetInt32(at + 15), r.GetString(at + 16)));
}
