using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Zones;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// GAUSSIAN_PLUME: a continuous release (kg/s) at an object or a point; each horizon's zone is the ground-level
/// footprint where the concentration exceeds the threshold, cut to how far the wind has carried the gas by then
/// (wind × time), so the horizons differ until the plume is steady. Weather as for the chemical release.
/// </summary>
internal sealed class GaussianPlumeStep(NpgsqlDataSource db, ChemicalReleaseModel chemical) : IForecastStep
{
    public static readonly IReadOnlyList<int> DefaultHorizonsMinutes = [15, 30, 60];

    /// <summary>The same 4 h the chemical forecast allows: a plume assumes the weather holds, and it holds no longer than that.</summary>
    public static readonly TimeSpan HorizonLimit = ChemicalReleaseModel.HorizonLimit;

    public const double MaxReleaseHeightMetres = 300;

    public ForecastModel Model => ForecastModel.GaussianPlume;

    public Task<NewForecast> CheckAsync(ForecastRequest request, CancellationToken ct)
    {
        var input = request.Input;
        var rate = input.EmissionRateKilogramsPerSecond
            ?? throw new BadUserInputException("a Gaussian plume needs emissionRateKilogramsPerSecond (kg/s)", "input.emissionRateKilogramsPerSecond");
        var substanceText = input.Substance is { } s ? TextInput.Required(s, "input.substance", TextLimits.ShortText) : null;
        var substance = substanceText is null ? null : ForecastSteps.Named(() => chemical.Substances.Find(substanceText));
        if (input.ThresholdMilligramsPerCubicMetre is null && substance?.Aegl2SixtyMinutesMilligramsPerCubicMetre is null)
        {
            throw new BadUserInputException(substance is null
                ? "give thresholdMilligramsPerCubicMetre, or a substance with a cited limit"
                : $"{substance.Id} has no cited AEGL-2 in the substance data: give thresholdMilligramsPerCubicMetre", "input.thresholdMilligramsPerCubicMetre");
        }

        var parameters = new ForecastParameters(rate, input.ThresholdMilligramsPerCubicMetre,
            ModelInput.InRange(input.ReleaseHeightMetres ?? 0, "input.releaseHeightMetres", 0, MaxReleaseHeightMetres, "m"), input.Terrain ?? Terrain.Rural);
        var horizons = request.HorizonsMinutes ?? DefaultHorizonsMinutes;
        ForecastSteps.Named(() => ModelInput.Horizons([.. horizons.Select(m => TimeSpan.FromMinutes(m))], HorizonLimit, "the weather is assumed to hold for 4 h"));
        var weather = ForecastSteps.Named(() => WeatherInputs.Resolve(ForecastSteps.Weather(input.Weather), request.Source));
        ForecastSteps.Named(() => Plume(request.Source, parameters, Threshold(parameters, substance), weather.WindSpeedMetresPerSecond, weather.WindFromDegrees ?? 0,
            PasquillClass.D));
        return Task.FromResult(new NewForecast(Model, request.DangerousObjectId, request.IncidentId, request.Source, request.Territory, substance?.Id, null, horizons,
            input.Weather, false, Parameters: parameters));
    }

