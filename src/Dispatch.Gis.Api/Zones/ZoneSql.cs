using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Zones;

internal sealed record ZoneFilter(TerritoryScope Scope, SpatialFilter Spatial, ZoneKind? Kind, ZoneStatus? Status, Hazard? Hazard, Paging Paging);

internal static class ZoneSql
{
    public const string Geography = "z.geom::geography";

    // FOR UPDATE, the mode the follow trigger takes, so that holding these first never means upgrading a lock later.
    public const string LockFollowers = "SELECT 1 FROM alert_subscriptions WHERE zones && $1 ORDER BY id FOR UPDATE";

    public const string Columns = """
        z.id, z.kind, z.name, z.hazard, z.status, z.version, z.territory_kato, z.incident_id, z.created_by, z.created_at, z.updated_at, z.area_km2
        """;

    public const string ById = $"SELECT {Columns}, NULL::float8 FROM emergency_zones z WHERE z.id = ANY($1)";

    // $3: the vertices the request's answer has room for (ResponseBudget). A batch of full shapes past it is not
    // encoded at all; the batch's vertex count in the last column is what the caller refuses it by.
    public const string GeometryById = """
        WITH batch AS (SELECT coalesce(sum(vertices), 0) AS vertices FROM emergency_zones WHERE id = ANY($1))
        SELECT z.id,
               CASE WHEN $2 <= 0 AND b.vertices > $3 THEN NULL
                    ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(CASE WHEN $2 > 0 THEN ST_SimplifyPreserveTopology(z.geom, $2 / 111320.0) ELSE z.geom END)), 7)
               END,
               b.vertices
        FROM emergency_zones z CROSS JOIN batch b WHERE z.id = ANY($1)
        """;

    // $2: the vertices the answer has room for, as in GeometryById.
    public const string VersionsByZone = """
        WITH batch AS (SELECT coalesce(sum(vertices), 0) AS vertices FROM emergency_zone_versions WHERE zone_id = ANY($1))
        SELECT v.zone_id, v.version,
               CASE WHEN b.vertices > $2 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(v.geom), 7) END,
               CASE WHEN b.vertices > $2 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(v.area_added), 7) END,
               CASE WHEN b.vertices > $2 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(v.area_removed), 7) END,
               v.area_added_km2, v.area_removed_km2,
               v.note, v.changed_by, v.changed_at, b.vertices
        FROM emergency_zone_versions v CROSS JOIN batch b WHERE v.zone_id = ANY($1) ORDER BY v.zone_id, v.version DESC
        """;

    public static (string Sql, NpgsqlParameter[] Parameters) List(ZoneFilter filter)
    {
        var where = Conditions(filter);
        var distance = filter.Spatial.DistanceSelect(where, Geography);
        var order = filter.Spatial.DistanceOrder(where, Geography, "z.id", filter.Paging, s => Guid.Parse(s));
        var page = order is null ? where.KeysetPage("z.id", filter.Paging.AfterGuid, filter.Paging.First) : $" {order} LIMIT {where.Parameter(filter.Paging.First + 1)}";
        return ($"SELECT {Columns}, {distance} FROM emergency_zones z{where.Sql}{page}", where.Parameters);
    }

    public static (string Sql, NpgsqlParameter[] Parameters) Count(ZoneFilter filter)
    {
        var where = Conditions(filter);
        return ($"SELECT count(*) FROM emergency_zones z{where.Sql}", where.Parameters);
    }

    private static SqlConditions Conditions(ZoneFilter filter)
    {
        var where = new SqlConditions();
        where.AddScope("z.territory_kato", filter.Scope.SqlCodes);

        filter.Spatial.AppendTo(where, "z.geom", Geography);
        where.AddEqual("z.kind", filter.Kind);

        where.AddEqual("z.status", filter.Status);

        where.AddEqual("z.hazard", filter.Hazard);

        return where;
    }

    // The district holding the largest part of the zone decides whose scope it is in (a region covers its districts).
    public const string MainTerritoryOf = """
        SELECT t.kato FROM territories t WHERE t.level = 'DISTRICT' AND ST_Intersects(t.geom, $1)
        ORDER BY ST_Area(ST_Intersection(t.geom, $1)::geography) DESC LIMIT 1
        """;

    public const string Insert = """
        INSERT INTO emergency_zones (geom, kind, name, hazard, incident_id, created_by, territory_kato)
        VALUES (ST_Multi($1), $2, $3, $4, $5, $6, $7)
        RETURNING id
        """;

    public const string LockForChange = "SELECT version, status, territory_kato, geom FROM emergency_zones WHERE id = $1 FOR NO KEY UPDATE";

    public const string UpdateGeometry = """
        UPDATE emergency_zones SET geom = ST_Multi($2), version = version + 1, updated_at = clock_timestamp(), territory_kato = $3
        WHERE id = $1 RETURNING version
        """;

    public const string Close = "UPDATE emergency_zones SET status = 'CLOSED', updated_at = clock_timestamp() WHERE id = $1";

    // area_added / area_removed: what this version gained and lost against the previous one (NULL when nothing).
    public const string InsertVersion = """
        INSERT INTO emergency_zone_versions (zone_id, version, geom, area_added, area_removed, note, changed_by)
        SELECT $1, $2, ST_Multi($3), nullif_empty(ST_Difference(ST_Multi($3), prev)), nullif_empty(ST_Difference(prev, ST_Multi($3))), $5, $6
        FROM (SELECT $4::geometry AS prev) p
        RETURNING area_added_km2, area_removed_km2
        """;

    public const string UnitsInZones = $"""
        SELECT z.id, {Units.UnitSql.Columns}, NULL::float8
        FROM emergency_zones z JOIN response_units u ON ST_Intersects(z.geom, u.location) WHERE z.id = ANY($1) ORDER BY u.call_sign
        """;

    public const string ObjectsInZones = $"""
        SELECT z.id, {DangerousObjects.DangerousObjectDb.Columns}, NULL::float8
        FROM emergency_zones z JOIN dangerous_objects o ON ST_Intersects(z.geom, o.geom) WHERE z.id = ANY($1) ORDER BY o.name
        """;

    public const string SettlementsInZones = $"""
        SELECT z.id, {Territories.SettlementDb.Columns}, NULL::float8
        FROM emergency_zones z JOIN settlements s ON ST_Intersects(z.geom, s.geom) WHERE z.id = ANY($1) ORDER BY s.population DESC
        """;

    public static readonly string TerritoriesOfZones = $"""
        SELECT z.id, {Territories.TerritorySql.ColumnsOf("t")}
        FROM emergency_zones z JOIN territories t ON ST_Intersects(t.geom, z.geom) WHERE z.id = ANY($1) ORDER BY t.kato
        """;

    /// <summary>
    /// Units whose membership of the zone changes between the old and the new shape (old NULL: a new zone;
    /// new NULL: a closed one). The || keeps both shapes' indexes usable.
    /// </summary>
    public const string Crossings = """
        SELECT u.id, u.call_sign, u.location, (new_shape IS NOT NULL AND ST_Intersects(new_shape, u.location)) AS inside
        FROM response_units u, (SELECT $1::geometry AS old_shape, $2::geometry AS new_shape) s
        WHERE (ST_Intersects(u.location, s.new_shape) OR ST_Intersects(u.location, s.old_shape))
          AND coalesce(ST_Intersects(s.new_shape, u.location), false) <> coalesce(ST_Intersects(s.old_shape, u.location), false)
        """;
}
