using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Territories;

/// <summary>SQL text for territories; pure, so the builders are tested without a database.</summary>
internal static class TerritorySql
{
    public const string Columns = """
        kato, level, kind, parent_kato, name_kk, name_ru, name_en, iso_3166_2, pcode, area_km2,
        admin_centre, admin_centre_name_kk, admin_centre_name_ru, admin_centre_name_en,
        population_total, population_year, population_source
        """;

    /// <summary>The same columns qualified with a table alias, for joins.</summary>
    public static string ColumnsOf(string alias) =>
        string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => $"{alias}.{c}"));

    /// <summary>$2 NULL clears the total with its year and source.</summary>
    public const string SetPopulation = """
        UPDATE territories SET population_total = $2, population_year = $3, population_source = $4 WHERE kato = $1
        """;

    public const string ByKato = $"SELECT {Columns} FROM territories WHERE kato = ANY($1)";

    public const string ByParentKato = $"SELECT {Columns} FROM territories WHERE parent_kato = ANY($1) ORDER BY kato";

    // Settlements on a shared boundary count in both neighbours only if they sit exactly on it;
    // ST_Covers (not ST_Contains) keeps a point on the edge from vanishing from both.
    public const string PopulationByKato = """
        SELECT t.kato, coalesce(sum(s.population), 0)::bigint
        FROM territories t
        LEFT JOIN settlements s ON ST_Covers(t.geom, s.geom)
        WHERE t.kato = ANY($1)
        GROUP BY t.kato
        """;

    // ST_ForcePolygonCCW: RFC 7946 winding (exterior counter-clockwise, holes clockwise), whatever the source had.
    // The tolerance converts metres at 111,320 m per degree, the length of a degree of latitude; a degree of
    // longitude is shorter in Kazakhstan (≈ 71–81 km), so east-west the shape is simplified less than asked, never more.
    // $3: the vertices the request's answer has room for (ResponseBudget); full boundaries past it are not encoded,
    // and the batch's vertex count in the last column is what the caller refuses them by.
    public const string GeometryByKato = """
        WITH batch AS (SELECT coalesce(sum(vertices), 0) AS vertices FROM territories WHERE kato = ANY($1))
        SELECT t.kato,
               CASE WHEN $2 <= 0 AND b.vertices > $3 THEN NULL
                    ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(CASE WHEN $2 > 0 THEN ST_SimplifyPreserveTopology(t.geom, $2 / 111320.0) ELSE t.geom END)), 6)
               END,
               b.vertices
        FROM territories t CROSS JOIN batch b
        WHERE t.kato = ANY($1)
        """;

    /// <summary>A territory column inside a token's scope ({0} = the scope's KATO codes): the code itself or its region.</summary>
    public static string ScopeCondition(string column) =>
        $"({column} = ANY({{0}}) OR substr({column}, 1, 2) || '0000000' = ANY({{0}}))";

    public static (string Sql, NpgsqlParameter[] Parameters) List(TerritoryFilter filter) =>
        Build(filter, page: true);

    public static (string Sql, NpgsqlParameter[] Parameters) Count(TerritoryFilter filter) =>
        Build(filter, page: false);

    private static (string Sql, NpgsqlParameter[] Parameters) Build(TerritoryFilter filter, bool page)
    {
        var where = new SqlConditions();
        where.AddScope("kato", filter.Scope.SqlCodes);

        where.AddEqual("level", filter.Level);

        if (filter.ParentKato is { } parent)
        {
            where.Add("parent_kato = {0}", parent);
        }

        filter.BBox?.AppendTo(where, "geom");

        if (filter.Intersects is { } shape)
        {
            where.Add("ST_Intersects(geom, {0})", shape);
        }

        if (filter.ContainsPoint is { } point)
        {
            where.Add("ST_Covers(geom, {0})", point);
        }

        if (!page)
        {
            return ($"SELECT count(*) FROM territories{where.Sql}", where.Parameters);
        }

        var keyset = where.KeysetPage("kato", filter.Paging.After, filter.Paging.First);
        return ($"SELECT {Columns} FROM territories{where.Sql}{keyset}", where.Parameters);
    }
}
