using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// units(within:) and nearestUnits through the service, against the same SQL sent straight through Npgsql at the
/// same concurrency. Both sides share the machine with PostgreSQL; the ratio is server throughput / raw throughput.
/// </summary>
internal static class SpatialVsRaw
{
    private const double RadiusMeters = 5000;
    private const int TargetCount = 280;
    private const int PageSize = 1000;
    private const int NearestFirst = 10;
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    // UnitSql.Columns, verbatim.
    private const string Columns = """
        u.id, u.service_id, u.call_sign, u.profile, u.status, u.status_changed_at, u.personnel, u.vehicles::text, u.base_name, u.base,
        u.territory_kato, u.location, u.location_at, u.speed_kmh, u.heading_deg
        """;

    // What UnitSql.List and UnitSql.Count produce for a nationwide caller with only `within` and `first`:
    // Conditions() adds ST_DWithin with the point ($1) and radius ($2), DistanceSelect() the point again ($3),
    // then LIMIT first + 1 ($4). Parameters are typed by value as the service does (geometry, float8, int4).
    private const string WithinList =
        $"SELECT {Columns}, ST_Distance(u.location::geography, $3::geography) FROM response_units u " +
        "WHERE ST_DWithin(u.location::geography, $1::geography, $2) ORDER BY u.id LIMIT $4";

    private const string WithinCount = "SELECT count(*) FROM response_units u WHERE ST_DWithin(u.location::geography, $1::geography, $2)";

    // UnitSql.Nearest without filters or maxDistanceMeters: point $1, candidates first * 2 + 10 ($2), first ($3).
    private const string Nearest = $"""
        SELECT * FROM (
            SELECT {Columns}, ST_Distance(u.location::geography, $1::geography) AS distance
            FROM response_units u
            ORDER BY u.location::geography <-> $1::geography
            LIMIT $2) nearest
        ORDER BY distance, id
        LIMIT $3
        """;

    private const string WithinQuery =
        "query ($p: Geometry!) { units(within: {point: $p, radiusMeters: 5000}, first: 1000) { totalCount nodes { id callSign distanceMeters } } }";

    private const string NearestQuery = "query ($p: Geometry!) { nearestUnits(point: $p, first: 10) { nodes { id callSign distanceMeters } } }";

