using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dispatch.Gis.Tiles;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>One measured run of one contender.</summary>
internal sealed record SuiteRow(string Scenario, string Contender, int Clients, int Requests, int Failures, double Throughput, double P50, double P99,
    double CpuMsPerRequest);

/// <summary>Where the contenders are; PostGraphile is optional (the growth runs measure the service alone).</summary>
internal sealed record SuiteSetup(HttpClient Service, int? ServicePid, HttpClient? PostGraphile, int? PostGraphilePid, NpgsqlDataSource Db,
    string ConnectionString, TimeSpan RunTime, int[] Clients, string ResultsDirectory, string Label, bool Peers);

/// <summary>
/// The issue-14 suite: each scenario through every contender that can answer it, checked first for the same rows (ids),
/// then timed for a fixed time per client count. Contenders: the service; the raw SQL floor (pgbench -M prepared on the
/// same statement, literal values; its own CPU is the load generator's and is not counted, as the HTTP load
/// generator's is not); PostGraphile 4 + @graphile/postgis through two SQL functions (units within a distance, nearest
/// N). HTTP contenders all get their load from this program's one client. Tiles are compared with the service's own
/// tile statement through Npgsql (pgbench cannot bind its geometry parameters).
/// CPU per request = the serving process + the PostgreSQL backends of the benchmark database + the cluster's own
/// processes, from /proc; the machine's cores are shared with everything else running on it.
/// </summary>
internal static class Suite
{
    public const string Ours = "Dispatch.Gis";
    public const string RawFloor = "raw SQL (pgbench)";
    public const string RawNpgsql = "raw SQL (Npgsql)";
    public const string PostGraphile = "PostGraphile 4";

    private const int TargetRows = 280;
    private const double WithinMeters = 5000;
    private static readonly (double Lon, double Lat) Almaty = (76.912, 43.252);
    private static readonly (double Lon, double Lat) NearestPoint = (76.95, 43.23);

    private const string UnitFields = "id callSign location";
    private const string PeerUnitFields = "id callSign location { geojson }";

    private sealed record HttpContender(string Name, HttpClient Client, int? Pid, byte[] Body, Func<JsonElement, IEnumerable<string>> Ids);

    private sealed record Case(string Scenario, string Description, string RawSql, bool Ordered, HttpContender[] Http);

    public static async Task<List<SuiteRow>> RunAsync(SuiteSetup setup, bool growth)
    {
        var rows = new List<SuiteRow>();
        var total = await ScalarAsync<long>(setup.Db, "SELECT count(*) FROM response_units");
        var zones = await ScalarAsync<long>(setup.Db, "SELECT count(*) FROM emergency_zones WHERE status = 'ACTIVE'");
        Console.WriteLine($"suite {setup.Label}: {total:N0} units, {zones:N0} active zones; {Environment.ProcessorCount} cores shared by the service, " +
                          $"PostgreSQL, PostGraphile, pgbench and this load generator (and whatever else runs on the machine)");
        var cases = await CasesAsync(setup, growth);
        foreach (var c in cases)
        {
            Console.WriteLine($"{c.Scenario}: {c.Description}");
            await CheckSameRowsAsync(setup, c);
        }

        var tiles = TilesVsRaw.Tiles();
        var tileCheck = await CheckTilesAsync(setup, tiles);
        Console.WriteLine($"tiles: {tiles.Length} distinct units/zones tiles z8–z14 around 8 cities; service bytes = raw bytes for {tileCheck} of the first {Math.Min(126, tiles.Length)} checked");

        await WarmUpAsync(setup, cases, tiles);
        foreach (var clients in setup.Clients)
        {
            foreach (var c in cases)
            {
                if (setup.Peers)
                {
                    rows.Add(await PgbenchAsync(setup, c.Scenario, c.RawSql, clients));
                }

                foreach (var h in c.Http)
                {
                    rows.Add(await MeasureAsync(setup, c.Scenario, h.Name, clients, h.Pid, includeLoadGenerator: false, _ => PostAsync(h.Client, h.Body)));
                }
            }

            rows.Add(await MeasureAsync(setup, "tiles", Ours, clients, setup.ServicePid, includeLoadGenerator: false, i => GetTileAsync(setup, tiles, i)));
            if (setup.Peers)
            {
                // The raw side runs the statement in this process, so this process's CPU is the serving "client library" part.
                rows.Add(await MeasureAsync(setup, "tiles", RawNpgsql, clients, null, includeLoadGenerator: true,
                    i => TilesVsRaw.RawAsync(setup.Db, tiles[i % tiles.Length])));
            }
        }

        return rows;
    }

