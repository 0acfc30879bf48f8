using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Zones;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>CHEMICAL_RELEASE: RD 52.04.253-90 at an object (its declared stock, if no mass is given) or a point.</summary>
internal sealed class ChemicalReleaseStep(NpgsqlDataSource db, ChemicalReleaseModel model) : IForecastStep
{
    public static readonly IReadOnlyList<int> DefaultHorizonsMinutes = [15, 30, 60];

    public ForecastModel Model => ForecastModel.ChemicalRelease;

    public async Task<NewForecast> CheckAsync(ForecastRequest request, CancellationToken ct)
    {
        var input = request.Input;
        var substanceText = TextInput.Required(input.Substance, "input.substance", TextLimits.ShortText);
        var horizons = request.HorizonsMinutes ?? DefaultHorizonsMinutes;
        var mass = input.ReleasedMassKilograms;
        if (mass is null)
        {
            if (request.DangerousObjectId is not { } held)
            {
                throw new BadUserInputException("give releasedMassKilograms for a release at a location", "input.releasedMassKilograms");
            }

            var known = Validate(substanceText, input with { ReleasedMassKilograms = 1 }, request, horizons);
            mass = await ForecastStock.KilogramsAsync(db, model.Substances, held, known, ct)
                ?? throw new BadUserInputException($"the object declares no stock of {known}: give releasedMassKilograms", "input.releasedMassKilograms");
        }

        var substance = Validate(substanceText, input with { ReleasedMassKilograms = mass }, request, horizons);
        return new NewForecast(Model, request.DangerousObjectId, request.IncidentId, request.Source, request.Territory, substance, mass.Value, horizons,
            input.Weather, input.CompressedGas ?? false, MassFromStock: input.ReleasedMassKilograms is null);
    }

    public async Task<ForecastComputation> ComputeAsync(Forecast forecast, CancellationToken ct)
    {
        var weather = await ForecastWeatherSource.ResolveAsync(db, forecast, ct);
        var mass = forecast.ReleasedMassKilograms!.Value;
        if (forecast.MassFromStock)
        {
            mass = await ForecastStock.KilogramsAsync(db, model.Substances, forecast.DangerousObjectId!.Value, forecast.Substance!, ct)
                ?? throw new ForecastInputException($"the object no longer declares a stock of {forecast.Substance}: nothing to release");
        }

        var result = model.Forecast(new ChemicalReleaseInput(forecast.Substance!, mass, forecast.Source,
            forecast.HorizonsMinutes.Select(m => TimeSpan.FromMinutes(m)).ToList(), weather.Input, CompressedGas: forecast.CompressedGas));
        // The same fields in the same order as before the models were generalised, so a stored hash still matches its inputs.
        var inputsJson = JsonSerializer.Serialize(new
        {
            model = DbEnum.Text(forecast.Model), substance = result.Substance.Id, releasedMassKilograms = mass, massFromStock = forecast.MassFromStock,
            source = new[] { forecast.Source.X, forecast.Source.Y }, horizonsMinutes = forecast.HorizonsMinutes, compressedGas = forecast.CompressedGas,
            weather = weather.Input, stationId = weather.StationId, tables = result.TablesVersion,
        }, ForecastDb.Json);
        var assumptions = weather.Notes.Concat(result.Assumptions).ToList();
        if (forecast.MassFromStock)
        {
            assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"released mass: the object's whole declared stock of {result.Substance.Id}, {mass / 1000:0.###} t"));
        }

        var horizons = result.Horizons.Select(h =>
        {
            var minutes = (int)Math.Round(h.After.TotalMinutes);
            return new ComputedHorizon(minutes, $"{result.Substance.Id} forecast T+{minutes} min", h.Sector,
                string.Create(CultureInfo.InvariantCulture, $"depth {h.DepthMetres:0} m"), ForecastSteps.Warnings(h.Warnings),
                new { depthMeters = h.DepthMetres, equivalentSecondaryTonnes = h.EquivalentSecondaryTonnes, cappedByTransport = h.CappedByTransport },
                new ChemicalDepths(h.DepthMetres, h.TableDepthMetres, h.TransportCapMetres, h.PossibleAreaSquareMetres, h.ActualAreaSquareMetres));
        }).ToList();
        return new ForecastComputation(inputsJson, Hazard.Chemical, weather.StationId, weather.Seen, assumptions, ForecastSteps.Warnings(result.Warnings),
            null, horizons);
    }

    /// <summary>
    /// Runs the model on the request as given (pure and quick), so that what it would refuse is refused now with the
    /// argument named as the input names it; returns the substance's canonical id.
    /// </summary>
    private string Validate(string substance, RunForecastInput input, ForecastRequest request, IReadOnlyList<int> horizons) =>
        ForecastSteps.Named(() => model.Forecast(new ChemicalReleaseInput(substance, input.ReleasedMassKilograms ?? 0, request.Source,
            horizons.Select(m => TimeSpan.FromMinutes(m)).ToList(), ForecastSteps.Weather(input.Weather), CompressedGas: input.CompressedGas ?? false))
            .Substance.Id);
}
