using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// Sustained reportPositions with geofence evaluation: N clients, each owning a disjoint share of the units (as
/// separate AVL feeds would), send batches of fixes for random units of their share, each moved 20–300 m from
/// where it last was, with a newer timestamp, so some cross zone edges and produce enter/exit events.
/// Bodies are built before the clock starts, so the tool's JSON work does not compete with the service.
/// </summary>
internal static class PositionIngest
{
    private const string Mutation =
        "mutation ($positions: [PositionInput!]!) { reportPositions(positions: $positions) { received stored duplicates superseded geofenceEvents } }";

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(HttpClient http, NpgsqlDataSource db, int? serverPid, int batchesPerRun, int[] clientCounts, int[] batchSizes)
    {
        var fleet = await Fleet.LoadAsync(db);
        Console.WriteLine($"ingest: {fleet.Count} units; {Environment.ProcessorCount} cores shared by the service, PostgreSQL and this tool; " +
                          $"service pid {serverPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown (no server CPU)"}");
        if (fleet.Count == 0)
        {
            throw new InvalidOperationException("no units: run the seed scenario first");
        }

        // Warm-up: JIT of the mutation path on both sides, connection pool.
        await RunOnceAsync(http, db, serverPid, fleet, 1000, 1, 3, print: false);
        var summary = new List<string>();
        foreach (var size in batchSizes)
        {
            foreach (var clients in clientCounts)
            {
                summary.Add(await RunOnceAsync(http, db, serverPid, fleet, size, clients, batchesPerRun, print: true));
            }
        }

        // The floor: the service's own write path (UnitDb.ReportPositionsAsync in a unit of work, geofencing and events
        // included) called from here, without HTTP, GraphQL and JSON. Whatever the service adds comes on top of it.
        foreach (var size in batchSizes)
        {
            foreach (var clients in clientCounts)
            {
                summary.Add(await RunRawOnceAsync(db, fleet, size, clients, batchesPerRun));
            }
        }

        Console.WriteLine();
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }
    }

    private static async Task<string> RunOnceAsync(HttpClient http, NpgsqlDataSource db, int? serverPid, Fleet fleet, int size, int clients, int batches, bool print)
    {
        var perClient = Math.Max(1, batches / clients);
        var bodies = Enumerable.Range(0, clients).Select(k => fleet.BuildBatches(k, clients, size, perClient)).ToArray();
        var eventsBefore = await GeofenceEventsAsync(db);
        await CpuMeter.WaitForQuietAsync(TimeSpan.FromSeconds(30));
        var meter = new CpuMeter(serverPid);
        await meter.StartAsync();

        var totals = new long[5]; // received, stored, duplicates, superseded, geofenceEvents
        var failures = 0;
        string? firstError = null;
        var (latencies, seconds) = await SendAllAsync(bodies, async body =>
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync("/graphql", content);
            var text = await response.Content.ReadAsStringAsync();
            var (status, ok, isJson) = ((int)response.StatusCode, response.IsSuccessStatusCode,
                response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true);
            return () =>
            {
                // A proxy in front (run-suite.sh scaleout) answers its own errors in HTML: a failure to count, not a crash.
                if (!ok && !isJson)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, $"{status} {text[..Math.Min(400, text.Length)]}", null);
                    return;
                }

                using var json = JsonDocument.Parse(text);
                if (!ok || json.RootElement.TryGetProperty("errors", out _))
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, $"{status} {text[..Math.Min(400, text.Length)]}", null);
                    return;
                }

                var result = json.RootElement.GetProperty("data").GetProperty("reportPositions");
                string[] fields = ["received", "stored", "duplicates", "superseded", "geofenceEvents"];
                for (var f = 0; f < fields.Length; f++)
                {
                    Interlocked.Add(ref totals[f], result.GetProperty(fields[f]).GetInt64());
                }
            };
        });
        var cpu = await meter.StopAsync();
        var eventsInLog = await GeofenceEventsAsync(db) - eventsBefore;

        var perPosition = cpu.ServiceAndDatabase / Math.Max(1, totals[0]);
        double P(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
        var line = string.Create(CultureInfo.InvariantCulture,
            $"ingest batch={size,-5} clients={clients} batches={latencies.Count} failures={failures} positions={totals[0]} " +
            $"throughput={totals[0] / seconds:F0} positions/s p50={P(0.50):F0} ms p95={P(0.95):F0} ms max={P(1):F0} ms " +
            $"stored={totals[1]} duplicates={totals[2]} superseded={totals[3]} geofenceEvents={totals[4]} (log +{eventsInLog}) " +
            $"cpu/position {perPosition * 1e6:F0} µs (cap {cpu.Cores / perPosition:F0}/s)");
        if (print)
        {
            Console.WriteLine(line);
            Console.WriteLine("    " + cpu.Per(Math.Max(1, totals[0]) / 1000.0, "1k positions"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    service+PostgreSQL cpu/position {perPosition * 1e6:F1} µs: at most {cpu.Cores / perPosition:F0} positions/s if they had the {cpu.Cores} cores to themselves"));
            if (firstError is not null)
            {
                Console.WriteLine($"    first error: {firstError}");
            }
        }

        return line;
    }

    private static async Task<string> RunRawOnceAsync(NpgsqlDataSource db, Fleet fleet, int size, int clients, int batches)
    {
        var perClient = Math.Max(1, batches / clients);
        var reports = Enumerable.Range(0, clients)
            .Select(k => fleet.BuildBatches(k, clients, size, perClient).Select(ReportsOf).ToList()).ToArray();
        await CpuMeter.WaitForQuietAsync(TimeSpan.FromSeconds(30));
        var meter = new CpuMeter(null);
        await meter.StartAsync();
        long received = 0, stored = 0, crossings = 0;
        var (latencies, seconds) = await SendAllAsync(reports, async batch =>
        {
            var result = await Dispatch.Gis.Storage.UnitOfWork.RunAsync(db, new Dispatch.Gis.Storage.WriteOrigin("benchmark"),
                w => Dispatch.Gis.Units.UnitDb.ReportPositionsAsync(w, batch, null, CancellationToken.None), CancellationToken.None);
            return () =>
            {
                Interlocked.Add(ref received, result.Received);
                Interlocked.Add(ref stored, result.Stored);
                Interlocked.Add(ref crossings, result.GeofenceEvents);
            };
        });
        var cpu = await meter.StopAsync();
        var database = cpu.ServiceAndDatabase / Math.Max(1, received);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"ingest floor (the write path without HTTP/GraphQL) batch={size,-5} clients={clients} batches={latencies.Count} positions={received} " +
            $"throughput={received / seconds:F0} positions/s p50={latencies[latencies.Count / 2]:F0} ms stored={stored} geofenceEvents={crossings} " +
            $"PostgreSQL cpu/position {database * 1e6:F0} µs (cap {cpu.Cores / database:F0}/s), this process {cpu.Bench / Math.Max(1, received) * 1e6:F0} µs");
        Console.WriteLine(line);
        Console.WriteLine("    " + cpu.Per(Math.Max(1, received) / 1000.0, "1k positions"));
        return line;
    }

    /// <summary>
    /// Every client sends its batches one after another, all clients at once, until the run's time limit. A batch's
    /// latency is taken around <paramref name="send"/>; the tally it returns (reading the answer) runs after, untimed.
    /// </summary>
    private static async Task<(List<double> Latencies, double Seconds)> SendAllAsync<T>(IEnumerable<IEnumerable<T>> clients, Func<T, Task<Action>> send)
    {
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async batches =>
        {
            foreach (var batch in batches)
            {
                if (clock.Elapsed >= RunLimit)
                {
                    break;
                }

                var started = Stopwatch.GetTimestamp();
                var tally = await send(batch);
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                tally();
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        latencies.Sort();
        return (latencies, seconds);
    }

    /// <summary>The fixes of a request body, as the service's resolver hands them to its write path.</summary>
    private static List<Dispatch.Gis.Units.PositionReport> ReportsOf(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("variables").GetProperty("positions").EnumerateArray().Select(p =>
        {
            var xy = p.GetProperty("point").GetProperty("coordinates");
            return new Dispatch.Gis.Units.PositionReport(p.GetProperty("unit").GetGuid(),
                Dispatch.Gis.Geo.GeoJson.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(xy[0].GetDouble(), xy[1].GetDouble())),
                p.GetProperty("at").GetDateTime().ToUniversalTime(), p.GetProperty("speedKmh").GetSingle(), p.GetProperty("headingDeg").GetSingle());
        }).ToList();
    }

    private static async Task<long> GeofenceEventsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM events WHERE kind IN ('UNIT_ENTERED_ZONE', 'UNIT_EXITED_ZONE')");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Every unit's id and where the benchmark last put it.</summary>
    private sealed class Fleet
    {
        private readonly Guid[] _ids;
        private readonly double[] _lon;
        private readonly double[] _lat;
        private readonly Random _random = new(11);

        // One clock for every batch the tool builds, so a unit's fixes always grow in time, whichever client sends it
        // (and past the fixes of an earlier run of the tool).
        private DateTime _next;

        private Fleet(Guid[] ids, double[] lon, double[] lat, DateTime next) => (_ids, _lon, _lat, _next) = (ids, lon, lat, next);

        public int Count => _ids.Length;

        public static async Task<Fleet> LoadAsync(NpgsqlDataSource db)
        {
            var (ids, lon, lat) = (new List<Guid>(), new List<double>(), new List<double>());
            await using var cmd = db.CreateCommand("SELECT id, ST_X(location), ST_Y(location) FROM response_units ORDER BY id");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
                lon.Add(reader.GetDouble(1));
                lat.Add(reader.GetDouble(2));
            }

            await reader.DisposeAsync();
            await using var latest = db.CreateCommand("SELECT max(location_at) FROM response_units");
            var next = DateTime.UtcNow.AddMinutes(-30);
            if (await latest.ExecuteScalarAsync() is DateTime last && last > next)
            {
                next = last;
            }

            return new Fleet([.. ids], [.. lon], [.. lat], next);
        }

        /// <summary>
        /// Request bodies for client <paramref name="client"/> of <paramref name="clients"/>: its units are those whose
        /// index is client modulo clients. Each batch holds distinct units; times grow by batch.
        /// </summary>
        public List<byte[]> BuildBatches(int client, int clients, int size, int batches)
        {
            var share = Enumerable.Range(0, _ids.Length).Where(i => i % clients == client).ToArray();
            size = Math.Min(size, share.Length);
            var result = new List<byte[]>(batches);
            for (var b = 0; b < batches; b++)
            {
                _next = _next.AddMilliseconds(10);
                var at = _next.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                // Partial Fisher-Yates: the first `size` entries become a random distinct sample.
                for (var i = 0; i < size; i++)
                {
                    var j = i + _random.Next(share.Length - i);
                    (share[i], share[j]) = (share[j], share[i]);
                }

                var buffer = new ArrayBufferWriter<byte>(size * 170);
                using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    json.WriteString("query", Mutation);
                    json.WriteStartObject("variables");
                    json.WriteStartArray("positions");
                    for (var i = 0; i < size; i++)
                    {
                        var u = share[i];
                        var step = 20 + _random.NextDouble() * 280;
                        var heading = _random.NextDouble() * 360;
                        _lat[u] += step * Math.Cos(heading * Math.PI / 180) / 110_570;
                        _lon[u] += step * Math.Sin(heading * Math.PI / 180) / (111_320 * Math.Cos(_lat[u] * Math.PI / 180));
                        json.WriteStartObject();
                        json.WriteString("unit", _ids[u]);
                        json.WriteStartObject("point");
                        json.WriteString("type", "Point");
                        json.WriteStartArray("coordinates");
                        json.WriteNumberValue(Math.Round(_lon[u], 7));
                        json.WriteNumberValue(Math.Round(_lat[u], 7));
                        json.WriteEndArray();
                        json.WriteEndObject();
                        json.WriteString("at", at);
                        json.WriteNumber("speedKmh", Math.Round(20 + _random.NextDouble() * 70, 1));
                        json.WriteNumber("headingDeg", Math.Round(heading, 1) % 360);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                result.Add(buffer.WrittenSpan.ToArray());
            }

            return result;
        }
    }
}
