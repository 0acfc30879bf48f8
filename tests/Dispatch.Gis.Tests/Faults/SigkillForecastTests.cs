using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15, forecasts: two service processes on one database; several forecasts are queued and the instance running
/// one of them (per the job ledger) is SIGKILLed mid-computation. The cluster recovers the cut computations on the
/// survivor; afterwards every forecast is SUCCEEDED, each version row exists once, each horizon has one FORECAST zone,
/// every FORECAST_COMPUTED event matches a version row and the dead instance leaves no fired trigger behind.
/// </summary>
[Trait("Category", "Database")]
public sealed class SigkillForecastTests(ITestOutputHelper output)
{
    private const int Forecasts = 5;
    private static readonly int[] Horizons = [15, 30, 60, 120];

    [Fact]
    public async Task Issue15_forecasts_cut_by_a_killed_instance_are_computed_exactly_once_on_the_survivor()
    {
        var name = PostgisServer.NewDatabaseName("sigkill-forecast");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var cluster = "sigkill-fc-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = cluster,
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
        };
        try
        {
            await using var victim = await ServiceProcess.StartAsync(database, settings);
            await using var survivor = await ServiceProcess.StartAsync(database, settings);
            var victimId = await QuartzFailoverTests.InstanceIdAsync(victim);
            var token = ServiceProcess.Token("sigkill-forecaster", Role.DutyOfficer112);
            using var victimHttp = SigkillHarnessTests.Http(victim, token);
            using var survivorHttp = SigkillHarnessTests.Http(survivor, token);
            var officer = new GraphQLClient(victimHttp);
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var firstEvent = await QuartzFailoverTests.CountAsync(owner, "SELECT coalesce(max(id), 0) FROM events");

            // Act: queue the forecasts through the victim, then kill it while it is computing one of them.
            var sent = new List<Guid>();
            for (var i = 0; i < Forecasts; i++)
            {
                var queued = await officer.QueryAsync(ForecastRun, new { i = new {
                    location = Seed.Point(Seed.InCity[0] + i * 0.01, Seed.InCity[1]), substance = "chlorine", releasedMassKilograms = 5_000.0 + i * 1_000,
                    horizonsMinutes = Horizons, weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" },
                } });
                sent.Add(Guid.Parse(queued["runForecast"]!["id"]!.GetValue<string>()));
            }

            var deadline = DateTime.UtcNow.AddSeconds(10);
            var caughtRunning = false;
            while (!caughtRunning && DateTime.UtcNow < deadline
                && await QuartzFailoverTests.CountAsync(owner, "SELECT count(*) FROM forecasts WHERE state <> 'SUCCEEDED'") > 0)
            {
                caughtRunning = await QuartzFailoverTests.CountAsync(owner,
                    $"SELECT count(*) FROM job_runs WHERE job LIKE 'compute-forecast:%' AND outcome = 'RUNNING' AND instance = '{victimId}'") > 0;
                await Task.Delay(5);
            }

            victim.Kill();
            var done = await QuartzFailoverTests.CountAsync(owner, "SELECT count(*) FROM forecasts WHERE state = 'SUCCEEDED'");

            // The client sees every forecast through to its end on the survivor.
            var survivorClient = new GraphQLClient(survivorHttp);
            deadline = DateTime.UtcNow.AddSeconds(45);
            foreach (var id in sent)
            {
                while (true)
                {
                    var state = (await survivorClient.QueryAsync("query ($id: ID!) { forecast(id: $id) { state error } }", new { id }))["forecast"]!;
                    if (state["state"]!.GetValue<string>() == "SUCCEEDED")
                    {
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, $"forecast {id} still {state.ToJsonString()} on the survivor");
                    await Task.Delay(200);
                }
            }

            deadline = DateTime.UtcNow.AddSeconds(30);
            while (await QuartzFailoverTests.CountAsync(owner,
                $"SELECT count(*) FROM qrtz_fired_triggers WHERE sched_name = '{cluster}' AND (instance_name = '{victimId}' OR job_name LIKE 'compute-forecast:%')") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "fired triggers of the dead instance or of the forecasts left 30 s after every forecast succeeded");
                await Task.Delay(200);
            }

            // Assert: invariants over what was sent and what is stored.
            var ids = sent.ToArray();
            var versions = await SqlRows.ReadAsync(owner, "SELECT forecast_id, version FROM forecast_versions WHERE forecast_id = ANY($1)", r => (r.GetGuid(0), r.GetInt32(1)), ids);
            var current = await SqlRows.ReadAsync(owner, "SELECT id, version FROM forecasts WHERE id = ANY($1)", r => (r.GetGuid(0), r.GetInt32(1)), ids);
            var horizons = await SqlRows.ReadAsync(owner, "SELECT forecast_id, minutes, zone_id FROM forecast_horizons WHERE forecast_id = ANY($1)",
                r => (Forecast: r.GetGuid(0), Minutes: r.GetInt32(1), Zone: r.GetGuid(2)), ids);
            // A fresh database: every FORECAST zone in it was drawn by one of these forecasts.
            var forecastZones = await QuartzFailoverTests.CountAsync(owner, "SELECT count(*) FROM emergency_zones WHERE kind = 'FORECAST'");
            var events = await SqlRows.ReadAsync(owner,
                $"SELECT (payload->>'forecastId')::uuid, (payload->>'version')::int FROM events WHERE kind = 'FORECAST_COMPUTED' AND id > {firstEvent}",
                r => (r.GetGuid(0), r.GetInt32(1)));
            var runs = await SqlRows.ReadAsync(owner, "SELECT instance, outcome, recovering FROM job_runs WHERE job LIKE 'compute-forecast:%' ORDER BY id",
                r => $"{r.GetString(1)}{(r.GetBoolean(2) ? " (recovering)" : "")} on {(r.GetString(0) == victimId ? "victim" : "survivor")}");

            var computed = versions.Select(v => v.Item1).Distinct().Count();
            var duplicated = versions.Count - versions.Distinct().Count();
            var lost = sent.Count(id => versions.All(v => v.Item1 != id));
            output.WriteLine($"{Forecasts} forecasts queued on instance 1, killed {(caughtRunning ? "while the ledger showed it computing one" : "before the ledger showed it computing")}, " +
                $"{done} already succeeded at the kill; runs: {string.Join(", ", runs)}");
            output.WriteLine($"forecasts: sent {sent.Count} / computed {computed} / duplicated {duplicated} / lost {lost}; " +
                $"{versions.Count} version rows, {events.Count} FORECAST_COMPUTED events, {horizons.Count} horizons, {forecastZones} FORECAST zones");

            Assert.True(caughtRunning, "no computation was seen running on the victim before the kill");
            Assert.Equal((Forecasts, 0, 0), (computed, duplicated, lost));
            // Each forecast's versions are 1..its current version, each once: a recovered computation adds no second row.
            Assert.All(current, f => Assert.Equal(Enumerable.Range(1, f.Item2), versions.Where(v => v.Item1 == f.Item1).Select(v => v.Item2).Order()));
            Assert.Equal(versions.Order(), events.Order());
            Assert.Equal(Forecasts * Horizons.Length, horizons.Count);
            Assert.Equal(horizons.Count, horizons.Select(h => h.Zone).Distinct().Count());
            Assert.Equal(horizons.Count, forecastZones);
            Assert.Contains(runs, r => r.Contains("on victim", StringComparison.Ordinal));
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }

    private const string ForecastRun = "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id state } }";
}
