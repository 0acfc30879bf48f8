using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Zones;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// DAM_BREAK at a HYDRAULIC object: the CIS breach wave down the object's valley line and the strip it floods by each
/// horizon, with the peak outflow as a range of three regressions. The dam's figures and line are read again at every
/// computation (an edit through setDamBreakParameters recomputes).
/// </summary>
internal sealed class DamBreakStep(NpgsqlDataSource db, DamBreakModel model) : IForecastStep
{
    public static readonly IReadOnlyList<int> DefaultHorizonsMinutes = [.. DamBreakModel.DefaultHorizons.Select(h => (int)h.TotalMinutes)];

    /// <summary>The model's names of the dam's figures, as the object's stored parameters name them.</summary>
    private static readonly Dictionary<string, string> StoredNames = new(StringComparer.Ordinal)
    {
        ["valleyLine"] = "input.dangerousObject", ["upstreamDepthMetres"] = "input.dangerousObject", ["relativeBreachWidth"] = "input.dangerousObject",
        ["bedSlope"] = "input.dangerousObject", ["valleyCrossSlope"] = "input.dangerousObject",
    };

    public ForecastModel Model => ForecastModel.DamBreak;

    public async Task<NewForecast> CheckAsync(ForecastRequest request, CancellationToken ct)
    {
        var objectId = request.DangerousObjectId
            ?? throw new BadUserInputException("a dam break is forecast at a HYDRAULIC dangerous object: give dangerousObject", "input.dangerousObject");
        var dam = await DamAsync(objectId, ct);
        if (dam.HazardClass != HazardClass.Hydraulic)
        {
            throw new BadUserInputException($"a dam break is forecast at a HYDRAULIC object, not a {DbEnum.Text(dam.HazardClass)} one", "input.dangerousObject");
        }

        if (dam.ValleyLine is null || dam.Parameters is null)
        {
            throw new BadUserInputException("the object has no valley line and dam figures: set them with setDamBreakParameters first", "input.dangerousObject");
        }

        var horizons = request.HorizonsMinutes ?? DefaultHorizonsMinutes;
        ForecastSteps.Named(() => model.Forecast(Input(dam.ValleyLine, dam.Parameters, horizons)), StoredNames);
        return new NewForecast(Model, objectId, request.IncidentId, request.Source, request.Territory, null, null, horizons, null, false);
    }

    public async Task<ForecastComputation> ComputeAsync(Forecast forecast, CancellationToken ct)
    {
        var dam = await DamAsync(forecast.DangerousObjectId!.Value, ct);
        if (dam.ValleyLine is null || dam.Parameters is null)
        {
            throw new ForecastInputException("the object no longer has a valley line and dam figures");
        }

        var result = model.Forecast(Input(dam.ValleyLine, dam.Parameters, forecast.HorizonsMinutes));
        var inputsJson = JsonSerializer.Serialize(new
        {
            model = DbEnum.Text(forecast.Model), dangerousObjectId = forecast.DangerousObjectId, horizonsMinutes = forecast.HorizonsMinutes,
            dam = dam.Parameters, valleyLine = dam.ValleyLine.Coordinates.Select(c => new[] { c.X, c.Y }), table = result.TableVersion,
        }, ForecastDb.Json);
        var assumptions = new List<string>(result.Assumptions)
        {
            string.Create(CultureInfo.InvariantCulture,
                $"breach wave: CIS civil-defence method (h = Ah/√(Bh + L), V = Av/√(Bv + L)), row H0 {result.Row.UpstreamDepthMetres} m, B {result.Row.RelativeBreachWidth}, i {result.Row.BedSlope:G2} ({result.Row.Citation})"),
            string.Create(CultureInfo.InvariantCulture, $"valley line {result.ValleyLengthMetres / 1000:0.#} km as stored on the object"),
        };
        if (dam.Parameters.Basis is { } basis)
        {
            assumptions.Add("dam figures: " + basis);
        }

        if (result.PeakOutflow is null)
        {
            assumptions.Add("no reservoir volume and breach on the object: no peak outflow");
        }

        var horizons = result.Horizons.Select(h =>
        {
            var minutes = (int)Math.Round(h.After.TotalMinutes);
            var hours = h.After.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
            return new ComputedHorizon(minutes, $"dam break forecast T+{hours} h", h.FloodedStrip,
                string.Create(CultureInfo.InvariantCulture, $"front {h.FrontDistanceMetres / 1000:0.#} km down the valley, wave {h.Front.HeightMetres:0.#} m"),
                h.PastEndOfValley ? [new ForecastWarning("PAST_END_OF_VALLEY", "the front has run past the end of the valley line: the strip stops where the line does")] : [],
                new
                {
                    frontDistanceMeters = Math.Round(h.FrontDistanceMetres), pastEndOfValley = h.PastEndOfValley, waveHeightMeters = Math.Round(h.Front.HeightMetres, 2),
                    frontSpeedMetresPerSecond = Math.Round(h.Front.SpeedMetresPerSecond, 2), halfWidthMeters = Math.Round(h.Front.HalfWidthMetres),
                });
        }).ToList();
        return new ForecastComputation(inputsJson, Hazard.Flood, null, null, assumptions, ForecastSteps.Warnings(result.Warnings), Figures(result), horizons);
    }

