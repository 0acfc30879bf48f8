using System.Globalization;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tiles;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Vector tiles z8–z14 of the units and zones layers over the seeded data, through the service (GET …/.mvt, a full
/// tile every time, no If-None-Match) against the very statement the service runs (TileSql.Tile) sent through Npgsql;
/// then the revalidation path (If-None-Match → 304, the fingerprint query only). Same tile sequence on both sides.
/// </summary>
internal static class TilesVsRaw
{
    private static readonly (double Lon, double Lat)[] Centres =
        [(76.912, 43.252), (71.446, 51.180), (69.600, 42.310), (57.207, 50.280), (73.102, 49.802), (65.509, 44.853), (51.884, 47.105), (82.606, 49.971)];

    internal static readonly TileSettings Settings = new(4096, 64, 10_000, TimeSpan.FromMinutes(5));

    public static async Task RunAsync(HttpClient http, NpgsqlDataSource db, int? serverPid, int requests, int[] concurrencies)
    {
        var tiles = Tiles();
        Console.WriteLine($"tiles: {tiles.Length} distinct tiles of units and zones, z8–z14 around {Centres.Length} cities; {Environment.ProcessorCount} cores shared");
        await DescribeAsync(http, db, tiles);
        var etags = new string?[tiles.Length];
        var summary = new List<string>();
        foreach (var concurrency in concurrencies)
        {
            var server = await SpatialVsRaw.MeasureAsync("tiles server", requests, concurrency, serverPid, raw: false, async i =>
            {
                using var response = await http.GetAsync(Path(tiles[i % tiles.Length]));
                etags[i % tiles.Length] = response.Headers.ETag?.ToString();
                var body = await response.Content.ReadAsByteArrayAsync();
                return response.IsSuccessStatusCode && body.Length >= 0;
            });
            var raw = await SpatialVsRaw.MeasureAsync("tiles raw", requests, concurrency, serverPid, raw: true, i => RawAsync(db, tiles[i % tiles.Length]));
            var revalidated = await SpatialVsRaw.MeasureAsync("tiles 304", requests, concurrency, serverPid, raw: false, async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, Path(tiles[i % tiles.Length]));
                request.Headers.TryAddWithoutValidation("If-None-Match", etags[i % tiles.Length] ?? "\"none\"");
                using var response = await http.SendAsync(request);
                return response.StatusCode == System.Net.HttpStatusCode.NotModified;
            });
            summary.Add(server.Load.Failures + raw.Load.Failures > 0
                ? $"tiles c={concurrency} no ratio: {server.Load.Failures} service and {raw.Load.Failures} raw failures"
                : string.Create(CultureInfo.InvariantCulture,
                    $"tiles    c={concurrency,-3} server {server.Throughput,6:F0} tiles/s p50 {server.Load.Median:F2} ms p95 {server.Load.Percentile(0.95):F2} ms  " +
                    $"raw {raw.Throughput,6:F0} tiles/s p95 {raw.Load.Percentile(0.95):F2} ms  ratio {server.Throughput / raw.Throughput:F2} (targets p95 <= 50 ms, ratio >= 0.80); " +
                    $"304: {revalidated.Throughput:F0} req/s p95 {revalidated.Load.Percentile(0.95):F2} ms ({revalidated.Load.Failures} not 304)"));
        }

        Console.WriteLine();
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>For each city, zoom and layer: the tile holding the centre and its eight neighbours.</summary>
    internal static TileRequest[] Tiles()
    {
        var list = new List<TileRequest>();
        for (var z = 8; z <= 14; z++)
        {
            foreach (var (lon, lat) in Centres)
            {
                var n = 1 << z;
                var x = (int)Math.Floor((lon + 180) / 360 * n);
                var r = lat * Math.PI / 180;
                var y = (int)Math.Floor((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
                foreach (var layer in new[] { TileLayers.Units, TileLayers.Zones })
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        for (var dy = -1; dy <= 1; dy++)
                        {
                            list.Add(new TileRequest(layer, z, x + dx, y + dy, TerritoryScope.All));
                        }
                    }
                }
            }
        }

        // Interleave zooms and layers so every concurrency level sees the same mix.
        return [.. list.OrderBy(t => (t.X * 7919 + t.Y * 104729 + t.Z * 31 + t.Layer.Name.Length) % 1009)];
    }

    internal static string Path(TileRequest t) => $"/tiles/{t.Layer.Name}/{t.Z}/{t.X}/{t.Y}.mvt";

    internal static async Task<bool> RawAsync(NpgsqlDataSource db, TileRequest tile)
    {
        var (sql, parameters) = TileSql.Tile(tile, Settings);
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        _ = reader.GetFieldValue<byte[]>(0);
        _ = reader.GetInt64(1);
        _ = reader.GetDecimal(2);
        return true;
    }

    /// <summary>Features and bytes per zoom, and a check that the service's bytes equal the raw statement's.</summary>
    private static async Task DescribeAsync(HttpClient http, NpgsqlDataSource db, TileRequest[] tiles)
    {
        foreach (var group in tiles.GroupBy(t => (t.Layer.Name, t.Z)).OrderBy(g => g.Key.Name).ThenBy(g => g.Key.Z))
        {
            long rows = 0, bytes = 0, same = 0;
            foreach (var tile in group)
            {
                var (sql, parameters) = TileSql.Tile(tile, Settings);
                await using var cmd = db.CreateCommand(sql);
                cmd.Parameters.AddRange(parameters);
                await using var reader = await cmd.ExecuteReaderAsync();
                await reader.ReadAsync();
                var data = reader.GetFieldValue<byte[]>(0);
                rows += reader.GetInt64(1);
                bytes += data.Length;
                var served = await http.GetByteArrayAsync(Path(tile));
                same += served.AsSpan().SequenceEqual(data) ? 1 : 0;
            }

            var count = group.Count();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {group.Key.Name,-6} z{group.Key.Z,-2}: {rows / (double)count,8:F0} rows/tile, {bytes / 1024.0 / count,7:F1} KiB/tile; service bytes = raw bytes for {same}/{count}"));
        }
    }
}