    private static async Task<List<Case>> CasesAsync(SuiteSetup setup, bool growth)
    {
        var (withinPoint, radius, withinRows) = growth ? await WithinByRadiusAsync(setup.Db) : await WithinByOffsetAsync(setup.Db);
        var zonePoint = await ZonePointAsync(setup.Db);
        var box = await BoxAsync(setup.Db, withinPoint);
        var cases = new List<Case>();

        HttpContender Ours(string query, object variables, string root) =>
            new(Suite.Ours, setup.Service, setup.ServicePid, Body(query, variables), json => Nodes(json, root));

        HttpContender? Peer(string query, object variables, string root) => setup.PostGraphile is { } client
            ? new(PostGraphile, client, setup.PostGraphilePid, Body(query, variables), json => Nodes(json, root))
            : null;

        var p = Point(withinPoint);
        var within = new List<HttpContender>
        {
            Ours($"query ($p: Geometry!, $r: Float!) {{ units(within: {{point: $p, radiusMeters: $r}}, first: 1000) {{ nodes {{ {UnitFields} }} }} }}",
                new { p, r = radius }, "units"),
        };
        if (Peer($"query ($lon: Float!, $lat: Float!, $r: Float!) {{ unitsWithin(lon: $lon, lat: $lat, meters: $r) {{ nodes {{ {PeerUnitFields} }} }} }}",
                new { lon = withinPoint.Lon, lat = withinPoint.Lat, r = radius }, "unitsWithin") is { } withinPeer)
        {
            within.Add(withinPeer);
        }

        cases.Add(new Case("within", Text($"units within {radius:F0} m of ({withinPoint.Lon:F5}, {withinPoint.Lat:F5}): {withinRows} rows; id, call sign, GeoJSON point"),
            $"SELECT u.id, u.call_sign, ST_AsGeoJSON(u.location) FROM response_units u WHERE ST_DWithin(u.location::geography, {Geog(withinPoint)}, {F(radius)}) ORDER BY u.id",
            Ordered: true, [.. within]));

        var nearest = new List<HttpContender>
        {
            Ours($"query ($p: Geometry!) {{ nearestUnits(point: $p, first: 10) {{ nodes {{ {UnitFields} }} }} }}", new { p = Point(NearestPoint) }, "nearestUnits"),
        };
        if (Peer($"query ($lon: Float!, $lat: Float!) {{ nearestUnits(lon: $lon, lat: $lat, n: 10) {{ nodes {{ {PeerUnitFields} }} }} }}",
                new { lon = NearestPoint.Lon, lat = NearestPoint.Lat }, "nearestUnits") is { } nearestPeer)
        {
            nearest.Add(nearestPeer);
        }

        cases.Add(new Case("nearest", Text($"the 10 units nearest ({NearestPoint.Lon}, {NearestPoint.Lat}), spheroid distance then id"),
            $"""
            SELECT id, call_sign, ST_AsGeoJSON(location) FROM (
                SELECT u.id, u.call_sign, u.location, ST_Distance(u.location::geography, {Geog(NearestPoint)}) AS d
                FROM response_units u ORDER BY u.location::geography <-> {Geog(NearestPoint)} LIMIT 30) n
            ORDER BY d, id LIMIT 10
            """.ReplaceLineEndings(" "),
            Ordered: true, [.. nearest]));

        if (!growth)
        {
            cases.Add(new Case("bbox", Text($"units in the box [{box[0]:F4}, {box[1]:F4}, {box[2]:F4}, {box[3]:F4}]"),
                $"SELECT u.id, u.call_sign, ST_AsGeoJSON(u.location) FROM response_units u WHERE ST_Intersects(u.location, ST_MakeEnvelope({F(box[0])}, {F(box[1])}, {F(box[2])}, {F(box[3])}, 4326)) ORDER BY u.id LIMIT 1001",
                Ordered: true, [Ours($"query ($b: [Float!]) {{ units(bbox: $b, first: 1000) {{ nodes {{ {UnitFields} }} }} }}", new { b = box }, "units")]));
        }

        cases.Add(new Case("zone membership", Text($"active zones holding ({zonePoint.Lon:F5}, {zonePoint.Lat:F5}); id, name"),
            $"SELECT z.id, z.name FROM emergency_zones z WHERE z.status = 'ACTIVE' AND ST_Intersects(z.geom, {Geom(zonePoint)}) ORDER BY z.id LIMIT 1001",
            Ordered: true, [Ours("query ($p: Geometry!) { zones(intersects: $p, first: 1000) { nodes { id name } } }", new { p = Point(zonePoint) }, "zones")]));
        return cases;
    }