    public static async Task RunAsync(HttpClient http, NpgsqlDataSource db, int? serverPid, int requests, int[] concurrencies)
    {
        Console.WriteLine($"spatial: {Environment.ProcessorCount} cores shared by the service, PostgreSQL and this tool; service pid {serverPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown (no server CPU)"}");
        var within = await FindWithinPointAsync(db);
        var nearestPoints = NearestPoints();

        await CheckSameAnswersAsync(http, db, within);
        await ExplainAsync(db, within, nearestPoints[0]);

        var withinBody = Body(WithinQuery, within);
        var nearestBodies = nearestPoints.Select(p => Body(NearestQuery, p)).ToArray();
        var summary = new List<string>();
        foreach (var concurrency in concurrencies)
        {
            var server = await MeasureAsync("within server", requests, concurrency, serverPid, raw: false, _ => PostAsync(http, withinBody));
            var raw = await MeasureAsync("within raw list+count", requests, concurrency, serverPid, raw: true, async _ =>
            {
                await RawWithinListAsync(db, within);
                await RawWithinCountAsync(db, within);
                return true;
            });
            var rawList = await MeasureAsync("within raw list", requests, concurrency, serverPid, raw: true, _ => RawWithinListAsync(db, within));
            summary.Add(Ratio("within", concurrency, server, raw, rawList));

            var nearestServer = await MeasureAsync("nearest server", requests, concurrency, serverPid, raw: false, i => PostAsync(http, nearestBodies[i % nearestBodies.Length]));
            var nearestRaw = await MeasureAsync("nearest raw", requests, concurrency, serverPid, raw: true, i => RawNearestAsync(db, nearestPoints[i % nearestPoints.Length]));
            summary.Add(Ratio("nearest", concurrency, nearestServer, nearestRaw, null));
        }

        Console.WriteLine();
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>
    /// A point with about 280 units within 5 km: Almaty's centre is denser than that in the seed, so walk east
    /// from it (bisection on the offset) until the count is nearest 280.
    /// </summary>
    private static async Task<Point> FindWithinPointAsync(NpgsqlDataSource db)
    {
        const double lon = 76.912, lat = 43.252;
        Point At(double km) => Wgs84.CreatePoint(new Coordinate(lon + km / (111.32 * Math.Cos(lat * Math.PI / 180)), lat));
        var (low, high) = (0.0, 100.0);
        var best = At(0);
        var bestCount = await CountWithinAsync(db, best);
        if (bestCount > TargetCount)
        {
            for (var i = 0; i < 30 && bestCount != TargetCount; i++)
            {
                var mid = (low + high) / 2;
                var count = await CountWithinAsync(db, At(mid));
                if (Math.Abs(count - TargetCount) < Math.Abs(bestCount - TargetCount))
                {
                    (best, bestCount) = (At(mid), count);
                }

                (low, high) = count > TargetCount ? (mid, high) : (low, mid);
            }
        }

        var total = await TotalUnitsAsync(db);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"within point: ({best.X:F5}, {best.Y:F5}), {bestCount} units within {RadiusMeters} m (target {TargetCount}) of {total}"));
        return best;
    }

    private static Point[] NearestPoints()
    {
        // Fixed points near the seed's cities and in between, the same sequence for the service and for raw SQL.
        (double Lon, double Lat)[] centres = [(76.912, 43.252), (71.446, 51.180), (69.600, 42.310), (57.207, 50.280), (73.102, 49.802), (65.509, 44.853),
            (51.884, 47.105), (82.606, 49.971), (63.625, 53.214), (51.174, 43.661), (67.0, 47.0), (75.0, 46.0)];
        var random = new Random(7);
        return Enumerable.Range(0, 64).Select(i => centres[i % centres.Length])
            .Select(c => Wgs84.CreatePoint(new Coordinate(c.Lon + (random.NextDouble() - 0.5) * 0.4, c.Lat + (random.NextDouble() - 0.5) * 0.3)))
            .ToArray();
    }

    private static async Task CheckSameAnswersAsync(HttpClient http, NpgsqlDataSource db, Point within)
    {
        using var response = await http.PostAsync("/graphql", Content(Body(WithinQuery, within)));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement.TryGetProperty("errors", out var errors))
        {
            throw new InvalidOperationException($"the service refused the within query: {errors}");
        }

        var units = json.RootElement.GetProperty("data").GetProperty("units");
        var rawRows = await RawWithinListRowsAsync(db, within);
        var rawCount = await RawWithinCountAsync(db, within);
        Console.WriteLine(
            $"within check: service totalCount={units.GetProperty("totalCount").GetInt64()} nodes={units.GetProperty("nodes").GetArrayLength()}; " +
            $"raw count={rawCount} rows={rawRows}");
    }

    private static async Task ExplainAsync(NpgsqlDataSource db, Point within, Point nearest)
    {
        foreach (var (name, sql, parameters) in new (string, string, object[])[]
                 {
                     ("within list", WithinList, [within, RadiusMeters, within, PageSize + 1]),
                     ("within count", WithinCount, [within, RadiusMeters]),
                     ("nearest", Nearest, [nearest, NearestFirst * 2 + 10, NearestFirst]),
                 })
        {
            await using var cmd = db.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql);
            foreach (var value in parameters)
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            var plan = new StringBuilder();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Append("    ").AppendLine(reader.GetString(0));
                }
            }

            Console.WriteLine($"EXPLAIN ANALYZE {name}:");
            Console.Write(plan);
        }
    }

    /// <summary>
    /// One measured run after a warm-up. "Serving CPU" is what answering costs: the service and PostgreSQL for a run
    /// through the service; this tool (doing the service's Npgsql part itself) and PostgreSQL for a raw run.
    /// </summary>
    internal static async Task<Measured> MeasureAsync(string name, int requests, int concurrency, int? serverPid, bool raw, Func<int, Task<bool>> one)
    {
        // Warm-up: JIT, both connection pools, PostgreSQL caches.
        await LoopAsync(Math.Min(200, requests), concurrency, one);
        await CpuMeter.WaitForQuietAsync(TimeSpan.FromSeconds(30));
        var meter = new CpuMeter(serverPid);
        await meter.StartAsync();
        var (done, failures, seconds, latencies) = await LoopAsync(requests, concurrency, one);
        var cpu = await meter.StopAsync();
        var result = new LoadResult(name, done, concurrency, failures, seconds, latencies);
        var serving = (raw ? cpu.Bench + cpu.Postgres + cpu.PostgresOther : cpu.ServiceAndDatabase) * 1000 / done;
        Console.WriteLine(result);
        Console.WriteLine("    " + cpu.Per(done, "req"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    serving cpu/req {serving:F3} ms: at most {cpu.Cores * 1000 / serving:F0} req/s if it had the {cpu.Cores} cores to itself"));
        return new Measured(result, serving);
    }

    internal sealed record Measured(LoadResult Load, double ServingCpuMs)
    {
        public double Throughput => Load.Requests / Load.Seconds;
    }

    private static async Task<(int Done, int Failures, double Seconds, double[] SortedMs)> LoopAsync(int requests, int concurrency, Func<int, Task<bool>> one)
    {
        var latencies = new double[requests];
        var next = -1;
        var done = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && clock.Elapsed < RunLimit)
            {
                var started = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    ok = await one(i);
                }
                catch (Exception e) when (e is HttpRequestException or NpgsqlException or TimeoutException)
                {
                    if (Volatile.Read(ref failures) < 3)
                    {
                        Console.WriteLine($"    request {i} failed: {e.Message}");
                    }
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Increment(ref done);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var measured = latencies.Take(Math.Min(done, requests)).ToArray();
        Array.Sort(measured);
        return (done, failures, seconds, measured.Length == 0 ? [double.NaN] : measured);
    }

    private static string Ratio(string name, int concurrency, Measured server, Measured raw, Measured? rawListOnly)
    {
        if (server.Load.Failures + raw.Load.Failures + (rawListOnly?.Load.Failures ?? 0) > 0)
        {
            return $"{name,-8} c={concurrency,-3} no ratio: {server.Load.Failures} service and {raw.Load.Failures + (rawListOnly?.Load.Failures ?? 0)} raw failures";
        }

        var text = string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} c={concurrency,-3} server {server.Throughput,6:F0} req/s p50 {server.Load.Median:F2} ms  raw {raw.Throughput,6:F0} req/s p50 {raw.Load.Median:F2} ms  " +
            $"ratio {server.Throughput / raw.Throughput:F2} (target >= 0.50); serving cpu/req {server.ServingCpuMs:F2} vs {raw.ServingCpuMs:F2} ms, " +
            $"ratio {raw.ServingCpuMs / server.ServingCpuMs:F2}");
        return rawListOnly is null ? text : text + string.Create(CultureInfo.InvariantCulture,
            $"; raw list only {rawListOnly.Throughput:F0} req/s (ratio {server.Throughput / rawListOnly.Throughput:F2})");
    }

    private static async Task<bool> PostAsync(HttpClient http, byte[] body)
    {
        using var response = await http.PostAsync("/graphql", Content(body));
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode && !text.Contains("\"errors\"", StringComparison.Ordinal);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static byte[] Body(string query, Point p) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        query,
        variables = new { p = new { type = "Point", coordinates = new[] { p.X, p.Y } } },
    });

    private static async Task<bool> RawWithinListAsync(NpgsqlDataSource db, Point p)
    {
        await RawWithinListRowsAsync(db, p);
        return true;
    }

    private static async Task<int> RawWithinListRowsAsync(NpgsqlDataSource db, Point p)
    {
        await using var cmd = db.CreateCommand(WithinList);
        cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        cmd.Parameters.Add(new NpgsqlParameter { Value = RadiusMeters });
        cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        cmd.Parameters.Add(new NpgsqlParameter { Value = PageSize + 1 });
        return await ReadUnitsAsync(cmd);
    }

    private static async Task<long> RawWithinCountAsync(NpgsqlDataSource db, Point p)
    {
        await using var cmd = db.CreateCommand(WithinCount);
        cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        cmd.Parameters.Add(new NpgsqlParameter { Value = RadiusMeters });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<bool> RawNearestAsync(NpgsqlDataSource db, Point p)
    {
        await using var cmd = db.CreateCommand(Nearest);
        cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        cmd.Parameters.Add(new NpgsqlParameter { Value = NearestFirst * 2 + 10 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = NearestFirst });
        return await ReadUnitsAsync(cmd) == NearestFirst;
    }

    /// <summary>Reads every column the service reads (UnitDb.Map), without building its objects.</summary>
    private static async Task<int> ReadUnitsAsync(NpgsqlCommand cmd)
    {
        var rows = 0;
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetGuid(0);
            _ = reader.GetGuid(1);
            _ = reader.GetString(2);
            _ = reader.GetString(3);
            _ = reader.GetString(4);
            _ = reader.GetDateTime(5);
            _ = reader.GetInt32(6);
            _ = reader.GetString(7);
            _ = reader.IsDBNull(8) ? null : reader.GetString(8);
            _ = reader.GetFieldValue<Point>(9);
            _ = reader.IsDBNull(10) ? null : reader.GetString(10);
            _ = reader.GetFieldValue<Point>(11);
            _ = reader.IsDBNull(12) ? (DateTime?)null : reader.GetDateTime(12);
            _ = reader.IsDBNull(13) ? (float?)null : reader.GetFloat(13);
            _ = reader.IsDBNull(14) ? (float?)null : reader.GetFloat(14);
            _ = reader.IsDBNull(15) ? (double?)null : reader.GetDouble(15);
            rows++;
        }

        return rows;
    }

    private static async Task<long> CountWithinAsync(NpgsqlDataSource db, Point p) => await RawWithinCountAsync(db, p);

    private static async Task<long> TotalUnitsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM response_units");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
