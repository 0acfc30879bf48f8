using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Ogc;

/// <summary>A datetime filter in UTC: an instant (Start = End) or an interval, either end open (null).</summary>
internal sealed record OgcInterval(DateTime? Start, DateTime? End);

/// <param name="After">The key of the last feature of the previous page (keyset, from the next link).</param>
internal sealed record OgcQuery(OgcCollection Collection, TerritoryScope Scope, BoundingBox? BBox, OgcInterval? Datetime, int Limit, string? After);

/// <summary>SQL of the OGC API items: pure builders, tested without a database.</summary>
internal static class OgcSql
{
    /// <summary>One page, ordered by key, one row more than the limit (it only says whether a next page exists).</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Items(OgcQuery query)
    {
        var c = query.Collection;
        var where = Conditions(query);
        if (query.After is { } after)
        {
            where.Add($"{c.Key} > {{0}}", Key(c, after) ?? throw new GraphQL.BadUserInputException("after is not a feature key of this collection", "after"));
        }

        var limit = where.Parameter(query.Limit + 1);
        return ($"SELECT {c.Key}::text, {GeoJson(c)}, ({c.Properties})::text FROM {c.From}{where.Sql} ORDER BY {c.Key} LIMIT {limit}", where.Parameters);
    }

    /// <summary>numberMatched: everything the filters select, across pages.</summary>
    public static (string Sql, NpgsqlParameter[] Parameters) Count(OgcQuery query)
    {
        var where = Conditions(query);
        return ($"SELECT count(*) FROM {query.Collection.From}{where.Sql}", where.Parameters);
    }

    public static (string Sql, NpgsqlParameter[] Parameters) Item(OgcCollection c, TerritoryScope scope, object key)
    {
        var where = new SqlConditions();
        where.Add($"{c.Key} = {{0}}", key);
        where.AddScope(c.ScopeColumn, scope.SqlCodes);
        return ($"SELECT {c.Key}::text, {GeoJson(c)}, ({c.Properties})::text FROM {c.From}{where.Sql}", where.Parameters);
    }

    /// <summary>The feature key as the collection types it, or null when the text cannot be one (then nothing matches).</summary>
    public static object? Key(OgcCollection c, string text) => c.KeyType switch
    {
        OgcKey.Uuid => Guid.TryParse(text, out var id) ? id : null,
        _ => text,
    };

    // RFC 7946 winding and 7 decimals (≈ 1 cm), as the GraphQL geometries.
    private static string GeoJson(OgcCollection c) => $"ST_AsGeoJSON(ST_ForcePolygonCCW({c.Geometry}), 7)";

    private static SqlConditions Conditions(OgcQuery query)
    {
        var c = query.Collection;
        var where = new SqlConditions();
        query.BBox?.AppendTo(where, c.Geometry);
        if (query.Datetime is { } interval && c.Temporal is { } column)
        {
            if (interval.Start == interval.End && interval.Start is { } instant)
            {
                where.Add($"{column} = {{0}}", instant);
            }
            else
            {
                if (interval.Start is { } start)
                {
                    where.Add($"{column} >= {{0}}", start);
                }

                if (interval.End is { } end)
                {
                    where.Add($"{column} <= {{0}}", end);
                }
            }
        }

        where.AddScope(c.ScopeColumn, query.Scope.SqlCodes);
        return where;
    }
}
