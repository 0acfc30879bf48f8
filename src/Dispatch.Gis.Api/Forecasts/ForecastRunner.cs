using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Zones;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// One computation of one forecast, as <see cref="ComputeForecastJob"/> runs it: the model's <see cref="IForecastStep"/>
/// reads its inputs and runs the model, the inputs are hashed (the same inputs never compute twice), RUNNING, then in one unit of work write each horizon as a
/// FORECAST zone version through <see cref="ZoneDb"/> (geofence events and situation updates as for any zone), measure
/// its exposure, announce route crossings, and SUCCEEDED. A failure is FAILED with its message; a cancelled forecast
/// is left alone at every step.
/// </summary>
internal sealed class ForecastRunner(NpgsqlDataSource db, IEnumerable<IForecastStep> steps, ClassificationRules rules, ForecastWarningDraft warningDraft)
{
    private readonly Dictionary<ForecastModel, IForecastStep> _steps = steps.ToDictionary(s => s.Model);

    public async Task<string> RunAsync(Guid id, ComputationReason reason, WriteOrigin origin, CancellationToken ct)
    {
        if (!(await ForecastDb.ByIdAsync(db, [id], ct)).TryGetValue(id, out var forecast))
        {
            return $"forecast {id} does not exist";
        }

        if (forecast.State == ForecastState.Cancelled)
        {
            return $"forecast {id} was cancelled";
        }

        // From here on a change of the inputs asks for a computation of its own (the watcher compares with what this one reads).
        await UnitOfWork.RunAsync(db, origin, w => ForecastDb.TakeRequestAsync(w, id, ct), ct);
        string? seen = null;
        try
        {
            var result = await _steps[forecast.Model].ComputeAsync(forecast, ct);
            seen = result.Seen;
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(result.InputsJson)));
            if (forecast.Version > 0 && forecast.InputsHash == hash && forecast.State == ForecastState.Succeeded)
            {
                await UnitOfWork.RunAsync(db, origin, w => ForecastDb.SeenAsync(w, id, seen, ct), ct);
                return $"forecast {id}: inputs unchanged ({hash[..12]}), version {forecast.Version} stands";
            }

            if (!await SetStateAsync(id, origin, ForecastState.Running, 0.3, null, ct))
            {
                return $"forecast {id} was cancelled";
            }

