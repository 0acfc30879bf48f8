using System.Diagnostics;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Fills an empty, migrated benchmark database (the service has started on it once) with synthetic units and
/// active emergency zones, in SQL. Units: 65 % around sixteen cities (normal spread, weighted by population),
/// 35 % uniform inside Kazakhstan's regions; one duty service per 1,000 units of a region. Zones: buffers of
/// 200 m to 5 km around points: a share (default 10 %) on randomly chosen units' locations, so city-biased like
/// the units, the rest uniform inside the regions. With share 1 every zone sits where units are, and city zones
/// overlap a dozen deep: the worst case for geofencing.
/// Needs the owner connection (ANALYZE). Refuses a database that already holds units or zones.
/// </summary>
internal static class Seed
{
    // name, lon, lat, region KATO, population (thousands) as the weight, spread (sigma) in km.
    private const string Cities = """
        ('Almaty', 76.912, 43.252, '750000000', 1977, 12.0), ('Astana', 71.446, 51.180, '710000000', 1544, 11.3),
        ('Shymkent', 69.600, 42.310, '790000000', 1200, 10.6), ('Aktobe', 57.207, 50.280, '150000000', 501, 9.0),
        ('Karagandy', 73.102, 49.802, '350000000', 498, 9.0), ('Taraz', 71.373, 42.898, '310000000', 358, 8.5),
        ('Kyzylorda', 65.509, 44.853, '430000000', 355, 8.5), ('Oral', 51.426, 51.246, '270000000', 330, 8.4),
        ('Pavlodar', 76.969, 52.276, '550000000', 329, 8.4), ('Oskemen', 82.606, 49.971, '630000000', 319, 8.4),
        ('Semey', 80.250, 50.421, '100000000', 293, 8.3), ('Atyrau', 51.884, 47.105, '230000000', 291, 8.3),
        ('Turkistan', 68.257, 43.295, '610000000', 227, 8.0), ('Kostanay', 63.625, 53.214, '390000000', 210, 7.9),
        ('Petropavl', 69.151, 54.873, '590000000', 201, 7.9), ('Aktau', 51.174, 43.661, '470000000', 147, 7.6)
        """;

    public static async Task RunAsync(NpgsqlDataSource db, int units, int zones, double cityZoneShare)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using (var check = new NpgsqlCommand(
            "SELECT current_database(), (SELECT count(*) FROM response_units), (SELECT count(*) FROM emergency_zones)", connection))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            var (name, existingUnits, existingZones) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            if (name == "dispatch")
            {
                throw new InvalidOperationException("refusing to seed the database named 'dispatch'; use a benchmark database");
            }