    /// <summary>The issue's query: 5 km around a point east of Almaty's centre with about 280 units (bisection on the offset).</summary>
    private static async Task<((double Lon, double Lat) Point, double Radius, long Rows)> WithinByOffsetAsync(NpgsqlDataSource db)
    {
        (double, double) At(double km) => (Almaty.Lon + km / (111.32 * Math.Cos(Almaty.Lat * Math.PI / 180)), Almaty.Lat);
        var (low, high) = (0.0, 100.0);
        var best = At(0);
        var bestCount = await CountWithinAsync(db, best, WithinMeters);
        for (var i = 0; i < 30 && bestCount != TargetRows; i++)
        {
            var mid = (low + high) / 2;
            var count = await CountWithinAsync(db, At(mid), WithinMeters);
            if (Math.Abs(count - TargetRows) < Math.Abs(bestCount - TargetRows))
            {
                (best, bestCount) = (At(mid), count);
            }

            (low, high) = count > TargetRows ? (mid, high) : (low, mid);
        }

        return (best, WithinMeters, bestCount);
    }

    /// <summary>Growth: the same number of rows at every size, so the figure shows the index, not the answer's length.</summary>
    private static async Task<((double Lon, double Lat) Point, double Radius, long Rows)> WithinByRadiusAsync(NpgsqlDataSource db)
    {
        var (low, high) = (50.0, 60_000.0);
        var best = (Radius: high, Count: await CountWithinAsync(db, Almaty, high));
        for (var i = 0; i < 25; i++)
        {
            var mid = (low + high) / 2;
            var count = await CountWithinAsync(db, Almaty, mid);
            if (Math.Abs(count - TargetRows) < Math.Abs(best.Count - TargetRows))
            {
                best = (mid, count);
            }

            (low, high) = count > TargetRows ? (low, mid) : (mid, high);
            if (count == TargetRows)
            {
                break;
            }
        }

        return (Almaty, Math.Round(best.Radius), await CountWithinAsync(db, Almaty, Math.Round(best.Radius)));
    }

    private static async Task<long> CountWithinAsync(NpgsqlDataSource db, (double Lon, double Lat) p, double meters) =>
        await ScalarAsync<long>(db, $"SELECT count(*) FROM response_units u WHERE ST_DWithin(u.location::geography, {Geog(p)}, {F(meters)})");