            var version = await UnitOfWork.RunAsync(db, origin, w => WriteAsync(w, forecast, result, hash, reason, ct), ct);
            return version is { } v ? $"forecast {id} version {v} ({hash[..12]})" : $"forecast {id} was cancelled";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The unit that wrote zones (if it began) rolled back whole: a failed computation leaves the last good version as it was.
            await UnitOfWork.RunAsync(db, origin, async w =>
            {
                var locked = await ForecastDb.LockAsync(w, id, ct);
                if (locked.State != ForecastState.Cancelled)
                {
                    await ForecastDb.SetStateAsync(w, id, ForecastState.Failed, locked.Progress, ex.Message, ct);
                    await ForecastDb.SeenAsync(w, id, seen, ct);
                    w.Add(new NewEvent("FORECAST_FAILED", "Forecast", id.ToString(), new { forecastId = id, incidentId = locked.IncidentId, version = locked.Version,
                        error = ex.Message }, locked.Source, locked.TerritoryKato));
                }
            }, ct);
            throw;
        }
    }

    private Task<bool> SetStateAsync(Guid id, WriteOrigin origin, ForecastState state, double progress, string? error, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, origin, async w =>
        {
            if ((await ForecastDb.LockAsync(w, id, ct)).State == ForecastState.Cancelled)
            {
                return false;
            }

            await ForecastDb.SetStateAsync(w, id, state, progress, error, ct);
            return true;
        }, ct);

    private async Task<int?> WriteAsync(UnitOfWork w, Forecast forecast, ForecastComputation result, string hash, ComputationReason reason,
        CancellationToken ct)
    {
        // Whose scope each horizon's zone falls in depends only on its shape and the reference districts, and intersecting
        // district boundaries is the costliest read of a computation: done before the geofence gate, which position
        // writers wait on while this computation holds it, not behind it.
        var territories = new Dictionary<int, string?>();
        foreach (var horizon in result.Horizons)
        {
            territories[horizon.Minutes] = await ZoneDb.MainTerritoryAsync(db, horizon.Zone, ct);
        }

        // Lock order: the geofence gate (zone writers' side: other forecasts and zone edits go on, position batches wait),
        // the forecast row, then its zones in id order.
        await w.GeofenceGateAsync(GeofenceSide.Zones, ct);
        var locked = await ForecastDb.LockAsync(w, forecast.Id, ct);
        if (locked.State == ForecastState.Cancelled)
        {
            return null;
        }

        var existing = (await ForecastDb.HorizonsAsync(w, forecast.Id, ct)).ToDictionary(h => h.Minutes);
        var zoneIds = existing.Values.Select(h => h.ZoneId).ToList();
        await ZoneDb.LockForChangeAsync(w, zoneIds, ct);
        var zones = await ZoneDb.ByIdAsync(db, zoneIds, ct);
        var computation = locked.Version + 1;
        var summary = new List<object>();
        foreach (var horizon in result.Horizons)
        {
            var minutes = horizon.Minutes;
            var territory = territories[minutes];
            var note = $"forecast {forecast.Id} computation {computation}: {horizon.Note}";
            Guid zoneId;
            int zoneVersion;
            if (existing.TryGetValue(minutes, out var before) && zones.TryGetValue(before.ZoneId, out var zone) && zone.Status == ZoneStatus.Active)
            {
                var (v, added, removed) = await ZoneDb.UpdateAsync(w, zone, horizon.Zone, territory, null, note, ct);
                (zoneId, zoneVersion) = (zone.Id, v);
                await ZoneSituation.OfferAsync(w, rules, zoneId, v, zone.Name, zone.Hazard, territory, forecast.IncidentId,
                    string.Create(CultureInfo.InvariantCulture, $"forecast recomputed: +{added:F2} km², −{removed:F2} km²"), ct);
            }
            else
            {
                zoneId = await ZoneDb.CreateAsync(w, new NewZone(ZoneKind.Forecast, horizon.ZoneName, result.Hazard, horizon.Zone, forecast.IncidentId, note),
                    territory, ct);
                zoneVersion = 1;
                await ZoneSituation.OfferAsync(w, rules, zoneId, 1, horizon.ZoneName, result.Hazard, territory, forecast.IncidentId, "forecast computed", ct);
            }

            var exposure = await ForecastExposure.MeasureAsync(w, horizon.Zone, forecast.IncidentId, forecast.DangerousObjectId, ct);
            foreach (var crossing in exposure.RouteCrossings)
            {
                w.Add(new NewEvent("ROUTE_CROSSES_HAZARD", "Unit", crossing.UnitId.ToString(), new
                {
                    unitId = crossing.UnitId, callSign = crossing.CallSign, serviceId = crossing.ServiceId, serviceCode = crossing.ServiceCode,
                    territoryKato = crossing.TerritoryKato, incidentId = forecast.IncidentId, forecastId = forecast.Id, zoneId, zoneVersion,
                    horizonMinutes = minutes, path = crossing.Path, distanceInsideMeters = crossing.DistanceInsideMeters,
                    pathNote = "straight line from the unit's position to the incident; no road routing",
                }, null, crossing.TerritoryKato));
            }

            var chemical = horizon.Chemical;
            await ForecastDb.UpsertHorizonAsync(w, new ForecastHorizon(forecast.Id, minutes, zoneId, zoneVersion, chemical?.DepthMeters, chemical?.TableDepthMeters,
                chemical?.TransportCapMeters, chemical?.PossibleAreaSquareMeters, chemical?.ActualAreaSquareMeters, horizon.Warnings, exposure,
                JsonSerializer.SerializeToElement(horizon.Figures, ForecastDb.Json)), ct);
            summary.Add(new
            {
                minutes, zoneId, zoneVersion, depthMeters = chemical?.DepthMeters, population = exposure.Population, unitsInside = exposure.Units.Count,
                routeCrossings = exposure.RouteCrossings.Count,
            });
        }

        // A horizon this computation has no zone for (a flood level fallen below the post's lowest): its zone is closed, not left standing.
        foreach (var gone in existing.Values.Where(h => result.Horizons.All(n => n.Minutes != h.Minutes)).OrderBy(h => h.ZoneId))
        {
            if (zones.TryGetValue(gone.ZoneId, out var zone) && zone.Status == ZoneStatus.Active)
            {
                var closed = await ZoneDb.CloseAsync(w, zone, $"forecast {forecast.Id} computation {computation}: no zone at this horizon", ct);
                await ZoneSituation.OfferAsync(w, rules, zone.Id, closed, zone.Name, zone.Hazard, zone.TerritoryKato, zone.IncidentId,
                    "forecast recomputed: no zone", ct);
                await warningDraft.ZoneClosedAsync(w, zone.Id, closed, ct);
            }

            await ForecastDb.DeleteHorizonAsync(w, forecast.Id, gone.Minutes, ct);
        }

        var figures = result.Figures is null ? null : JsonSerializer.Serialize(result.Figures, ForecastDb.Json);
        var version = await ForecastDb.ComputedAsync(w, forecast.Id, result.StationId, result.InputsJson, hash, result.Assumptions, result.Warnings, result.Seen,
            figures, reason, ct);
        w.Add(new NewEvent("FORECAST_COMPUTED", "Forecast", forecast.Id.ToString(), new
        {
            forecastId = forecast.Id, incidentId = forecast.IncidentId, version, reason = DbEnum.Text(reason), inputsHash = hash, stationId = result.StationId,
            horizons = summary,
        }, CoveredArea(result, forecast), forecast.TerritoryKato));
        await warningDraft.AfterComputationAsync(w, forecast, version, ct);
        return version;
    }

    /// <summary>
    /// Where a computed forecast is placed as an event (and so as an alert): the area its horizons cover, so that a partner
    /// downwind of a plume meets it, not only one whose area holds the source; the source when no horizon has a zone.
    /// </summary>
    private static NetTopologySuite.Geometries.Geometry CoveredArea(ForecastComputation result, Forecast forecast) =>
        result.Horizons.Count == 0 ? forecast.Source
            : NetTopologySuite.Operation.Union.UnaryUnionOp.Union(result.Horizons.Select(h => h.Zone).ToList());
}

/// <summary>Inputs a computation cannot work with (the object's stock gone, …): the forecast is FAILED with this message.</summary>
internal sealed class ForecastInputException(string message) : Exception(message);