            if (existingUnits > 0 || existingZones > 0)
            {
                Console.WriteLine($"seed: {name} already holds {existingUnits} units and {existingZones} zones; nothing done");
                return;
            }
        }

        var cityUnits = (int)(units * 0.65);
        var ruralUnits = units - cityUnits;
        var cityZones = (int)Math.Round(zones * Math.Clamp(cityZoneShare, 0, 1));
        var clock = Stopwatch.StartNew();
        string[] steps =
        [
            "SELECT setseed(0.4242)",
            $"CREATE TEMP TABLE bench_cities (name text, lon float8, lat float8, region text, weight float8, sigma_km float8) ON COMMIT DROP",
            $"INSERT INTO bench_cities VALUES {Cities}",
            "CREATE TEMP TABLE bench_regions ON COMMIT DROP AS SELECT kato, ST_Subdivide(geom, 128) AS geom FROM territories WHERE level = 'REGION'",
            "CREATE INDEX ON bench_regions USING gist (geom)",
            "ANALYZE bench_regions",
            // City units: a normal spread around the centre (Box-Muller), degrees from km at the city's latitude.
            $"""
            CREATE TEMP TABLE bench_points ON COMMIT DROP AS
            WITH c AS (
                SELECT *, sum(weight) OVER (ORDER BY name) - weight AS lo, sum(weight) OVER (ORDER BY name) AS hi, sum(weight) OVER () AS total
                FROM bench_cities
            ), g AS (
                SELECT n, random() AS pick, random() AS u1, random() AS u2 FROM generate_series(1, {cityUnits}) n
            )
            SELECT g.n, c.region, ST_SetSRID(ST_MakePoint(
                       c.lon + c.sigma_km * sqrt(-2 * ln(1 - g.u1)) * cos(2 * pi() * g.u2) / (111.32 * cos(radians(c.lat))),
                       c.lat + c.sigma_km * sqrt(-2 * ln(1 - g.u1)) * sin(2 * pi() * g.u2) / 110.57), 4326) AS geom
            FROM g JOIN c ON g.pick * c.total >= c.lo AND g.pick * c.total < c.hi
            """,
            // Rural units: uniform in the bounding box, kept where a region holds them (about half the box is Kazakhstan).
            $"""
            INSERT INTO bench_points (n, region, geom)
            SELECT {cityUnits} + row_number() OVER (), region, geom FROM (
                SELECT (SELECT r.kato FROM bench_regions r WHERE ST_Intersects(r.geom, p.geom) LIMIT 1) AS region, p.geom
                FROM (SELECT ST_SetSRID(ST_MakePoint(46.5 + random() * 40.8, 40.6 + random() * 14.8), 4326) AS geom
                      FROM generate_series(1, {ruralUnits * 3})) p
            ) q WHERE region IS NOT NULL LIMIT {ruralUnits}
            """,
            """
            INSERT INTO duty_services (code, kind, name, territory_kato)
            SELECT format('BENCH-%s-%s', region, k), (ARRAY['POLICE', 'AMBULANCE', 'UTILITY_EMERGENCY', 'UDDS_112'])[1 + k % 4],
                   format('Benchmark service %s/%s', region, k), region
            FROM (SELECT region, count(*) AS units FROM bench_points GROUP BY region) r, generate_series(0, ceil(r.units / 1000.0)::int - 1) k
            """,
            """
            INSERT INTO response_units (service_id, call_sign, profile, personnel, base_name, base, territory_kato, location)
            SELECT s.id, 'BENCH-' || p.n, (ARRAY['FIRE', 'POLICE', 'MEDICAL', 'RESCUE', 'UTILITY', 'MEDICAL_AVIATION', 'HAZMAT'])[1 + p.n % 7],
                   2 + p.n % 6, 'Benchmark base ' || p.n, p.geom, p.region, p.geom
            FROM (SELECT *, (row_number() OVER (PARTITION BY region ORDER BY n) - 1) / 1000 AS k FROM bench_points) p
            JOIN duty_services s ON s.code = format('BENCH-%s-%s', p.region, p.k)
            """,
            // Zone centres: a share on unit locations (city-biased, so city units cross edges), the rest uniform in Kazakhstan.
            $"""
            INSERT INTO emergency_zones (kind, name, hazard, geom, created_by)
            SELECT (ARRAY['ACTUAL', 'FORECAST', 'POTENTIAL'])[1 + n % 3], 'Benchmark zone ' || n,
                   (ARRAY['RADIATION', 'CHEMICAL', 'BIOLOGICAL', 'ECOLOGICAL', 'FIRE', 'FLOOD', 'SEISMIC', 'METEOROLOGICAL', 'TECHNOGENIC', 'OTHER'])[1 + n % 10],
                   ST_Multi(ST_Buffer(geom::geography, 200 + random() * 4800, 'quad_segs=8')::geometry), 'benchmark-seed'
            FROM (SELECT row_number() OVER () AS n, geom FROM (
                (SELECT geom FROM bench_points ORDER BY random() LIMIT {cityZones})
                UNION ALL
                (SELECT p.geom FROM (SELECT ST_SetSRID(ST_MakePoint(46.5 + random() * 40.8, 40.6 + random() * 14.8), 4326) AS geom
                                     FROM generate_series(1, {(zones - cityZones) * 3})) p
                 WHERE EXISTS (SELECT FROM bench_regions r WHERE ST_Intersects(r.geom, p.geom)) LIMIT {zones - cityZones})) picked) z
            """,
            """
            INSERT INTO emergency_zone_versions (zone_id, version, geom, note, changed_by)
            SELECT id, version, geom, 'benchmark seed', created_by FROM emergency_zones WHERE created_by = 'benchmark-seed'
            """,
        ];

        await using (var tx = await connection.BeginTransactionAsync())
        {
            foreach (var step in steps)
            {
                await using var cmd = new NpgsqlCommand(step, connection, tx) { CommandTimeout = 600 };
                await cmd.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        foreach (var table in new[] { "duty_services", "response_units", "emergency_zones", "emergency_zone_versions" })
        {
            await using var analyze = new NpgsqlCommand($"ANALYZE {table}", connection) { CommandTimeout = 600 };
            await analyze.ExecuteNonQueryAsync();
        }

        await using var summary = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM response_units), (SELECT count(*) FROM response_units WHERE territory_kato IS NOT NULL),
                   (SELECT count(*) FROM duty_services WHERE code LIKE 'BENCH-%'), (SELECT count(*) FROM emergency_zones WHERE status = 'ACTIVE'),
                   (SELECT round((avg(ST_Area(geom::geography)) / 1e6)::numeric, 2) FROM emergency_zones)
            """, connection);
        await using var counts = await summary.ExecuteReaderAsync();
        await counts.ReadAsync();
        Console.WriteLine(
            $"seed: {counts.GetInt64(0)} units ({counts.GetInt64(1)} with a territory), {counts.GetInt64(2)} services, " +
            $"{counts.GetInt64(3)} active zones ({cityZones} on unit locations, mean area {counts.GetDecimal(4)} km²) in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
