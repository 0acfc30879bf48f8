using Dispatch.Gis.Events;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// Asks for a recomputation of every live forecast whose inputs changed: a new reading at the meteorological station it
/// reads (or a nearer station now reporting), an edit of the object whose stock it releases or whose dam breaks, or a
/// new level reading at the hydro post a flood follows. The test is set-based
/// and stateless — what each forecast last saw against what is there now — so every instance may run it: the request
/// is a row update under the forecast's lock, announced once (FORECAST_INPUTS_CHANGED), and its computation is a
/// clustered one-shot job. Woken by the ingest and object events any instance commits, with a slow poll as a safety net
/// (which also asks again for a request whose trigger was lost).
/// </summary>
internal sealed class ForecastInputWatcher(NpgsqlDataSource db, EventHub hub, ForecastSchedule schedule, IOptions<ForecastOptions> options,
    ILogger<ForecastInputWatcher> logger) : BackgroundService
{
    public static readonly IReadOnlySet<string> WakingKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "OBSERVATIONS_INGESTED", "DANGEROUS_OBJECT_UPDATED",
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var wake = hub.Subscribe(new EventFilter(WakingKinds, Auth.TerritoryScope.All), 1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                wake.Drain();
                await RequestDueAsync(stoppingToken);
                await wake.WaitAsync(options.Value.WatchSafetyPoll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or GraphQL.ConflictException)
            {
                logger.LogWarning(ex, "Watching forecast inputs failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>One pass: the due forecasts marked and announced in one unit of work, then their computations put on the scheduler.</summary>
    public async Task<int> RequestDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var requested = await UnitOfWork.RunAsync(db, new WriteOrigin("watcher:forecast-inputs"), async w =>
        {
            var due = await Db.ReadAllAsync(w, ForecastWatchSql.Due, r => (Id: r.GetGuid(0), Stock: !r.IsDBNull(1) && r.GetBoolean(1),
                    Dam: !r.IsDBNull(2) && r.GetBoolean(2), Weather: !r.IsDBNull(3) && r.GetBoolean(3),
                    Level: !r.IsDBNull(4) && r.GetBoolean(4)), ct,
                new NpgsqlParameter { Value = o.ActiveFor }, new NpgsqlParameter { Value = ForecastWeatherSource.MaxStationDistanceMeters },
                new NpgsqlParameter { Value = ForecastWeatherSource.MaxReadingAge }, new NpgsqlParameter { Value = o.RequestLostAfter });
            if (due.Count == 0)
            {
                return [];
            }

            var why = due.ToDictionary(d => d.Id);
            var marked = await ForecastDb.RequestAsync(w, due.Select(d => d.Id).ToList(), o.RequestLostAfter, ct);
            foreach (var f in marked)
            {
                var changed = new List<string>();
                if (why[f.Id].Weather)
                {
                    changed.Add("WEATHER");
                }

                if (why[f.Id].Stock)
                {
                    changed.Add("STOCK");
                }

                if (why[f.Id].Dam)
                {
                    changed.Add("DAM");
                }

                if (why[f.Id].Level)
                {
                    changed.Add("LEVEL");
                }

                w.Add(new NewEvent("FORECAST_INPUTS_CHANGED", "Forecast", f.Id.ToString(),
                    new { forecastId = f.Id, incidentId = f.IncidentId, version = f.Version, changed }, f.Source, f.TerritoryKato));
            }

            return marked.Select(f => f.Id).ToList();
        }, ct);

        foreach (var id in requested)
        {
            await schedule.EnqueueAsync(id, ComputationReason.InputsChanged, ct);
        }

        return requested.Count;
    }
}
