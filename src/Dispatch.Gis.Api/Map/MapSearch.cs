using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Map;

internal enum SearchHitKind
{
    Territory,
    Settlement,
    Unit,
    DangerousObject,
    Incident,
}

/// <param name="Bbox">[minLon, minLat, maxLon, maxLat] of the thing, for a map to fit.</param>
internal sealed record SearchHit(SearchHitKind Kind, string Id, string Label, string? Detail, Point Point, double[] Bbox);

internal sealed class SearchHitKindGraphType : EnumerationGraphType<SearchHitKind>
{
    public SearchHitKindGraphType() => Name = "SearchHitKind";
}

internal sealed class SearchHitGraphType : ObjectGraphType<SearchHit>
{
    public SearchHitGraphType()
    {
        Name = "SearchHit";
        Description = "A place or an object whose name, call sign or number matches a search.";
        Field<NonNullGraphType<SearchHitKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<IdGraphType>>("id").Description("KATO code, GeoNames id, unit, object or incident id.").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Label);
        Field(x => x.Detail, nullable: true);
        Field<NonNullGraphType<GeometryGraphType>>("point").Description("A point on it (inside a territory).").Resolve(ctx => ctx.Source.Point);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FloatGraphType>>>>("bbox").Resolve(ctx => ctx.Source.Bbox);
    }
}

/// <summary>
/// The map's search box: territories and settlements by name (Kazakh, Russian, English), units by call sign,
/// dangerous objects by name, incidents by card number; in the token's territories; exact and prefix matches first.
/// </summary>
internal static class MapSearchSql
{
    public static (string Sql, NpgsqlParameter[] Parameters) Search(string text, TerritoryScope scope, int first)
    {
        var where = new SqlConditions();
        var pattern = where.Parameter("%" + EscapeLike(text) + "%");
        var prefix = where.Parameter(EscapeLike(text) + "%");
        var exact = where.Parameter(text);
        var number = where.Parameter(long.TryParse(text.TrimStart('#', '№'), out var n) ? n : -1L);
        var limit = where.Parameter(first);
        string Scope(string column)
        {
            if (scope.SqlCodes is not { } codes)
            {
                return "";
            }

            return " AND " + Territories.TerritorySql.ScopeCondition(column).Replace("{0}", where.Parameter(codes.ToArray()), StringComparison.Ordinal);
        }

        string Rank(string label) => $"CASE WHEN lower({label}) = lower({exact}) THEN 0 WHEN {label} ILIKE {prefix} THEN 1 ELSE 2 END";
        var sql = $"""
            SELECT kind, id, label, detail, point, ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box) FROM (
                SELECT 'TERRITORY' AS kind, t.kato AS id, t.name_ru AS label, t.name_kk || ' / ' || t.name_en AS detail,
                       ST_PointOnSurface(t.geom) AS point, ST_Envelope(t.geom) AS box,
                       least({Rank("t.name_kk")}, {Rank("t.name_ru")}, {Rank("t.name_en")}) AS rank
                FROM territories t
                WHERE (t.name_kk ILIKE {pattern} OR t.name_ru ILIKE {pattern} OR t.name_en ILIKE {pattern}){Scope("t.kato")}
                UNION ALL
                SELECT 'SETTLEMENT', s.id::text, s.name, s.population::text, s.geom, s.geom, {Rank("s.name")}
                FROM settlements s WHERE (s.name ILIKE {pattern} OR s.name_ascii ILIKE {pattern}){Scope("s.territory_kato")}
                UNION ALL
                SELECT 'UNIT', u.id::text, u.call_sign, u.profile || ' ' || u.status, u.location, u.location, {Rank("u.call_sign")}
                FROM response_units u WHERE u.call_sign ILIKE {pattern}{Scope("u.territory_kato")}
                UNION ALL
                SELECT 'DANGEROUS_OBJECT', o.id::text, o.name, o.hazard_class, ST_PointOnSurface(o.geom), ST_Envelope(o.geom), {Rank("o.name")}
                FROM dangerous_objects o WHERE o.geom IS NOT NULL AND o.name ILIKE {pattern}{Scope("o.territory_kato")}
                UNION ALL
                SELECT 'INCIDENT', i.id::text, '№' || i.number, coalesce(i.type, i.preliminary_type, i.status), i.location, i.location, 0
                FROM incidents i WHERE i.number = {number}{Scope("i.territory_kato")}
            ) hits
            ORDER BY rank, length(label), label
            LIMIT {limit}
            """;
        return (sql, where.Parameters);
    }

    /// <summary>The user's text matches literally: % and _ are not wildcards for them.</summary>
    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

internal static class MapSearchQueries
{
    public const int MaxHits = 50;

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchHitGraphType>>>>("search")
            .Description("Places and objects by name, call sign or card number (the operator map's search box).")
            .Argument<NonNullGraphType<StringGraphType>>("text", "At least 2 characters; matched anywhere in the name, case-insensitively.")
            .Argument<IntGraphType>("first", $"How many (default 10, at most {MaxHits}).")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var text = ctx.GetArgument<string>("text").Trim();
                if (text.Length < 2)
                {
                    throw new BadUserInputException("text needs at least 2 characters", "text");
                }

                var first = ctx.GetArgument<int?>("first") ?? 10;
                if (first is < 1 or > MaxHits)
                {
                    throw new BadUserInputException($"first must be 1 to {MaxHits}", "first");
                }

                var (sql, parameters) = MapSearchSql.Search(text, ctx.Caller().Scope, first);
                await using var cmd = db.CreateCommand(sql);
                cmd.Parameters.AddRange(parameters);
                var hits = new List<SearchHit>();
                await using var reader = await cmd.ExecuteReaderAsync(ctx.CancellationToken);
                while (await reader.ReadAsync(ctx.CancellationToken))
                {
                    hits.Add(new SearchHit(DbEnum.Parse<SearchHitKind>(reader.GetString(0)), reader.GetString(1), reader.GetString(2), Db.TextOrNull(reader, 3),
                        reader.GetFieldValue<Point>(4), [reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8)]));
                }

                return hits;
            });
    }
}
