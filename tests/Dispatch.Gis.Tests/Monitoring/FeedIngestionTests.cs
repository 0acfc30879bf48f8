using System.Globalization;
using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>
/// Issue 10: every format end to end through a real poll of the feed simulator over loopback; a re-poll adds nothing;
/// each kind of bad row is quarantined with its line or pointer and its reason while the good rows go in; an HTTP
/// 500, a timeout or garbage writes nothing and is retried with backoff; the job ledger shows every run.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class FeedIngestionTests(ApiFixture api, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    /// <summary>Kostanay Region: no other test judges its situation.</summary>
    private const string Region = "390000000";

    private readonly MonitoringHarness _m = new(api, simulator.Server);

    /// <summary>Fills the time placeholders once, so every poll of the fixture serves the very same payload.</summary>
    private static string Payload(string fixture, params (string Key, string Value)[] values) =>
        values.Aggregate(FeedSimulatorServer.Fill(MonitoringHarness.Fixture(fixture), DateTimeOffset.UtcNow, 1),
            (t, v) => t.Replace("{{" + v.Key + "}}", v.Value, StringComparison.Ordinal));

    private async Task<(string S1, string S2)> StationsAsync(string[] parameters1, string[] parameters2, string kind = "HYDRO_POST")
    {
        var at = await _m.PointInAsync(await _m.DistrictOfAsync(Region));
        var (s1, s2) = (MonitoringHarness.Code("T-S1"), MonitoringHarness.Code("T-S2"));
        await _m.StationAsync(s1, kind, at, parameters1);
        await _m.StationAsync(s2, kind, [at[0] + 0.01, at[1]], parameters2);
        return (s1, s2);
    }

    private Task<long> ObservationsAsync(params string[] stations) =>
        api.ScalarAsync<long>($"SELECT count(*) FROM observations o JOIN monitoring_stations s ON s.id = o.station_id WHERE s.code IN ('{string.Join("','", stations)}')");

    [Fact]
    public async Task A_csv_feed_in_a_russian_layout_is_ingested_and_a_repoll_of_the_same_payload_adds_nothing()
    {
        var (s1, s2) = await StationsAsync(["WATER_LEVEL"], ["WATER_DISCHARGE"]);
        var path = "t/" + MonitoringHarness.Code("HYDRO") + ".csv";
        simulator.Server.SetPayload(path, Payload("hydro-ru.csv", ("S1", s1), ("S2", s2)), "text/csv; charset=utf-8");
        var feed = MonitoringHarness.Code("F-CSV");

        var first = await _m.FeedAsync(feed, "CSV", path, new { station = "пост", time = "дата", parameter = "параметр", value = "значение", unit = "ед", delimiter = ";",
            timeZone = "+05:00" }, territory: Region);
        var again = await _m.PollAsync(feed);

        Assert.Equal(("SUCCEEDED", 5, 5, 0, 0), (first!["outcome"]!.GetValue<string>(), first["received"]!.GetValue<int>(), first["stored"]!.GetValue<int>(),
            first["duplicates"]!.GetValue<int>(), first["rejectedCount"]!.GetValue<int>()));
        Assert.Equal((5, 0, 5), (again["received"]!.GetValue<int>(), again["stored"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal(5, await ObservationsAsync(s1, s2));
        var station = await _m.Officer.QueryAsync("""
            query ($c: String!) { station(code: $c) { latest { parameter value unit level } observations(last: 10) { value unit } } }
            """, new { c = s1 });
        // 4.18 m arrived in metres and is kept in the parameter's unit.
        Assert.Equal([418, 415.5, 412], station["station"]!["observations"]!.AsArray().Select(o => o!["value"]!.GetValue<double>()));
        Assert.Equal(("WATER_LEVEL", 418, "cm", "NORMAL"), (station["station"]!["latest"]![0]!["parameter"]!.GetValue<string>(),
            station["station"]!["latest"]![0]!["value"]!.GetValue<double>(), station["station"]!["latest"]![0]!["unit"]!.GetValue<string>(),
            station["station"]!["latest"]![0]!["level"]!.GetValue<string>()));
        var health = await _m.HealthAsync(feed);
        Assert.Equal("OK", health["state"]!.GetValue<string>());
        Assert.InRange(health["lagSeconds"]!.GetValue<double>(), 250, 400);
    }

    [Fact]
    public async Task Each_kind_of_bad_row_is_quarantined_with_its_line_and_reason_and_the_good_rows_go_in()
    {
        var (s1, _) = await StationsAsync(["GAMMA_DOSE_RATE"], ["GAMMA_DOSE_RATE"], "RADIATION_POST");
        var path = "t/" + MonitoringHarness.Code("BAD") + ".csv";
        simulator.Server.SetPayload(path, Payload("bad-rows.csv", ("S1", s1)), "text/csv");
        var feed = MonitoringHarness.Code("F-BAD");

        var run = await _m.FeedAsync(feed, "CSV", path, territory: Region);

        Assert.Equal(("SUCCEEDED", 13, 3), (run!["outcome"]!.GetValue<string>(), run["received"]!.GetValue<int>(), run["stored"]!.GetValue<int>()));
        var rejected = run["rejected"]!.AsArray().ToDictionary(r => r!["line"]!.GetValue<int>(), r => r!["reason"]!.GetValue<string>());
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12], rejected.Keys.Order());
        Assert.Contains("expected 5 fields", rejected[3], StringComparison.Ordinal);
        Assert.Contains("unknown station \"NO-SUCH-STATION\"", rejected[4], StringComparison.Ordinal);
        Assert.Contains("unit \"cm\" does not match GAMMA_DOSE_RATE", rejected[5], StringComparison.Ordinal);
        Assert.Contains("outside the physical range", rejected[6], StringComparison.Ordinal);
        Assert.Contains("in the future beyond the clock skew", rejected[7], StringComparison.Ordinal);
        Assert.Contains("older than 30 days", rejected[8], StringComparison.Ordinal);
        Assert.Contains("is not a date and time", rejected[9], StringComparison.Ordinal);
        Assert.Contains("is not a number", rejected[10], StringComparison.Ordinal);
        Assert.Contains($"station {s1} does not measure WATER_LEVEL", rejected[11], StringComparison.Ordinal);
        Assert.Contains("unknown parameter \"NOT_A_PARAMETER\"", rejected[12], StringComparison.Ordinal);
        Assert.All(run["rejected"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty(r!["raw"]!.GetValue<string>())));
        // The good rows, in µSv/h whatever unit they came in: 0.12, 140 nSv/h, 0.15 uSv/h.
        var values = await api.ScalarAsync<string>($"SELECT string_agg(value::text, ',' ORDER BY observed_at) FROM observations o JOIN monitoring_stations s ON s.id = o.station_id WHERE s.code = '{s1}'");
        Assert.Equal("0.12,0.14,0.15", values);
    }

    [Fact]
    public async Task A_json_feed_is_read_with_its_pointers_and_bad_records_are_quarantined_with_theirs()
    {
        var (s1, s2) = await StationsAsync(["GAMMA_DOSE_RATE"], ["GAMMA_DOSE_RATE"], "RADIATION_POST");
        var path = "t/" + MonitoringHarness.Code("GAMMA") + ".json";
        simulator.Server.SetPayload(path, Payload("gamma.json", ("S1", s1), ("S2", s2)), "application/json");
        var feed = MonitoringHarness.Code("F-JSON");

        var run = await _m.FeedAsync(feed, "JSON", path, new { records = "/data", station = "/post", time = "/measured", value = "/gamma/value", unit = "/gamma/unit",
            fixedParameter = "GAMMA_DOSE_RATE" }, territory: Region);
        var again = await _m.PollAsync(feed);

        Assert.Equal((6, 3), (run!["received"]!.GetValue<int>(), run["stored"]!.GetValue<int>()));
        Assert.Equal(["/data/2/gamma/value", "/data/3/measured", "/data/4"], run["rejected"]!.AsArray().Select(r => r!["pointer"]!.GetValue<string>()));
        Assert.Equal((0, 3), (again["stored"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal(3, await ObservationsAsync(s1, s2));
    }

    [Fact]
    public async Task A_usgs_geojson_feed_stores_earthquakes_once_applies_later_versions_and_quarantines_what_it_cannot_place()
    {
        var (q1, q2, q3, q4) = (MonitoringHarness.Code("us7000"), MonitoringHarness.Code("us7000"), MonitoringHarness.Code("us7000"), MonitoringHarness.Code("us7000"));
        var path = "t/" + MonitoringHarness.Code("QUAKES") + ".geojson";
        var values = new[] { ("Q1", q1), ("Q2", q2), ("Q3", q3), ("Q4", q4), ("LON", "82.7"), ("LAT", "50.4") };
        simulator.Server.SetPayload(path, Payload("usgs.geojson", values), "application/geo+json");
        var feed = MonitoringHarness.Code("F-USGS");

        var run = await _m.FeedAsync(feed, "GEOJSON_QUAKES", path);
        var again = await _m.PollAsync(feed);
        // The catalogue revises the event: a later "updated" and a new magnitude replace the stored version.
        var revised = Payload("usgs.geojson", values).Replace("\"mag\": 3.1", "\"mag\": 3.3", StringComparison.Ordinal);
        revised = System.Text.RegularExpressions.Regex.Replace(revised, "\"updated\": ([0-9]+), \"tz\"", m =>
            $"\"updated\": {long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 60_000}, \"tz\"");
        simulator.Server.SetPayload(path, revised, "application/geo+json");
        var update = await _m.PollAsync(feed);

        Assert.Equal((4, 1, 3), (run!["received"]!.GetValue<int>(), run["stored"]!.GetValue<int>(), run["rejectedCount"]!.GetValue<int>()));
        var reasons = run["rejected"]!.AsArray().ToDictionary(r => r!["pointer"]!.GetValue<string>(), r => r!["reason"]!.GetValue<string>());
        Assert.Contains("outside Kazakhstan's neighbourhood", reasons["/features/1"], StringComparison.Ordinal);
        Assert.Equal("no magnitude", reasons["/features/2"]);
        Assert.Contains("no point coordinates", reasons["/features/3/geometry/coordinates"], StringComparison.Ordinal);
        Assert.Equal((0, 0, 1), (again["stored"]!.GetValue<int>(), again["updated"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal((0, 1), (update["stored"]!.GetValue<int>(), update["updated"]!.GetValue<int>()));
        var quakes = await _m.Officer.QueryAsync("{ earthquakes(minMagnitude: 3.0, first: 100) { externalId magnitude depthKm place status epicentre } }");
        var quake = quakes["earthquakes"]!.AsArray().Single(q => q!["externalId"]!.GetValue<string>() == q1)!;
        Assert.Equal((3.3, 10.0, "reviewed"), (quake["magnitude"]!.GetValue<double>(), quake["depthKm"]!.GetValue<double>(), quake["status"]!.GetValue<string>()));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'EARTHQUAKE_REPORTED' AND payload->>'externalId' = '{q1}'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'EARTHQUAKE_UPDATED' AND payload->>'externalId' = '{q1}'"));
    }

    [Fact]
    public async Task A_cap_feed_stores_each_alert_once_quarantines_the_ones_that_break_the_schema_and_an_update_replaces_what_it_names()
    {
        var (id1, id2, id3, id4) = (MonitoringHarness.Code("T.CAP"), MonitoringHarness.Code("T.CAP"), MonitoringHarness.Code("T.CAP"), MonitoringHarness.Code("T.CAP"));
        // Mangystau: a polygon and a circle around Aktau; Minor severity, so no level changes anywhere.
        var values = new[] { ("ID1", id1), ("ID2", id2), ("ID3", id3), ("SEVERITY", "Minor"), ("EXPIRES", "{{nowCap+7200}}"),
            ("POLYGON", "43.5,51.0 43.5,51.4 43.8,51.4 43.8,51.0 43.5,51.0"), ("CIRCLE", "43.65,51.2 20"), ("BOWTIE", "43.5,51.0 43.8,51.4 43.5,51.4 43.8,51.0 43.5,51.0") };
        var path = "t/" + MonitoringHarness.Code("CAP") + ".xml";
        simulator.Server.SetPayload(path, FeedSimulatorServer.Fill(Payload("cap-atom.xml", values), DateTimeOffset.UtcNow, 1), "application/atom+xml");
        var feed = MonitoringHarness.Code("F-CAP");

        var run = await _m.FeedAsync(feed, "CAP", path);
        var again = await _m.PollAsync(feed);
        var sent = await api.ScalarAsync<DateTime>($"SELECT sent_at FROM warnings WHERE identifier = '{id1}' LIMIT 1");
        simulator.Server.SetPayload(path, Payload("cap-cancel.xml", ("ID4", id4), ("ID1", id1),
            ("SENT1", new DateTimeOffset(sent).ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))), "application/cap+xml");
        var cancel = await _m.PollAsync(feed);

        Assert.Equal((3, 2, 2), (run!["received"]!.GetValue<int>(), run["stored"]!.GetValue<int>(), run["rejectedCount"]!.GetValue<int>()));
        Assert.Equal((0, 2), (again["stored"]!.GetValue<int>(), again["duplicates"]!.GetValue<int>()));
        Assert.Equal(1, cancel["stored"]!.GetValue<int>());
        var warnings = await _m.Officer.QueryAsync("{ warnings(activeOnly: false, first: 100) { identifier event severity replacedBy territoryKato area } }");
        var ours = warnings["warnings"]!.AsArray().Where(w => w!["identifier"]!.GetValue<string>() == id1).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, w => Assert.Equal($"test@kazhydromet.kz,{id4}", w!["replacedBy"]!.GetValue<string>()));
        Assert.All(ours, w => Assert.Equal("470000000", w!["territoryKato"]!.GetValue<string>()));
        var active = await _m.Officer.QueryAsync("{ warnings(territory: \"470000000\") { identifier } }");
        Assert.DoesNotContain(active["warnings"]!.AsArray(), w => w!["identifier"]!.GetValue<string>() == id1);
    }

    [Theory]
    [InlineData(FaultMode.Http500, "HTTP 500")]
    [InlineData(FaultMode.Garbage, "the payload is binary, not CSV text")]
    [InlineData(FaultMode.Timeout, "no answer within 1 s")]
    public async Task A_failed_poll_writes_nothing_and_is_retried_with_backoff_until_it_succeeds(FaultMode fault, string error)
    {
        var (s1, s2) = await StationsAsync(["WATER_LEVEL"], ["WATER_DISCHARGE"]);
        var path = "t/" + MonitoringHarness.Code("FAIL") + ".csv";
        simulator.Server.SetPayload(path, Payload("hydro-ru.csv", ("S1", s1), ("S2", s2)), "text/csv");
        simulator.Server.SetFault(path, fault, count: 2);
        var feed = MonitoringHarness.Code("F-FAIL");

        // Two failures, then the retries' third attempt succeeds: backoff 1 s, then 2 s.
        await _m.FeedAsync(feed, "CSV", path, new { station = "пост", time = "дата", parameter = "параметр", value = "значение", unit = "ед", delimiter = ";",
            timeZone = "+05:00" }, retries: 3, backoff: 1, timeout: 1, territory: Region);
        var failedHealth = await _m.HealthAsync(feed);
        await _m.WaitForRunAsync(feed, 3, TimeSpan.FromSeconds(30));

        var runs = (await _m.RunsAsync(feed)).Reverse().ToList();
        Assert.Equal(["FAILED", "FAILED", "SUCCEEDED"], runs.Select(r => r!["outcome"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], runs.Select(r => r!["attempt"]!.GetValue<int>()));
        Assert.All(runs.Take(2), r => Assert.StartsWith(error, r!["error"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(runs.Take(2), r => Assert.Equal(0, r!["stored"]!.GetValue<int>()));
        Assert.Equal(5, runs[2]!["stored"]!.GetValue<int>());
        Assert.Equal(5, await ObservationsAsync(s1, s2));
        Assert.Equal("FAILING", failedHealth["state"]!.GetValue<string>());
        Assert.StartsWith(error, failedHealth["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        var served = simulator.Server.Requests(path);
        Assert.Equal(3, served.Count);
        Assert.True(served[1].At - served[0].At >= TimeSpan.FromSeconds(0.85), $"first retry after {served[1].At - served[0].At}");
        Assert.True(served[2].At - served[1].At >= TimeSpan.FromSeconds(1.7), $"second retry after {served[2].At - served[1].At}");
        // The job ledger shows every run: two failed, one succeeded, each tied to its feed run.
        var ledger = await _m.Admin.QueryAsync("query ($j: String!) { jobRuns(job: $j) { nodes { id outcome error } } }", new { j = "poll-feed:" + feed });
        Assert.Equal(["SUCCEEDED", "FAILED", "FAILED"], ledger["jobRuns"]!["nodes"]!.AsArray().Select(n => n!["outcome"]!.GetValue<string>()));
        Assert.Equal(ledger["jobRuns"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()), runs.AsEnumerable().Reverse().Select(r => r!["jobRunId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_feed_that_stops_delivering_new_data_is_announced_silent_once_and_recovered_once()
    {
        var (s1, s2) = await StationsAsync(["WATER_LEVEL"], ["WATER_DISCHARGE"]);
        var path = "t/" + MonitoringHarness.Code("SILENT") + ".csv";
        simulator.Server.SetPayload(path, Payload("hydro-ru.csv", ("S1", s1), ("S2", s2)), "text/csv");
        var feed = MonitoringHarness.Code("F-SILENT");
        var mapping = new { station = "пост", time = "дата", parameter = "параметр", value = "значение", unit = "ед", delimiter = ";", timeZone = "+05:00" };
        await _m.FeedAsync(feed, "CSV", path, mapping, interval: 1, silence: 2, territory: Region);
        var feedId = await api.ScalarAsync<string>($"SELECT id::text FROM feeds WHERE code = '{feed}'");

        // The feed keeps answering 200 with the same rows: polls succeed, nothing new arrives.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await _m.RunJobAsync("watch-feeds");
        await _m.RunJobAsync("watch-feeds");
        var silent = await _m.HealthAsync(feed);
        var report = await _m.Officer.QueryAsync("query ($t: String!) { situationReport(territory: $t) { silentFeeds { code } } }", new { t = Region });
        var fresh = $"{s1};{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(5)).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)};WATER_LEVEL;419;см\n";
        simulator.Server.SetPayload(path, Payload("hydro-ru.csv", ("S1", s1), ("S2", s2)) + fresh, "text/csv");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _m.HealthAsync(feed))["silentSince"] is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the feed did not recover");
            await Task.Delay(100);
        }

        await _m.Admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { enabled } }", new { i = new { code = feed, name = "off", format = "CSV",
            url = simulator.Server.FeedUrl(path), intervalSeconds = 1, silenceSeconds = 2, mapping, territory = Region, enabled = false } });

        Assert.Equal("SILENT", silent["state"]!.GetValue<string>());
        Assert.NotNull(silent["silentSince"]);
        Assert.Contains(report["situationReport"]!["silentFeeds"]!.AsArray(), f => f!["code"]!.GetValue<string>() == feed);
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FEED_SILENT' AND entity_id = '{feedId}'"));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FEED_RECOVERED' AND entity_id = '{feedId}'"));
        Assert.Equal("FEED_SILENT", await api.ScalarAsync<string>(
            $"SELECT kind FROM events WHERE kind IN ('FEED_SILENT', 'FEED_RECOVERED') AND entity_id = '{feedId}' ORDER BY id LIMIT 1"));
        Assert.Equal(Region, await api.ScalarAsync<string>($"SELECT territory_kato FROM events WHERE kind = 'FEED_SILENT' AND entity_id = '{feedId}'"));
        Assert.True(await api.ScalarAsync<bool>($"SELECT geom IS NOT NULL FROM events WHERE kind = 'FEED_SILENT' AND entity_id = '{feedId}'"));
    }

    [Fact]
    public async Task Upserting_a_feed_schedules_it_at_its_interval_a_new_interval_reschedules_it_and_disabling_pauses_it()
    {
        var path = "t/" + MonitoringHarness.Code("SCHED") + ".csv";
        simulator.Server.SetPayload(path, "station,time,parameter,value,unit\n", "text/csv");
        var feed = MonitoringHarness.Code("F-SCHED");
        object Input(int interval, bool enabled) => new { i = new { code = feed, name = "scheduled", format = "CSV", url = simulator.Server.FeedUrl(path),
            intervalSeconds = interval, silenceSeconds = 7200, enabled } };
        const string Upsert = "mutation ($i: FeedInput!) { upsertFeed(input: $i) { health { triggerState nextPollAt } } }";

        const string Health = "query ($c: String!) { feed(code: $c) { health { triggerState nextPollAt } } }";

        // A new trigger fires at once; after that firing it waits its interval.
        await _m.Admin.QueryAsync(Upsert, Input(3600, true));
        await _m.WaitForRunAsync(feed, 1);
        var jobs = await _m.Admin.QueryAsync("{ scheduledJobs { name intervalSeconds state } }");
        await _m.Admin.QueryAsync(Upsert, Input(1800, true));
        await _m.WaitForRunAsync(feed, 2);
        var changed = (await _m.Admin.QueryAsync(Health, new { c = feed }))["feed"]!["health"]!;
        await _m.Admin.QueryAsync(Upsert, Input(1800, true));
        var unchanged = (await _m.Admin.QueryAsync(Health, new { c = feed }))["feed"]!["health"]!;
        var disabled = await _m.Admin.QueryAsync(Upsert, Input(1800, false));
        var enabled = await _m.Admin.QueryAsync(Upsert, Input(1800, true));

        Assert.Contains(jobs["scheduledJobs"]!.AsArray(), j => j!["name"]!.GetValue<string>() == "poll-feed:" + feed && j["intervalSeconds"]!.GetValue<double>() == 3600);
        var next = changed["nextPollAt"]!.GetValue<DateTime>();
        Assert.InRange((next - DateTime.UtcNow).TotalMinutes, 25, 31);
        Assert.Equal(next, unchanged["nextPollAt"]!.GetValue<DateTime>());
        Assert.Equal(2, await _m.RunCountAsync(feed));
        Assert.Equal("PAUSED", disabled["upsertFeed"]!["health"]!["triggerState"]!.GetValue<string>());
        Assert.Equal("NORMAL", enabled["upsertFeed"]!["health"]!["triggerState"]!.GetValue<string>());
        var feedId = await api.ScalarAsync<string>($"SELECT id::text FROM feeds WHERE code = '{feed}'");
        Assert.Equal(4, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'FEED_CONFIGURED' AND entity_id = '{feedId}'"));
    }

    [Theory]
    [InlineData("{ code: \"lower-case\", name: \"x\", format: CSV, url: \"http://127.0.0.1:9/x\", intervalSeconds: 60, silenceSeconds: 600 }", "BAD_USER_INPUT", "input.code")]
    [InlineData("{ code: \"T-URL\", name: \"x\", format: CSV, url: \"ftp://example.org/x\", intervalSeconds: 60, silenceSeconds: 600 }", "BAD_USER_INPUT", "input.url")]
    [InlineData("{ code: \"T-INT\", name: \"x\", format: CSV, url: \"http://127.0.0.1:9/x\", silenceSeconds: 600 }", "BAD_USER_INPUT", "input.intervalSeconds")]
    [InlineData("{ code: \"T-SIL\", name: \"x\", format: CSV, url: \"http://127.0.0.1:9/x\", intervalSeconds: 600, silenceSeconds: 60 }", "BAD_USER_INPUT", "input.silenceSeconds")]
    [InlineData("{ code: \"T-PUSH\", name: \"x\", format: PUSH, url: \"http://127.0.0.1:9/x\", silenceSeconds: 60 }", "BAD_USER_INPUT", "input.url")]
    [InlineData("{ code: \"T-CRS\", name: \"x\", format: GEOJSON_QUAKES, url: \"http://127.0.0.1:9/x\", intervalSeconds: 60, silenceSeconds: 600, sourceCrs: 999999 }", "UNKNOWN_CRS", "input.sourceCrs")]
    [InlineData("{ code: \"T-CRS2\", name: \"x\", format: CAP, url: \"http://127.0.0.1:9/x\", intervalSeconds: 60, silenceSeconds: 600, sourceCrs: 32643 }", "BAD_USER_INPUT", "input.sourceCrs")]
    [InlineData("{ code: \"T-MAP\", name: \"x\", format: JSON, url: \"http://127.0.0.1:9/x\", intervalSeconds: 60, silenceSeconds: 600, mapping: { value: \"value\" } }", "BAD_USER_INPUT", "input.mapping.value")]
    [InlineData("{ code: \"T-FIX\", name: \"x\", format: CSV, url: \"http://127.0.0.1:9/x\", intervalSeconds: 60, silenceSeconds: 600, mapping: { fixedParameter: \"WATER_LEVEL\", fixedUnit: \"µSv/h\" } }", "BAD_USER_INPUT", "input.mapping.fixedUnit")]
    [InlineData("{ code: \"T-TER\", name: \"x\", format: PUSH, silenceSeconds: 600, territory: \"999999999\" }", "NOT_FOUND", "input.territory")]
    public async Task A_feed_that_cannot_work_is_refused_naming_the_field(string input, string code, string argument)
    {
        var response = await _m.Admin.PostAsync($"mutation {{ upsertFeed(input: {input}) {{ id }} }}");

        Assert.Equal(code, response.ErrorCode());
        Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
    }
}
