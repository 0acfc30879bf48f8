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

    public const string StraightLine = "STRAIGHT_LINE";

    private const string Settlements = """
        SELECT id, name, population FROM settlements WHERE ST_Intersects(geom, $1) ORDER BY population DESC, id
        """;

    // The forecast's own source object is left out: it is where the zone starts, not what it reaches.
    private const string Objects = """
        SELECT id, name, hazard_class FROM dangerous_objects
        WHERE geom IS NOT NULL AND ST_Intersects(geom, $1) AND id IS DISTINCT FROM $2 ORDER BY id
        """;

    private const string UnitsInside = """
        SELECT id, call_sign, status, service_id FROM response_units WHERE ST_Intersects(location, $1) ORDER BY id
        """;

    // Units on their way (DISPATCHED or EN_ROUTE, on a deployment to the incident that has not arrived) whose straight line
    // to the incident runs through the zone; the length inside is measured on the spheroid.
    private const string Crossings = """
        SELECT u.id, u.call_sign, u.status, u.service_id, s.code, u.territory_kato,
               ST_Length(ST_Intersection(ST_MakeLine(u.location, i.location), $1)::geography)
        FROM deployments d
        JOIN response_units u ON u.id = d.unit_id
        JOIN duty_services s ON s.id = u.service_id
        JOIN incidents i ON i.id = d.incident_id
        WHERE d.incident_id = $2 AND d.arrived_at IS NULL AND d.left_at IS NULL AND u.status IN ('DISPATCHED', 'EN_ROUTE')
          AND ST_Intersects(ST_MakeLine(u.location, i.location), $1)
        ORDER BY u.id
        """;

    public static async Task<Exposure> MeasureAsync(UnitOfWork w, Polygon zone, Guid? incident, Guid? sourceObject, CancellationToken ct)
    {
        var settlements = await Db.ReadAllAsync(w, Settlements, r => new ExposedSettlement(r.GetInt64(0), r.GetString(1), r.GetInt32(2)), ct, Shape(zone));
        var objects = await Db.ReadAllAsync(w, Objects, r => new ExposedObject(r.GetGuid(0), r.GetString(1), r.GetString(2)), ct, Shape(zone),
            Db.NullableId(sourceObject));
        var units = await Db.ReadAllAsync(w, UnitsInside, r => new ExposedUnit(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3)), ct, Shape(zone));
        var crossings = incident is { } id
            ? await Db.ReadAllAsync(w, Crossings, r => new RouteCrossing(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4),
                r.TextOrNull(5), StraightLine, Math.Round(r.GetDouble(6), 1)), ct, Shape(zone), new NpgsqlParameter { Value = id })
            : [];
        return new Exposure(settlements.Sum(s => s.Population), PopulationMethod, settlements, objects, units, crossings);
    }

    private static NpgsqlParameter Shape(Polygon zone) => new() { Value = zone };
}