    /// <summary>Of the first 200 active zones' centres, the one inside the most zones: membership with a real answer.</summary>
    private static async Task<(double Lon, double Lat)> ZonePointAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_PointOnSurface(geom) AS c FROM emergency_zones WHERE status = 'ACTIVE' ORDER BY id LIMIT 200) s
            ORDER BY (SELECT count(*) FROM emergency_zones z WHERE z.status = 'ACTIVE' AND ST_Intersects(z.geom, s.c)) DESC, ST_X(c) LIMIT 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetDouble(0), reader.GetDouble(1)) : Almaty;
    }

    /// <summary>A box around the within point holding at most 1,000 units (one page).</summary>
    private static async Task<double[]> BoxAsync(NpgsqlDataSource db, (double Lon, double Lat) centre)
    {
        var half = 0.06;
        while (true)
        {
            double[] box = [centre.Lon - half, centre.Lat - half * 0.7, centre.Lon + half, centre.Lat + half * 0.7];
            var count = await ScalarAsync<long>(db,
                $"SELECT count(*) FROM response_units u WHERE ST_Intersects(u.location, ST_MakeEnvelope({F(box[0])}, {F(box[1])}, {F(box[2])}, {F(box[3])}, 4326))");
            if (count <= 1000 || half < 0.001)
            {
                return box;
            }

            half /= 2;
        }
    }

    private static async Task CheckSameRowsAsync(SuiteSetup setup, Case c)
    {
        var raw = new List<string>();
        await using (var cmd = setup.Db.CreateCommand(c.RawSql))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                raw.Add(reader.GetGuid(0).ToString());
            }
        }

        var line = new StringBuilder($"    same rows: raw {raw.Count}");
        foreach (var h in c.Http)
        {
            using var response = await h.Client.PostAsync("/graphql", Content(h.Body));
            var text = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(text);
            if (!response.IsSuccessStatusCode || json.RootElement.TryGetProperty("errors", out _))
            {
                throw new InvalidOperationException($"{h.Name} refused the {c.Scenario} query: {text[..Math.Min(text.Length, 600)]}");
            }

            var ids = h.Ids(json.RootElement.GetProperty("data")).ToList();
            var same = c.Ordered ? ids.SequenceEqual(raw) : ids.Order(StringComparer.Ordinal).SequenceEqual(raw.Order(StringComparer.Ordinal));
            if (!same)
            {
                throw new InvalidOperationException(
                    $"{h.Name} answered {c.Scenario} with other rows than the raw SQL: {ids.Count} vs {raw.Count}; first differing: " +
                    $"{ids.Zip(raw).FirstOrDefault(pair => pair.First != pair.Second)}");
            }

            line.Append(CultureInfo.InvariantCulture, $", {h.Name} {ids.Count} (identical)");
        }

        Console.WriteLine(line);
    }

    private static async Task<int> CheckTilesAsync(SuiteSetup setup, TileRequest[] tiles)
    {
        var same = 0;
        foreach (var tile in tiles.Take(126))
        {
            var (sql, parameters) = TileSql.Tile(tile, TilesVsRaw.Settings);
            await using var cmd = setup.Db.CreateCommand(sql);
            cmd.Parameters.AddRange(parameters);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            var data = reader.GetFieldValue<byte[]>(0);
            var served = await setup.Service.GetByteArrayAsync(TilesVsRaw.Path(tile));
            same += served.AsSpan().SequenceEqual(data) ? 1 : 0;
        }

        if (same != Math.Min(126, tiles.Length))
        {
            throw new InvalidOperationException($"the service's tiles differ from its own statement's for {Math.Min(126, tiles.Length) - same} tiles");
        }

        return same;
    }

    private static IEnumerable<string> Nodes(JsonElement data, string root) =>
        data.GetProperty(root).GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!);

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

    private static byte[] Body(string query, object variables) => JsonSerializer.SerializeToUtf8Bytes(new { query, variables });

    private static object Point((double Lon, double Lat) p) => new { type = "Point", coordinates = new[] { p.Lon, p.Lat } };

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Geom((double Lon, double Lat) p) => $"ST_SetSRID(ST_MakePoint({F(p.Lon)}, {F(p.Lat)}), 4326)";

    private static string Geog((double Lon, double Lat) p) => $"{Geom(p)}::geography";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Load on every HTTP contender and scenario before anything is measured. A freshly started .NET service runs its
    /// first tens of seconds on unoptimised and instrumented code while the JIT re-compiles the hot methods beside it
    /// (within served 221 req/s at 5.9 ms of service CPU each after 2 s of load, 429 req/s at 2.0 ms after 20 s, on
    /// these 2 cores); node's JIT settles as well. A service that runs for weeks lives in the settled state, so that
    /// is the one measured, and the warm-up is the same for every contender (SUITE_WARMUP seconds, default 20).
    /// </summary>
    private static async Task WarmUpAsync(SuiteSetup setup, List<Case> cases, TileRequest[] tiles)
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SUITE_WARMUP"), CultureInfo.InvariantCulture, out var s) ? s : 20;
        if (seconds <= 0)
        {
            return;
        }

        var clients = setup.Clients.Max();
        Console.WriteLine($"warm-up: {seconds} s of load from {clients} clients on every HTTP contender and scenario before measuring");
        foreach (var h in cases.SelectMany(c => c.Http))
        {
            await LoopAsync(TimeSpan.FromSeconds(seconds), clients, _ => PostAsync(h.Client, h.Body));
        }

        await LoopAsync(TimeSpan.FromSeconds(seconds), clients, i => GetTileAsync(setup, tiles, i));
    }

    private static async Task<bool> GetTileAsync(SuiteSetup setup, TileRequest[] tiles, int i)
    {
        using var response = await setup.Service.GetAsync(TilesVsRaw.Path(tiles[i % tiles.Length]));
        await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode;
    }

    /// <summary>A short settling run, then <see cref="SuiteSetup.RunTime"/> of closed-loop load from <paramref name="clients"/> workers.</summary>
    private static async Task<SuiteRow> MeasureAsync(SuiteSetup setup, string scenario, string contender, int clients, int? pid, bool includeLoadGenerator,
        Func<int, Task<bool>> one)
    {
        await LoopAsync(TimeSpan.FromSeconds(2), clients, one);
        await CpuMeter.WaitForQuietAsync(TimeSpan.FromSeconds(3));
        var meter = new CpuMeter(pid);
        await meter.StartAsync();
        var (done, failures, seconds, latencies) = await LoopAsync(setup.RunTime, clients, one);
        var cpu = await meter.StopAsync();
        var serving = (includeLoadGenerator ? cpu.Bench + cpu.Postgres + cpu.PostgresOther : cpu.ServiceAndDatabase) * 1000 / done;
        return Report(new SuiteRow(scenario, contender, clients, done, failures, done / seconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), serving), cpu, done);
    }

    private static async Task<(int Done, int Failures, double Seconds, double[] SortedMs)> LoopAsync(TimeSpan duration, int clients, Func<int, Task<bool>> one)
    {
        var next = -1;
        var failures = 0;
        var perWorker = new List<double>[clients];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async w =>
        {
            var mine = perWorker[w] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                var i = Interlocked.Increment(ref next);
                var started = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    ok = await one(i);
                }
                catch (Exception e) when (e is HttpRequestException or NpgsqlException or TimeoutException or TaskCanceledException)
                {
                    if (Volatile.Read(ref failures) < 3)
                    {
                        Console.WriteLine($"    request {i} failed: {e.Message}");
                    }
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return (all.Length, failures, seconds, all);
    }

    /// <summary>
    /// pgbench -M prepared on the raw statement. The meter runs inside pgbench's run (its backends end with it), and
    /// latencies and throughput count only the transactions that ended inside the metered window (pgbench's own log).
    /// </summary>
    private static async Task<SuiteRow> PgbenchAsync(SuiteSetup setup, string scenario, string sql, int clients)
    {
        var dir = Directory.CreateTempSubdirectory("dispatch-bench-pgbench-");
        try
        {
            var script = Path.Combine(dir.FullName, "query.sql");
            await File.WriteAllTextAsync(script, sql + ";\n");
            var settle = TimeSpan.FromSeconds(2);
            await CpuMeter.WaitForQuietAsync(TimeSpan.FromSeconds(3));
            using var process = Process.Start(Pgbench(setup.ConnectionString, dir.FullName, script, clients, settle + setup.RunTime + TimeSpan.FromSeconds(1)))!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await Task.Delay(settle);
            var meter = new CpuMeter(null);
            var from = DateTimeOffset.UtcNow;
            await meter.StartAsync();
            await Task.Delay(setup.RunTime);
            var cpu = await meter.StopAsync();
            var to = DateTimeOffset.UtcNow;
            await process.WaitForExitAsync();
            var failed = process.ExitCode != 0;
            if (failed)
            {
                Console.WriteLine($"    pgbench failed ({process.ExitCode}): {await errors}{await output}");
            }

            var (fromUs, toUs) = (from.ToUnixTimeMilliseconds() * 1000, to.ToUnixTimeMilliseconds() * 1000);
            var latencies = new List<double>();
            foreach (var log in dir.GetFiles("pgbench_log*"))
            {
                foreach (var line in await File.ReadAllLinesAsync(log.FullName))
                {
                    // client_id transaction_no time(us) script_no time_epoch(s) time_us
                    var f = line.Split(' ');
                    if (f.Length < 6)
                    {
                        continue;
                    }

                    var end = long.Parse(f[4], CultureInfo.InvariantCulture) * 1_000_000 + long.Parse(f[5], CultureInfo.InvariantCulture);
                    if (end >= fromUs && end < toUs)
                    {
                        latencies.Add(long.Parse(f[2], CultureInfo.InvariantCulture) / 1000.0);
                    }
                }
            }

            var sorted = latencies.Order().ToArray();
            var done = Math.Max(sorted.Length, 1);
            var serving = (cpu.Postgres + cpu.PostgresOther) * 1000 / done;
            return Report(new SuiteRow(scenario, RawFloor, clients, sorted.Length, failed ? 1 : 0, sorted.Length / cpu.Seconds,
                Percentile(sorted, 0.50), Percentile(sorted, 0.99), serving), cpu, done);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static ProcessStartInfo Pgbench(string connectionString, string workDir, string script, int clients, TimeSpan time)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("pgbench")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture),
                     "-T", ((int)Math.Ceiling(time.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "-f", script, "-l", "--log-prefix", Path.Combine(workDir, "pgbench_log") })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["PGHOST"] = c.Host;
        start.Environment["PGPORT"] = c.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = c.Database;
        start.Environment["PGUSER"] = c.Username;
        start.Environment["PGPASSWORD"] = c.Password;
        start.Environment["PGAPPNAME"] = "dispatch-bench-pgbench";
        return start;
    }

    private static SuiteRow Report(SuiteRow row, CpuUsage cpu, int done)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {row.Scenario,-16} {row.Contender,-18} c={row.Clients,-3} {row.Throughput,8:F0} req/s  p50 {row.P50,7:F2} ms  p99 {row.P99,7:F2} ms  " +
            $"cpu/req {row.CpuMsPerRequest,6:F3} ms  failures {row.Failures}"));
        Console.WriteLine("      " + cpu.Per(done, "req"));
        return row;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
