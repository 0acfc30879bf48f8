using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts;

internal enum ForecastModel
{
    ChemicalRelease,
    GaussianPlume,
    DamBreak,
    FloodByLevel,
}

internal enum ForecastState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A forecast as stored: what was asked, and the state and outcome of its latest computation.</summary>
/// <param name="Weather">The weather the caller gave (null: the nearest meteorological station, else planning values).</param>
internal sealed record Forecast(
    Guid Id,
    ForecastModel Model,
    ForecastState State,
    double Progress,
    Guid? DangerousObjectId,
    Guid? IncidentId,
    Point Source,
    string? TerritoryKato,
    string? Substance,
    double? ReleasedMassKilograms,
    IReadOnlyList<int> HorizonsMinutes,
    ForecastWeather? Weather,
    bool CompressedGas,
    Guid? StationId,
    JsonElement? Inputs,
    string? InputsHash,
    int Version,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<ForecastWarning> Warnings,
    string? Error,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    bool MassFromStock,
    ForecastParameters Parameters,
    Guid? HydroPostId,
    JsonElement? Figures) : Auth.ITerritorial;

/// <summary>What the officer asked that only one model reads; stored as given, checked when the forecast was asked for.</summary>
/// <param name="EmissionRateKilogramsPerSecond">GAUSSIAN_PLUME: the steady emission rate, kg/s.</param>
/// <param name="ThresholdMilligramsPerCubicMetre">GAUSSIAN_PLUME: the concentration whose exceedance is the footprint (null: the substance's cited limit).</param>
/// <param name="ReleaseHeightMetres">GAUSSIAN_PLUME: the height of the source above the ground.</param>
/// <param name="WaterLevelMetres">FLOOD_BY_LEVEL: the level to draw, metres above the post's zero (null: the post's latest observed level).</param>
internal sealed record ForecastParameters(
    double? EmissionRateKilogramsPerSecond = null,
    double? ThresholdMilligramsPerCubicMetre = null,
    double? ReleaseHeightMetres = null,
    Models.Terrain? Terrain = null,
    double? WaterLevelMetres = null);

/// <summary>The weather a caller may give; every field optional.</summary>
internal sealed record ForecastWeather(
    double? WindSpeedMetresPerSecond = null,
    double? WindFromDegrees = null,
    double? AirTemperatureCelsius = null,
    Models.Stability? Stability = null,
    int? CloudCoverOktas = null);

internal sealed record ForecastWarning(string Code, string Message);

/// <summary>Why a computation ran: asked for with the forecast, by an officer, by a change of its inputs, or by the periodic refresh.</summary>
internal enum ComputationReason
{
    Queued,
    RefreshRequested,
    InputsChanged,
    Scheduled,
}

/// <summary>One computation that produced a result, with the inputs it used.</summary>
internal sealed record ForecastVersion(Guid ForecastId, int Version, ComputationReason Reason, JsonElement Inputs, string InputsHash, Guid? StationId,
    DateTime ComputedAt);

/// <summary>
/// One horizon of a forecast: its zone and the latest computation's figures and exposure. The depths and areas are the
/// chemical release's (RD 52.04.253-90) and null for the other models, whose figures are in <paramref name="Figures"/>.
/// </summary>
internal sealed record ForecastHorizon(
    Guid ForecastId,
    int Minutes,
    Guid ZoneId,
    int ZoneVersion,
    double? DepthMeters,
    double? TableDepthMeters,
    double? TransportCapMeters,
    double? PossibleAreaSquareMeters,
    double? ActualAreaSquareMeters,
    IReadOnlyList<ForecastWarning> Warnings,
    Exposure Exposure,
    JsonElement? Figures = null);

/// <summary>What a horizon's zone reaches, counted when it was computed.</summary>
internal sealed record Exposure(
    long Population,
    string PopulationMethod,
    IReadOnlyList<ExposedSettlement> Settlements,
    IReadOnlyList<ExposedObject> DangerousObjects,
    IReadOnlyList<ExposedUnit> Units,
    IReadOnlyList<RouteCrossing> RouteCrossings,
    IReadOnlyList<WeightedDistrict>? WeightedDistricts = null);

/// <summary>
/// A district with a published total that the zone reaches: of its people outside the settlement points
/// (<paramref name="OutsidePoints"/>), <paramref name="People"/> are counted, by the share of its area inside the zone.
/// </summary>
internal sealed record WeightedDistrict(string Kato, string Name, long Total, int Year, string Source, long OutsidePoints, double AreaShare, long People = 0);

internal sealed record ExposedSettlement(long Id, string Name, long Population);

internal sealed record ExposedObject(Guid Id, string Name, string HazardClass);

internal sealed record ExposedUnit(Guid Id, string CallSign, string Status, Guid ServiceId);

/// <summary>An en-route unit whose path to the incident runs through the zone.</summary>
/// <param name="Path">How the path was drawn: STRAIGHT_LINE from the unit's position to the incident (no road routing yet).</param>
internal sealed record RouteCrossing(Guid UnitId, string CallSign, string Status, Guid ServiceId, string ServiceCode, string? TerritoryKato, string Path,
    double DistanceInsideMeters);
