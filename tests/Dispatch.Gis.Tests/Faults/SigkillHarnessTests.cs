using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15: two service processes on one database; clients stream AVL batches and feed readings at both, retrying the
/// same data against the other instance when a call fails; one instance is SIGKILLed mid-stream. Afterwards the
/// invariants are checked over what was sent and what is stored: every fix and reading stored once, each unit at its
/// latest fix, and the events' counts equal to the rows. DISPATCH_FAULT_BATCHES=n runs a longer stream (default 40).
/// </summary>
[Trait("Category", "Database")]
public sealed class SigkillHarnessTests(ITestOutputHelper output)
{
    private const int Units = 10;
    private const int ReadingsPerBatch = 5;

    [Fact]
    public async Task Issue15_an_instance_killed_mid_stream_loses_and_duplicates_nothing_that_clients_sent()
    {
        var batches = int.TryParse(Environment.GetEnvironmentVariable("DISPATCH_FAULT_BATCHES"), CultureInfo.InvariantCulture, out var n) ? n : 40;
        var name = PostgisServer.NewDatabaseName("sigkill");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = "sigkill-" + Guid.NewGuid().ToString("N")[..8],
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
        };
        try
        {
            await using var victim = await ServiceProcess.StartAsync(database, settings);
            await using var survivor = await ServiceProcess.StartAsync(database, settings);
            ServiceProcess[] instances = [victim, survivor];
            var officerToken = ServiceProcess.Token("sigkill-officer", Role.DutyOfficer112);
            using var officer = new GraphQLClient(Http(victim, officerToken));
            using var admin = new GraphQLClient(Http(victim, ServiceProcess.Token("sigkill-admin", Role.Admin)));
            var seed = new Seed(officer);
            var (serviceId, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
            var units = new List<Guid>();
            for (var i = 0; i < Units; i++)
            {
                units.Add(Guid.Parse(await seed.UnitAsync(serviceId, Seed.InCity)));
            }

            var (station, feed) = (Seed.Unique("KILL-ST").ToUpperInvariant(), Seed.Unique("KILL-FEED").ToUpperInvariant());
            await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "sigkill", @operator = "test",
                kind = "METEO_STATION", location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), parameters = new[] { "WIND_SPEED" } } });
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "sigkill", format = "PUSH", silenceSeconds = 86400 } });
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var firstEvent = await ScalarAsync<long>(owner, "SELECT coalesce(max(id), 0) FROM events");

            // Act: two streams, each call first to alternate instances, retried against the other on any failure.
            var clients = instances.Select(i => Http(i, officerToken)).ToArray();
            // Whole seconds: the database keeps microseconds, and sent and stored times are compared exactly.
            var t0 = DateTime.UnixEpoch.AddSeconds((long)(DateTime.UtcNow.AddMinutes(-30) - DateTime.UnixEpoch).TotalSeconds);
            var sentFixes = new List<(Guid Unit, DateTime At)>();
            var sentReadings = new List<DateTime>();
            var retries = 0;
            var positionsSent = 0;
            async Task<bool> SendAsync(int preferred, string query, object variables)
            {
                for (var attempt = 0; attempt < 40; attempt++)
                {
                    var http = clients[(preferred + attempt) % clients.Length];
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables });
                        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
                        if (response.IsSuccessStatusCode && body?["errors"] is null)
                        {
                            return true;
                        }

                        Assert.True((int)response.StatusCode == 503, $"{(int)response.StatusCode}: {body?.ToJsonString()}");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                    }

                    Interlocked.Increment(ref retries);
                    await Task.Delay(50);
                }

                return false;
            }

            var positions = Task.Run(async () =>
            {
                for (var b = 0; b < batches; b++)
                {
                    var at = t0.AddSeconds(b);
                    var fixes = units.Select((u, i) => new { unit = u, point = Seed.Point(Seed.InCity[0] + b * 0.0005, Seed.InCity[1] + i * 0.0005), at = at.ToString("O") }).ToArray();
                    Assert.True(await SendAsync(b % 2, "mutation ($p: [PositionInput!]!) { reportPositions(positions: $p) { stored } }", new { p = fixes }), $"batch {b} never went through");
                    sentFixes.AddRange(units.Select(u => (u, at)));
                    Interlocked.Increment(ref positionsSent);
                }
            });
            var readings = Task.Run(async () =>
            {
                for (var b = 0; b < batches; b++)
                {
                    var times = Enumerable.Range(0, ReadingsPerBatch).Select(r => t0.AddMinutes(10).AddSeconds(b * ReadingsPerBatch + r)).ToArray();
                    var o = times.Select(t => new { station, parameter = "WIND_SPEED", observedAt = t.ToString("O"), value = 3.0, unit = "m/s" }).ToArray();
                    Assert.True(await SendAsync((b + 1) % 2, "mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }",
                        new { f = feed, o }), $"readings batch {b} never went through");
                    sentReadings.AddRange(times);
                }
            });
            while (Volatile.Read(ref positionsSent) < batches / 2 && !positions.IsCompleted)
            {
                await Task.Delay(5);
            }

            victim.Kill();
            await Task.WhenAll(positions, readings);

            // Assert: invariants over what was sent and what is stored.
            var unitIds = units.ToArray();
            var track = await SqlRows.ReadAsync(owner, "SELECT unit_id, at, count(*) FROM unit_track WHERE unit_id = ANY($1) GROUP BY 1, 2", r => (r.GetGuid(0), r.GetDateTime(1), r.GetInt64(2)), unitIds);
            var stored = track.Select(t => (t.Item1, t.Item2)).ToHashSet();
            var positionsReport = Report("fixes", sentFixes.Count, track.Sum(t => t.Item3), track.Where(t => t.Item3 > 1).Sum(t => t.Item3 - 1) + stored.Count(s => !sentFixes.Contains(s)),
                sentFixes.Count(s => !stored.Contains(s)));
            var observed = await SqlRows.ReadAsync(owner, """
                SELECT o.observed_at, count(*) FROM observations o JOIN monitoring_stations s ON s.id = o.station_id WHERE s.code = $1 GROUP BY 1
                """, r => (r.GetDateTime(0), r.GetInt64(1)), station);
            var observedAt = observed.Select(o => o.Item1).ToHashSet();
            var readingsReport = Report("readings", sentReadings.Count, observed.Sum(o => o.Item2), observed.Where(o => o.Item2 > 1).Sum(o => o.Item2 - 1) + observedAt.Count(o => !sentReadings.Contains(o)),
                sentReadings.Count(r => !observedAt.Contains(r)));
            var fixEvents = await ScalarAsync<long>(owner, $"SELECT coalesce(sum((payload->>'stored')::int), 0) FROM events WHERE kind = 'POSITIONS_REPORTED' AND id > {firstEvent}");
            var readingEvents = await ScalarAsync<long>(owner,
                $"SELECT coalesce(sum(coalesce(payload->>'stored', payload->>'Stored')::int), 0) FROM events WHERE kind = 'OBSERVATIONS_INGESTED' AND id > {firstEvent} AND payload->>'feed' = '{feed}'");
            var latest = await SqlRows.ReadAsync(owner, "SELECT id, location_at FROM response_units WHERE id = ANY($1)", r => (r.GetGuid(0), r.IsDBNull(1) ? (DateTime?)null : r.GetDateTime(1)), unitIds);
            output.WriteLine($"{batches} batches to 2 instances, instance 1 SIGKILLed after {batches / 2}; {retries} retried call(s)");
            output.WriteLine(positionsReport.Line + $"; events count {fixEvents}");
            output.WriteLine(readingsReport.Line + $"; events count {readingEvents}");

            Assert.True(retries > 0 || victim.HasExited, "the kill was not felt by any client");
            Assert.Equal((sentFixes.Count, 0L, 0), (positionsReport.Stored, positionsReport.Duplicated, positionsReport.Lost));
            Assert.Equal((sentReadings.Count, 0L, 0), (readingsReport.Stored, readingsReport.Duplicated, readingsReport.Lost));
            Assert.Equal(sentFixes.Count, fixEvents);
            Assert.Equal(sentReadings.Count, readingEvents);
            var newest = t0.AddSeconds(batches - 1);
            Assert.All(latest, u => Assert.Equal(newest, u.Item2));
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private sealed record Invariants(string Line, long Stored, long Duplicated, int Lost);

    private static Invariants Report(string what, int sent, long stored, long duplicated, int lost) =>
        new($"{what}: sent {sent} / stored {stored} / duplicated {duplicated} / lost {lost}", stored, duplicated, lost);

    internal static HttpClient Http(ServiceProcess service, string token)
    {
        var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
