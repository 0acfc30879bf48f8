using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15, operability: a service process of the test's own (the meter is per process, so nothing else moves its
/// counters) scraped at /metrics on its metrics address before and after real activity; each counter moves by what
/// was done. /health/ready reports the scheduler and the listener's lag.
/// </summary>
[Trait("Category", "Database")]
public sealed class TelemetryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Issue15_metrics_move_by_what_was_done_and_readiness_reports_the_scheduler_and_listener()
    {
        var name = PostgisServer.NewDatabaseName("metrics");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        try
        {
            var metricsUrl = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}/metrics");
            await using var service = await ServiceProcess.StartAsync(database, new Dictionary<string, string?>
            {
                ["Dispatch:Telemetry:MetricsUrl"] = $"http://127.0.0.1:{metricsUrl.Port}",
                ["Dispatch:Scheduling:InstanceName"] = "metrics-" + Guid.NewGuid().ToString("N")[..8],
                ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
                ["Dispatch:Units:StaleSweepInterval"] = "00:00:01",
            });
            using var scrape = new HttpClient();
            using var officer = Client(service, ServiceProcess.Token("metrics-officer", Role.DutyOfficer112));
            using var admin = Client(service, ServiceProcess.Token("metrics-admin", Role.Admin));
            var seed = new Seed(officer);
            var (serviceId, _, _) = await seed.ServiceAsync(Seed.AlmatyCity);
            var unit = await seed.UnitAsync(serviceId, Seed.InCity);
            var feed = Seed.Unique("METRICS-FEED").ToUpperInvariant();
            var station = Seed.Unique("METRICS-ST").ToUpperInvariant();
            await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new { i = new { code = station, name = "metrics", @operator = "test",
                kind = "METEO_STATION", location = Seed.Point(Seed.InCity[0], Seed.InCity[1]), parameters = new[] { "WIND_SPEED" } } });
            await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new { i = new { code = feed, name = "metrics", format = "PUSH",
                silenceSeconds = 86400 } });
            var before = await PrometheusText.ScrapeAsync(scrape, metricsUrl);

            // Act: 7 fixes, then the same 7 again (all duplicates); 3 readings; one query.
            const int fixes = 7;
            var t0 = DateTime.UtcNow.AddMinutes(-10);
            var batch = Enumerable.Range(0, fixes).Select(i => (unit, Seed.InCity[0] + i * 0.001, Seed.InCity[1], t0.AddSeconds(i))).ToArray();
            Assert.Equal(fixes, (await seed.ReportAsync(batch))["reportPositions"]!["stored"]!.GetValue<int>());
            Assert.Equal(0, (await seed.ReportAsync(batch))["reportPositions"]!["stored"]!.GetValue<int>());
            await officer.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }", new
            {
                f = feed,
                o = Enumerable.Range(0, 3).Select(i => new { station, parameter = "WIND_SPEED", observedAt = DateTime.UtcNow.AddMinutes(-3 + i).ToString("O"), value = 2.0 + i, unit = "m/s" }),
            });
            await officer.QueryAsync("{ territory(kato: \"750000000\") { nameEn } }");
            await Task.Delay(2500); // the stale sweep runs every second; the exporter caches a scrape for 300 ms
            var after = await PrometheusText.ScrapeAsync(scrape, metricsUrl);
            output.WriteLine(string.Join('\n', after.Text.Split('\n').Where(l => l.StartsWith("dispatch_", StringComparison.Ordinal)).Take(60)));

            double Moved(string metric, params (string, string)[] labels) => after.Sum(metric, labels) - before.Sum(metric, labels);
            Assert.Equal(fixes, Moved("dispatch_positions_total", ("outcome", "stored")));
            Assert.Equal(fixes, Moved("dispatch_positions_total", ("outcome", "duplicate")));
            Assert.Equal(3, Moved("dispatch_observations_total", ("feed", feed), ("outcome", "stored")));
            Assert.Equal(1, Moved("dispatch_events_appended_total", ("kind", "POSITIONS_REPORTED")));
            Assert.Equal(2, Moved("dispatch_graphql_request_duration_seconds_count", ("operation", "mutation reportPositions"), ("outcome", "ok")));
            Assert.Equal(1, Moved("dispatch_graphql_request_duration_seconds_count", ("operation", "query territory"), ("outcome", "ok")));
            Assert.True(Moved("dispatch_jobs_runs_total", ("job", "sweep-stale-units"), ("outcome", "succeeded")) >= 1, "no job run counted");
            Assert.True(after.Sum("dispatch_feed_lag_seconds", ("feed", feed)) is > 0 and < 600, "feed lag is not the newest reading's age");
            Assert.True(after.Has("http_server_request_duration_seconds_count"), "ASP.NET Core's request metrics are missing");
            Assert.True(after.Text.Contains("db_client_connection", StringComparison.Ordinal), "Npgsql's pool metrics are missing");
            Assert.True(after.Has("dispatch_subscribers_queued"), "the subscriber queue gauge is missing");
            // The runtime's meter: the managed heap after the last collection is what a soak reads for a leak.
            Assert.True(after.Sum("dotnet_gc_last_collection_heap_size_bytes") > 1_000_000, "the runtime's GC heap metric is missing");

            // Not on the API's address: the scrape needs no token.
            using var onApi = await scrape.GetAsync(new Uri(service.BaseAddress, "/metrics"));
            Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);

            var ready = JsonNode.Parse(await scrape.GetStringAsync(new Uri(service.BaseAddress, "/health/ready")))!;
            output.WriteLine(ready.ToJsonString());
            var scheduler = ready["checks"]!["scheduler"]!["data"]!;
            Assert.True(scheduler["started"]!.GetValue<bool>());
            Assert.True(scheduler["clustered"]!.GetValue<bool>());
            Assert.False(string.IsNullOrEmpty(scheduler["instance"]!.GetValue<string>()));
            var checkIn = scheduler["lastCheckIn"]!.GetValue<DateTime>().ToUniversalTime();
            Assert.True(DateTime.UtcNow - checkIn < TimeSpan.FromSeconds(30), $"last check-in {checkIn:O}");
            var listener = ready["checks"]!["eventListener"]!["data"]!;
            Assert.True(listener["lagEvents"]!.GetValue<long>() >= 0);
            Assert.True(listener["lagSeconds"]!.GetValue<double>() >= 0);
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task Issue15_with_an_exporter_configured_a_request_is_traced_from_HTTP_through_SQL()
    {
        var name = PostgisServer.NewDatabaseName("traces");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var exported = new LockedActivities();
        try
        {
            // An OTLP endpoint nobody listens on turns tracing on; the in-memory exporter beside it is what the test reads.
            await using var app = await ApiFixture.StartAsync(database, new Dictionary<string, string?>
            {
                ["Dispatch:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}",
                ["Dispatch:Scheduling:Enabled"] = "false",
            }, b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)));
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceProcess.Token("trace-officer", Role.DutyOfficer112));
            // A trace id of the test's own: the exporter also sees requests to every other in-process service the suite runs at the same time.
            var traceId = ActivityTraceId.CreateRandom();
            using var post = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query = "{ territory(kato: \"750000000\") { nameEn } }" }) };
            post.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await http.SendAsync(post);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            Activity[] Snapshot() => exported.Snapshot();

            var deadline = DateTime.UtcNow.AddSeconds(10);
            Activity? request = null;
            while (DateTime.UtcNow < deadline && (request = Snapshot().FirstOrDefault(a => a.Kind == ActivityKind.Server && a.TraceId == traceId)) is null)
            {
                await Task.Delay(100);
            }

            Assert.NotNull(request);
            var sql = Snapshot().Where(a => a.Source.Name == "Npgsql" && a.TraceId == request.TraceId).ToArray();
            output.WriteLine($"{request.DisplayName} {request.TraceId}: {sql.Length} SQL span(s): " +
                string.Join(", ", sql.Select(a => a.DisplayName)));
            Assert.NotEmpty(sql);
            Assert.All(sql, a => Assert.True(a.ParentSpanId != default, "a SQL span without a parent"));
            await app.StopAsync();
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    /// <summary>
    /// The in-memory exporter adds from whichever thread ends a span, without a lock of its own: a plain list copied
    /// meanwhile once showed the test a null slot. Adds and copies take the same lock.
    /// </summary>
    private sealed class LockedActivities : System.Collections.ObjectModel.Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this)
            {
                base.InsertItem(index, item);
            }
        }

        public Activity[] Snapshot()
        {
            lock (this)
            {
                return [.. this];
            }
        }
    }

    private static GraphQLClient Client(ServiceProcess service, string token)
    {
        var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new GraphQLClient(http);
    }
}
