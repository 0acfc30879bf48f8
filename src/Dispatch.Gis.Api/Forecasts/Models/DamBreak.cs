using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>A breach of a HYDRAULIC object's dam, for the breach-wave forecast along its downstream valley.</summary>
/// <param name="ValleyLine">The valley's thalweg, WGS 84, in downstream order, starting at the dam.</param>
/// <param name="UpstreamDepthMetres">H0, the depth of water in front of the dam.</param>
/// <param name="RelativeBreachWidth">B, the share of the dam's length that fails (1, 0.5, 0.25 in the table).</param>
/// <param name="BedSlope">i, the valley's fall per unit length (1e-4 … 1e-3 in the table).</param>
/// <param name="ValleyCrossSlope">tan of the valley side's slope across the flow (0.01 is 1 m in 100 m).</param>
/// <param name="Horizons">Times after the breach; default 1, 3, 6 and 12 h.</param>
/// <param name="Breach">Reservoir and breach, when known, for the peak-outflow range.</param>
internal sealed record DamBreakInput(
    LineString? ValleyLine,
    double UpstreamDepthMetres,
    double RelativeBreachWidth,
    double BedSlope,
    double ValleyCrossSlope,
    IReadOnlyList<TimeSpan>? Horizons = null,
    BreachInput? Breach = null);

/// <summary>The wave at one distance down the valley.</summary>
internal sealed record WaveStation(
    double DistanceMetres, double HeightMetres, double SpeedMetresPerSecond, TimeSpan Arrival, double HalfWidthMetres);

/// <param name="FrontDistanceMetres">How far down the valley line the front has run by then.</param>
/// <param name="FloodedStrip">The valley line up to the front, widened on both sides by the half-width; WGS 84, counter-clockwise.</param>
internal sealed record DamBreakHorizon(
    TimeSpan After, double FrontDistanceMetres, bool PastEndOfValley, WaveStation Front, Polygon FloodedStrip);

internal sealed record DamBreakForecast(
    BreachWaveRow Row,
    double ValleyLengthMetres,
    PeakOutflowEstimate? PeakOutflow,
    IReadOnlyList<DamBreakHorizon> Horizons,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<ValidityWarning> Warnings,
    string TableVersion)
{
    public WaveStation WaveAt(double distanceMetres) => DamBreakModel.Station(Row, Kilometres.FromMetres(distanceMetres), CrossSlope);

    internal double CrossSlope { get; init; }
}
