using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.FeedSimulator;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit;

namespace Dispatch.Gis.Tests.Monitoring;

/// <summary>The feed simulator for a test class: a real HTTP server on loopback that the service under test polls.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public FeedSimulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FeedSimulatorServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Monitoring test steps in a few words each: stations and feeds through the API as an administrator, polls through
/// the scheduler (pollFeed) waited for in the feed's runs, fixture payloads served by the simulator.
/// </summary>
public sealed class MonitoringHarness(ApiFixture api, FeedSimulatorServer simulator)
{
    private GraphQLClient? _admin;

    public GraphQLClient Admin => _admin ??= api.Client(api.Tokens.Issue("test-admin", Role.Admin, ["*"], "Test Admin"));

    public GraphQLClient Officer => api.GraphQL;

    public FeedSimulatorServer Simulator => simulator;

    public static string Code(string prefix) => Seed.Unique(prefix).ToUpperInvariant();

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Fixtures", name));

    /// <summary>A point inside the territory (on its surface, so never on a shared boundary's wrong side).</summary>
    public async Task<double[]> PointInAsync(string kato)
    {
        await using var cmd = api.Db.CreateCommand("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM territories WHERE kato = $1) x");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = kato });
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no territory {kato}");
        return [Math.Round(reader.GetDouble(0), 6), Math.Round(reader.GetDouble(1), 6)];
    }

    /// <summary>A district of the region (the first by code, or the given one).</summary>
    public Task<string> DistrictOfAsync(string region, int index = 0) =>
        api.ScalarAsync<string>($"SELECT kato FROM territories WHERE parent_kato = '{region}' ORDER BY kato OFFSET {index} LIMIT 1");

    public async Task<JsonNode> StationAsync(string code, string kind, double[] at, string[] parameters, object[]? thresholds = null, string? dangerousObject = null)
    {
        var data = await Admin.QueryAsync("""
            mutation ($i: StationInput!) { upsertStation(input: $i) { id code territoryKato thresholds { parameter level value validFrom source citation verified } } }
            """, new { i = new { code, name = "Test station " + code, @operator = "Test operator", kind, location = Seed.Point(at[0], at[1]), parameters, thresholds,
                dangerousObject } });
        return data["upsertStation"]!;
    }

    /// <summary>Configures a feed and waits for its first poll (a new trigger fires at once); returns that run.</summary>
    public async Task<JsonNode?> FeedAsync(string code, string format, string? path, object? mapping = null, int interval = 86400, int silence = 86400,
        int retries = 0, int backoff = 1, int timeout = 5, string? territory = null)
    {
        await Admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }", new
        {
            i = new
            {
                code, name = "Test feed " + code, format, url = path is null ? null : simulator.FeedUrl(path), intervalSeconds = path is null ? (int?)null : interval,
                timeoutSeconds = timeout, mapping, silenceSeconds = silence, retryAttempts = retries, retryBackoffSeconds = backoff, territory,
            },
        });
        return path is null ? null : await WaitForRunAsync(code, 1);
    }

    /// <summary>pollFeed, then the run it produced.</summary>
    public async Task<JsonNode> PollAsync(string code)
    {
        var before = await RunCountAsync(code);
        await Admin.QueryAsync("mutation ($c: String!) { pollFeed(code: $c) { code } }", new { c = code });
        return await WaitForRunAsync(code, before + 1);
    }

    public Task<long> RunCountAsync(string code) =>
        api.ScalarAsync<long>($"SELECT count(*) FROM feed_runs r JOIN feeds f ON f.id = r.feed_id WHERE f.code = '{code}'");

    /// <summary>Waits until the feed has <paramref name="count"/> runs and returns the newest.</summary>
    public async Task<JsonNode> WaitForRunAsync(string code, long count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (await RunCountAsync(code) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"feed {code} did not reach {count} run(s)");
            await Task.Delay(50);
        }

        // The judgement after an ingest is its own unit of work, right after the run's: wait for the job to close too.
        await WaitForLedgerAsync(code);
        return (await RunsAsync(code, 1))[0]!;
    }

    public async Task WaitForLedgerAsync(string code)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = 'poll-feed:{code}' AND outcome = 'RUNNING'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"a poll of {code} did not end");
            await Task.Delay(50);
        }
    }

    public async Task<JsonArray> RunsAsync(string code, int first = 10) =>
        (await Admin.QueryAsync("""
            query ($c: String!, $n: Int!) { feed(code: $c) { runs(first: $n) { id jobRunId attempt outcome httpStatus received stored updated duplicates
                rejectedCount rejected { line pointer reason raw } error newestObservedAt } } }
            """, new { c = code, n = first }))["feed"]!["runs"]!.AsArray();

    public async Task<JsonNode> HealthAsync(string code) =>
        (await Admin.QueryAsync("""
            query ($c: String!) { feed(code: $c) { health { state lastPolledAt lastSuccessAt lastErrorAt lastError consecutiveFailures lastNewDataAt newestObservedAt
                lagSeconds silentSince } } }
            """, new { c = code }))["feed"]!["health"]!;

    /// <summary>Pushes readings to a PUSH feed as the given client.</summary>
    public static async Task<JsonNode> PushAsync(GraphQLClient client, string feed, params (string Station, string Parameter, DateTime At, double Value, string Unit)[] rows)
    {
        var data = await client.QueryAsync("""
            mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { id stored duplicates rejectedCount rejected { pointer reason } } }
            """, new { f = feed, o = rows.Select(r => new { station = r.Station, parameter = r.Parameter, observedAt = r.At.ToString("O"), value = r.Value, unit = r.Unit }) });
        return data["reportObservations"]!;
    }

    /// <summary>Runs a service job now, through the cluster's scheduler as its trigger would, and waits for its ledger row to close.</summary>
    public async Task RunJobAsync(string name)
    {
        var before = await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = '{name}' AND outcome <> 'RUNNING'");
        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(new JobKey(name, "service"), new JobDataMap(), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await api.ScalarAsync<long>($"SELECT count(*) FROM job_runs WHERE job = '{name}' AND outcome <> 'RUNNING'") == before)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} did not run");
            await Task.Delay(50);
        }
    }

    public async Task<JsonNode> SituationAsync(string kato) =>
        (await Officer.QueryAsync("""
            query ($t: String!) { situation(territory: $t) { highest domains { domain level since previousLevel evidence { kind level summary stationCode parameter value
                unit threshold thresholdLabel citation verified thresholdSource earthquakeId magnitude settlement distanceKm warningId severity } } } }
            """, new { t = kato }))["situation"]!;

    public async Task<JsonNode> DomainAsync(string kato, string domain) =>
        (await SituationAsync(kato))["domains"]!.AsArray().Single(d => d!["domain"]!.GetValue<string>() == domain)!;

    public Task<long> EventsAsync(string kind, string territory, string? domain = null) =>
        api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = '{kind}' AND territory_kato = '{territory}'"
            + (domain is null ? "" : $" AND payload->>'domain' = '{domain}'"));
}
