using System.Text.Json;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// What one horizon's zone reaches, read in the unit of work that writes the zone so the figures and the zone agree:
/// the settlements and their people, the dangerous objects, the units now inside, and the en-route units of the
/// forecast's incident whose path crosses it. Paths are straight lines from the unit to the incident: no road graph
/// is loaded yet, and every figure that depends on it says so.
/// </summary>
internal static class ForecastExposure
{
    public const string PopulationMethod =
        "sum of the populations of the settlement points (GeoNames, towns of 15 000 and more) inside the zone; people outside those points are not counted";

    public const string AreaWeighted =
        "settlement points (GeoNames, towns of 15 000 and more) inside the zone, plus for each district below with a published population total: " +
        "(total − the district's settlement points, not below 0) × area(zone ∩ district) / area(district), areas on the WGS 84 spheroid, " +
        "rounded per district; districts without a total count their settlement points only";

    public const string StraightLine = "STRAIGHT_LINE";

    // One statement, one round trip per horizon: each part is its own CTE, aggregated to a jsonb array in the order the
    // separate queries used to return. The forecast's own source object is left out: it is where the zone starts, not
    // what it reaches. Units on their way (DISPATCHED or EN_ROUTE, on a deployment to the incident that has not arrived)
    // count when their straight line to the incident runs through the zone; the length inside is measured on the spheroid.
    // Districts with a total are few (an administrator sets them), so the area of each one's intersection is computed
    // only for those; the rest of a district's people, beyond its settlement points, is taken as spread evenly over it.
    private const string Measure = """
        WITH exposed_settlements AS (
            SELECT id, name, population FROM settlements WHERE ST_Intersects(geom, $1)
        ), exposed_objects AS (
            SELECT id, name, hazard_class FROM dangerous_objects
            WHERE geom IS NOT NULL AND ST_Intersects(geom, $1) AND id IS DISTINCT FROM $2
        ), units_inside AS (
            SELECT id, call_sign, status, service_id FROM response_units WHERE ST_Intersects(location, $1)
        ), crossings AS (
            SELECT u.id, u.call_sign, u.status, u.service_id, s.code, u.territory_kato,
                   ST_Length(ST_Intersection(ST_MakeLine(u.location, i.location), $1)::geography) AS inside_m
            FROM deployments d
            JOIN response_units u ON u.id = d.unit_id
            JOIN duty_services s ON s.id = u.service_id
            JOIN incidents i ON i.id = d.incident_id
            WHERE d.incident_id = $3 AND d.arrived_at IS NULL AND d.left_at IS NULL AND u.status IN ('DISPATCHED', 'EN_ROUTE')
              AND ST_Intersects(ST_MakeLine(u.location, i.location), $1)
        ), weighted_districts AS (
            SELECT t.kato, t.name_en, t.population_total, t.population_year, t.population_source,
                   greatest(t.population_total - coalesce((SELECT sum(x.population) FROM settlements x WHERE x.territory_kato = t.kato), 0), 0) AS outside_points,
                   least(ST_Area(ST_Intersection(t.geom, $1)::geography) / (t.area_km2 * 1e6), 1) AS area_share
            FROM territories t
            WHERE t.population_total IS NOT NULL AND ST_Intersects(t.geom, $1)
        )
        SELECT
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'population', population) ORDER BY population DESC, id), '[]')
             FROM exposed_settlements)::text,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'name', name, 'hazardClass', hazard_class) ORDER BY id), '[]')
             FROM exposed_objects)::text,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'callSign', call_sign, 'status', status, 'serviceId', service_id) ORDER BY id), '[]')
             FROM units_inside)::text,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('unitId', id, 'callSign', call_sign, 'status', status, 'serviceId', service_id, 'serviceCode', code,
                 'territoryKato', territory_kato, 'path', $4::text, 'distanceInsideMeters', inside_m) ORDER BY id), '[]')
             FROM crossings)::text,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('kato', kato, 'name', name_en, 'total', population_total, 'year', population_year,
                 'source', population_source, 'outsidePoints', outside_points, 'areaShare', area_share) ORDER BY kato), '[]')
             FROM weighted_districts)::text
        """;

    /// <summary>The zone may be any areal geometry (a plume sector is a Polygon, a flooded valley a MultiPolygon).</summary>
    public static async Task<Exposure> MeasureAsync(UnitOfWork w, Geometry zone, Guid? incident, Guid? sourceObject, CancellationToken ct)
    {
        await using var cmd = w.Command(Measure);
        cmd.Parameters.Add(new NpgsqlParameter { Value = zone });
        cmd.Parameters.Add(Db.NullableId(sourceObject));
        cmd.Parameters.Add(Db.NullableId(incident));
        cmd.Parameters.Add(new NpgsqlParameter { Value = StraightLine });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var settlements = Parse<ExposedSettlement>(reader.GetString(0));
        var objects = Parse<ExposedObject>(reader.GetString(1));
        var units = Parse<ExposedUnit>(reader.GetString(2));
        // Rounded here, not in SQL, so the metres shown are rounded the one way the rest of the service rounds them.
        var crossings = Parse<RouteCrossing>(reader.GetString(3)).Select(c => c with { DistanceInsideMeters = Math.Round(c.DistanceInsideMeters, 1) }).ToList();
        var districts = Parse<WeightedDistrict>(reader.GetString(4)).Select(d => d with { People = (long)Math.Round(d.OutsidePoints * d.AreaShare) }).ToList();
        return districts.Count == 0
            ? new Exposure(settlements.Sum(s => s.Population), PopulationMethod, settlements, objects, units, crossings)
            : new Exposure(settlements.Sum(s => s.Population) + districts.Sum(d => d.People), AreaWeighted, settlements, objects, units, crossings, districts);
    }

    private static List<T> Parse<T>(string json) => JsonSerializer.Deserialize<List<T>>(json, ForecastDb.Json)!;
}
