using Dispatch.Gis.Zones;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// What differs from one forecast model to the next; <see cref="ForecastMutations"/> and <see cref="ForecastRunner"/>
/// do the rest (scope, storage, hashing, zones, exposure, events) the same way for all of them.
/// </summary>
internal interface IForecastStep
{
    ForecastModel Model { get; }

    /// <summary>
    /// Checks a request the way the computation would (pure and quick where it can be), so that a bad request is
    /// refused with the argument named as the input names it and nothing is stored; returns the forecast to store.
    /// </summary>
    Task<NewForecast> CheckAsync(ForecastRequest request, CancellationToken ct);

    /// <summary>Reads the forecast's current inputs and runs the model; throws to fail the computation.</summary>
    Task<ForecastComputation> ComputeAsync(Forecast forecast, CancellationToken ct);
}

/// <summary>A request as the mutation resolved it: where it is (an object, a hydro post or a point) and its territory.</summary>
internal sealed record ForecastRequest(RunForecastInput Input, Guid? DangerousObjectId, Guid? HydroPostId, Guid? IncidentId, Point Source,
    string? Territory, IReadOnlyList<int>? HorizonsMinutes);

/// <summary>One computation's result before it is written.</summary>
/// <param name="InputsJson">Every input it used, resolved, as hashed: the same text never computes twice.</param>
/// <param name="Seen">What it read of observations (a station's readings' times), for the input watcher to compare.</param>
/// <param name="Figures">Model-wide figures (a dam's peak outflow range), or null.</param>
internal sealed record ForecastComputation(
    string InputsJson,
    Hazard Hazard,
    Guid? StationId,
    string? Seen,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<ForecastWarning> Warnings,
    object? Figures,
    IReadOnlyList<ComputedHorizon> Horizons);

/// <param name="Note">What the zone version's note says of this computation after "forecast F computation N: ".</param>
/// <param name="Chemical">The RD's depths and areas, for a chemical release only.</param>
internal sealed record ComputedHorizon(
    int Minutes,
    string ZoneName,
    Polygon Zone,
    string Note,
    IReadOnlyList<ForecastWarning> Warnings,
    object Figures,
    ChemicalDepths? Chemical = null);

internal sealed record ChemicalDepths(double DepthMeters, double TableDepthMeters, double TransportCapMeters, double PossibleAreaSquareMeters,
    double ActualAreaSquareMeters);
