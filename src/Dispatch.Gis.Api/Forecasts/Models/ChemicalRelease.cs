using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>An accidental release of a stored hazardous chemical, for the RD 52.04.253-90 forecast.</summary>
/// <param name="Substance">Id, Russian or English name, alias or UN number in data/forecast/substances.json.</param>
/// <param name="Source">WGS 84 lon/lat of the spill.</param>
/// <param name="Horizons">Times after the release, increasing, at most <see cref="ChemicalReleaseModel.HorizonLimit"/>.</param>
/// <param name="SpillLayerMetres">Depth of the spilled liquid: <see cref="SpillLayer.Free"/> or <see cref="SpillLayer.Diked"/>.</param>
/// <param name="CompressedGas">A store of compressed gas: the RD takes K1 = 1 and a primary cloud only.</param>
internal sealed record ChemicalReleaseInput(
    string Substance,
    double ReleasedMassKilograms,
    Point Source,
    IReadOnlyList<TimeSpan> Horizons,
    WeatherInput? Weather = null,
    double SpillLayerMetres = SpillLayer.Free,
    bool CompressedGas = false);

internal static class SpillLayer
{
    /// <summary>A free spill spreads to 0.05 m (RD 52.04.253-90).</summary>
    public const double Free = 0.05;

    /// <summary>A spill into a dike or tray: h = H − 0.2 m, H the dike height (RD 52.04.253-90).</summary>
    public static double Diked(double dikeHeightMetres) =>
        ModelInput.InRange(dikeHeightMetres, "dikeHeightMetres", 0.25, 20, "m") - 0.2;
}

/// <summary>The forecast of one release: the quantities that do not change with time, then one entry per horizon.</summary>
/// <param name="EquivalentPrimaryTonnes">Qэ1, tonnes (the method's unit).</param>
/// <param name="EvaporationTime">T, how long the spill keeps evaporating; null when it does not evaporate at this temperature.</param>
/// <param name="FrontSpeedMetresPerSecond">Speed of the front of the contaminated air (the method tabulates km/h).</param>
internal sealed record ChemicalReleaseForecast(
    Substance Substance,
    double ReleasedMassKilograms,
    Weather Weather,
    double K4,
    double K5,
    double K7Primary,
    double K7Secondary,
    double EquivalentPrimaryTonnes,
    TimeSpan? EvaporationTime,
    double FrontSpeedMetresPerSecond,
    double SectorAngleDegrees,
    IReadOnlyList<ChemicalHorizon> Horizons,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<ValidityWarning> Warnings,
    string TablesVersion)
{
    /// <summary>When the front of the cloud reaches a point this far downwind: t = x / v.</summary>
    public TimeSpan ArrivalAfter(double distanceMetres) =>
        TimeSpan.FromSeconds(ModelInput.InRange(distanceMetres, "distanceMetres", 0, 1e7, "m") / FrontSpeedMetresPerSecond);
}

/// <param name="After">The horizon N.</param>
/// <param name="EquivalentSecondaryTonnes">Qэ2 at N, tonnes.</param>
/// <param name="TableDepthMetres">Г = Г' + 0.5·Г'' from the depth table, before the transport cap.</param>
/// <param name="TransportCapMetres">Гп = N·v, how far the front can have travelled by N.</param>
/// <param name="DepthMetres">min(Г, Гп): the radius of the zone.</param>
/// <param name="PossibleAreaSquareMetres">Sв = 8.72·10⁻³·Г²·φ.</param>
/// <param name="ActualAreaSquareMetres">
/// Sф = K8·Г²·N^0.2; the RD does not draw it (the cloud moves within the sector), so it has no shape here.
/// </param>
/// <param name="Sector">The zone of possible contamination, WGS 84, counter-clockwise.</param>
internal sealed record ChemicalHorizon(
    TimeSpan After,
    double K6,
    double EquivalentSecondaryTonnes,
    double PrimaryDepthMetres,
    double SecondaryDepthMetres,
    double TableDepthMetres,
    double TransportCapMetres,
    double DepthMetres,
    double PossibleAreaSquareMetres,
    double ActualAreaSquareMetres,
    Polygon Sector,
    IReadOnlyList<ValidityWarning> Warnings)
{
    public bool CappedByTransport => TransportCapMetres < TableDepthMetres;
}