    /// <summary>The peak outflow range and the wave at every 25 km down the valley (height, front speed, arrival): what a dispatcher reads off first.</summary>
    private static object Figures(DamBreakForecast result)
    {
        var stations = new List<object>();
        for (var km = 0.0; km <= result.ValleyLengthMetres / 1000; km += 25)
        {
            var wave = result.WaveAt(km * 1000);
            stations.Add(new
            {
                distanceKilometres = km, waveHeightMeters = Math.Round(wave.HeightMetres, 2), frontSpeedMetresPerSecond = Math.Round(wave.SpeedMetresPerSecond, 2),
                arrivalMinutes = Math.Round(wave.Arrival.TotalMinutes, 1),
            });
        }

        var peak = result.PeakOutflow;
        return new
        {
            valleyLengthMeters = Math.Round(result.ValleyLengthMetres),
            peakOutflow = peak is null ? null : new
            {
                minCubicMetresPerSecond = Math.Round(peak.MinCubicMetresPerSecond), maxCubicMetresPerSecond = Math.Round(peak.MaxCubicMetresPerSecond),
                froehlich1995 = Math.Round(peak.Froehlich1995CubicMetresPerSecond), macDonald1984 = Math.Round(peak.MacDonald1984CubicMetresPerSecond),
                froehlich2008 = Math.Round(peak.Froehlich2008CubicMetresPerSecond), averageBreachWidthMeters = Math.Round(peak.AverageBreachWidthMetres, 1),
                formationMinutes = Math.Round(peak.FormationTime.TotalMinutes, 1),
            },
            wave = stations,
        };
    }

    /// <summary>The model's input from a dam's stored figures; the peak outflow only when the reservoir volume and water depth are known.</summary>
    internal static DamBreakInput Input(LineString valley, DamParameters p, IReadOnlyList<int> horizonsMinutes) =>
        new(valley, p.UpstreamDepthMetres, p.RelativeBreachWidth, p.BedSlope, p.ValleyCrossSlope, [.. horizonsMinutes.Select(m => TimeSpan.FromMinutes(m))],
            p.ReservoirVolumeCubicMetres is { } v && p.WaterDepthMetres is { } hw
                ? new BreachInput(v, hw, p.BreachHeightMetres ?? hw, p.BreachMode ?? BreachMode.Overtopping)
                : null);

    private async Task<StoredDam> DamAsync(Guid objectId, CancellationToken ct) =>
        await DamBreakDb.ByObjectAsync(db, objectId, ct) ?? throw new NotFoundException("no such dangerous object", "input.dangerousObject");
}