    public async Task<ForecastComputation> ComputeAsync(Forecast forecast, CancellationToken ct)
    {
        var resolved = await ForecastWeatherSource.ResolveAsync(db, forecast, ct);
        var weather = WeatherInputs.Resolve(resolved.Input, forecast.Source);
        var p = forecast.Parameters;
        var substance = forecast.Substance is { } s ? chemical.Substances.Find(s) : null;
        var threshold = Threshold(p, substance);
        var u = weather.WindSpeedMetresPerSecond;
        var (stability, stabilityNote) = Stability(resolved.Input, weather, forecast.Source, u);
        var plume = Plume(forecast.Source, p, threshold, u, weather.WindFromDegrees ?? 0, stability);
        var inputsJson = JsonSerializer.Serialize(new
        {
            model = DbEnum.Text(forecast.Model), substance = substance?.Id, source = new[] { forecast.Source.X, forecast.Source.Y }, parameters = p, threshold,
            horizonsMinutes = forecast.HorizonsMinutes, weather = resolved.Input, stationId = resolved.StationId, stability,
        }, ForecastDb.Json);
        var assumptions = resolved.Notes.Concat(weather.Assumptions).ToList();
        assumptions.Add(stabilityNote);
        assumptions.Add(string.Create(CultureInfo.InvariantCulture,
            $"Gaussian plume, Briggs {DbEnum.Text(p.Terrain ?? Terrain.Rural).ToLowerInvariant()} sigmas, class {stability}, emission {p.EmissionRateKilogramsPerSecond:G4} kg/s from {p.ReleaseHeightMetres ?? 0:0.#} m, threshold {threshold:G4} mg/m³")
            + (p.ThresholdMilligramsPerCubicMetre is null ? $" ({substance!.Id} AEGL-2, 60 min: {substance.Aegl2Citation})" : " (as given)"));
        assumptions.Add("each horizon: the footprint cut to wind speed × time from the source, how far the gas has been carried by then");
        var warnings = ForecastSteps.Warnings(plume.Warnings).ToList();
        var horizons = new List<ComputedHorizon>();
        if (plume.DownwindReachMetres <= 0)
        {
            warnings.Add(new ForecastWarning("BELOW_THRESHOLD", "the release never reaches the threshold at ground level: no zone is drawn"));
        }
        else
        {
            if (weather.WindFromDegrees is null)
            {
                assumptions.Add("wind direction not known: each zone is drawn all round the source to the plume's reach");
            }

            foreach (var minutes in forecast.HorizonsMinutes)
            {
                var carried = u * minutes * 60;
                var reach = Math.Min(plume.DownwindReachMetres, carried);
                var zone = weather.WindFromDegrees is null
                    ? ContaminationSector.Polygon(forecast.Source, null, 360, reach)
                    : Cut(plume.Footprint, forecast.Source, reach, carried >= plume.DownwindReachMetres);
                // The outline is traced point by point; a sliver where its two sides meet at the tip is mended rather than refused by the zone writer.
                zone = zone.IsValid ? zone : zone.Buffer(0) as Polygon ?? zone;
                horizons.Add(new ComputedHorizon(minutes, $"plume forecast T+{minutes} min", zone,
                    string.Create(CultureInfo.InvariantCulture, $"plume reach {reach:0} m"), [],
                    new { downwindReachMeters = Math.Round(reach), steadyReachMeters = Math.Round(plume.DownwindReachMetres), maxHalfWidthMeters = Math.Round(plume.MaxHalfWidthMetres),
                        carriedMeters = Math.Round(carried) }));
            }
        }

        return new ForecastComputation(inputsJson, Hazard.Chemical, resolved.StationId, resolved.Seen, assumptions, warnings,
            new { thresholdMilligramsPerCubicMetre = threshold, stability = stability.ToString(), windSpeedMetresPerSecond = u, downwindReachMeters = Math.Round(plume.DownwindReachMetres) },
            horizons);
    }

    private static PlumeFootprint Plume(Point source, ForecastParameters p, double threshold, double wind, double from, PasquillClass stability) =>
        GaussianPlume.Footprint(new PlumeInput(source, p.EmissionRateKilogramsPerSecond ?? 0, Math.Max(wind, 0.1), from, stability, p.Terrain ?? Terrain.Rural, threshold,
            ReleaseHeightMetres: p.ReleaseHeightMetres ?? 0));

    private static double Threshold(ForecastParameters p, Substance? substance) =>
        p.ThresholdMilligramsPerCubicMetre ?? substance?.Aegl2SixtyMinutesMilligramsPerCubicMetre
        ?? throw new ForecastInputException("no threshold: none was given and the substance has no cited limit");

    /// <summary>
    /// The Pasquill class: from the RD category when the officer gave one, else Pasquill's own table from wind, the sun's
    /// elevation at the time of the weather and the cloud (unknown cloud: the more stable answer).
    /// </summary>
    private static (PasquillClass, string) Stability(WeatherInput input, Weather weather, Point source, double wind)
    {
        if (input.Stability is { } given)
        {
            var fromRd = PasquillGifford.FromRdStability(given, wind);
            return (fromRd, $"Pasquill class {fromRd} read from the given {given} (inversion ≈ E–F, isotherm ≈ D, convection ≈ A–C)");
        }

        var at = (input.ObservedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        var elevation = SolarClock.Elevation(at, source.X, source.Y);
        var pasquill = PasquillGifford.FromConditions(wind, elevation, input.CloudCoverOktas);
        return (pasquill, string.Create(CultureInfo.InvariantCulture, $"Pasquill class {pasquill} from {wind:0.#} m/s wind, the sun {elevation:0}° above the horizon at {at:u}")
            + (input.CloudCoverOktas is null ? ", cloud not known (the more stable answer)" : $", {input.CloudCoverOktas}/8 cloud"));
    }

    /// <summary>The footprint within <paramref name="reach"/> of the source; the whole footprint once the plume is steady.</summary>
    private static Polygon Cut(Polygon footprint, Point source, double reach, bool steady)
    {
        if (steady)
        {
            return footprint;
        }

        // The circle is geodesic; the intersection in lon/lat is exact enough at a few dozen kilometres, where both outlines are dense.
        var cut = footprint.Intersection(ContaminationSector.Polygon(source, null, 360, reach));
        var part = cut as Polygon ?? Enumerable.Range(0, cut.NumGeometries).Select(cut.GetGeometryN).OfType<Polygon>().MaxBy(p => p.Area)!;
        return Geodesy.Rfc7946(part);
    }
}
