using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>A continuous release at ground level or from a height, steady for long enough to form a plume.</summary>
/// <param name="ThresholdMilligramsPerCubicMetre">
/// The concentration whose exceedance the footprint outlines, e.g. chlorine AEGL-2 (60 min) 2 ppm ≈ 5.8 mg/m³.
/// </param>
/// <param name="ReleaseDuration">How long the source emits, when known: a shorter release never reaches steady state.</param>
/// <param name="ReleaseHeightMetres">The source's height above the ground (a stack, a tank's top); 0 at ground level.</param>
internal sealed record PlumeInput(
    Point Source,
    double EmissionRateKilogramsPerSecond,
    double WindSpeedMetresPerSecond,
    double WindFromDegrees,
    PasquillClass Stability,
    Terrain Terrain,
    double ThresholdMilligramsPerCubicMetre,
    TimeSpan? ReleaseDuration = null,
    double ReleaseHeightMetres = 0);

/// <param name="Footprint">Where the ground-level concentration exceeds the threshold, WGS 84, counter-clockwise; or empty.</param>
/// <param name="DownwindReachMetres">Where the centreline concentration falls to the threshold.</param>
internal sealed record PlumeFootprint(
    Polygon Footprint,
    double DownwindReachMetres,
    double MaxHalfWidthMetres,
    IReadOnlyList<ValidityWarning> Warnings);

/// <summary>
/// Gaussian plume of a ground-level point source, receptor at ground level, with total reflection at the ground:
/// C(x, y) = Q / (π·u·σy·σz) · exp(−y² / (2σy²)) — the general formula's two image terms coincide when source and
/// receptor are both at z = 0, doubling 1/(2π). A source at height H adds the factor exp(−H² / (2σz²)) (both image
/// terms, receptor at ground level): nothing reaches the ground near the stack, the footprint starts downwind. Passive (neutrally buoyant) gas, flat terrain, steady wind, no decay:
/// a dense gas such as chlorine slumps and spreads wider near the source than this says.
/// </summary>
internal static class GaussianPlume
{
    /// <summary>Past this the footprint is cut and said to be: Briggs fitted to 10 km, and no wind holds that far for that long.</summary>
    public const double MaxReachMetres = 100_000;

    private const int Steps = 200;

    /// <summary>Ground-level concentration in mg/m³ at x m downwind and y m crosswind; 0 upwind and at the source itself.</summary>
    public static double ConcentrationMilligramsPerCubicMetre(
        double emissionRateKilogramsPerSecond, double windMetresPerSecond, PasquillClass stability, Terrain terrain, double x, double y,
        double releaseHeightMetres = 0)
    {
        if (x <= 0)
        {
            return 0;
        }

        var (sy, sz) = Briggs.Sigmas(stability, terrain, x);
        return emissionRateKilogramsPerSecond * 1e6 / (Math.PI * windMetresPerSecond * sy * sz) * Math.Exp(-(y * y) / (2 * sy * sy))
            * Math.Exp(-(releaseHeightMetres * releaseHeightMetres) / (2 * sz * sz));
    }

    /// <summary>
    /// The footprint: the reach by bisection on the centreline, then, stepping x from the source to the reach (cosine
    /// spacing, dense at both ends where the outline curves fastest), the half-width y = σy·√(2·ln(C(x,0)/threshold)).
    /// </summary>
    public static PlumeFootprint Footprint(PlumeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var source = ModelInput.Location(input.Source, "source");
        var q = ModelInput.Positive(input.EmissionRateKilogramsPerSecond, "emissionRateKilogramsPerSecond", 1e5, "kg/s");
        var u = ModelInput.Positive(
            input.WindSpeedMetresPerSecond, "windSpeedMetresPerSecond", ModelInput.MaxWindSpeedMetresPerSecond, "m/s");
        var from = ModelInput.WindDirection(input.WindFromDegrees);
        var threshold = ModelInput.Positive(input.ThresholdMilligramsPerCubicMetre, "thresholdMilligramsPerCubicMetre", 1e6, "mg/m³");
        var height = ModelInput.InRange(input.ReleaseHeightMetres, "releaseHeightMetres", 0, 1000, "m");
        var warnings = new List<ValidityWarning>();
        double Centreline(double x) => ConcentrationMilligramsPerCubicMetre(q, u, input.Stability, input.Terrain, x, 0, height);

        var (start, reach, cut) = height == 0 ? (0.0, Reach(Centreline, threshold, out var groundCut), groundCut) : Elevated(Centreline, threshold);
        if (reach <= 0)
        {
            return new PlumeFootprint(Dispatch.Gis.Geo.GeoJson.Factory.CreatePolygon(), 0, 0, warnings);
        }

        var downwind = Geodesy.DownwindBearing(from);
        var left = new List<Coordinate> { start == 0 ? source.Coordinate.Copy() : Geodesy.Destination(source.Coordinate, downwind, start) };
        var right = new List<Coordinate>();
        var maxHalfWidth = 0.0;
        for (var i = 1; i <= Steps; i++)
        {
            var x = start + ((reach - start) * (1 - Math.Cos(Math.PI * i / Steps)) / 2);
            var ratio = Centreline(x) / threshold;
            var halfWidth = ratio > 1 ? Briggs.Sigmas(input.Stability, input.Terrain, x).SigmaYMetres * Math.Sqrt(2 * Math.Log(ratio)) : 0;
            maxHalfWidth = Math.Max(maxHalfWidth, halfWidth);
            var offset = Geodesy.ToDegrees(Math.Atan2(halfWidth, x));
            var distance = Math.Sqrt((x * x) + (halfWidth * halfWidth));
            left.Add(Geodesy.Destination(source.Coordinate, downwind - offset, distance));
            if (halfWidth > 0)
            {
                right.Add(Geodesy.Destination(source.Coordinate, downwind + offset, distance));
            }
        }

        right.Reverse();
        left.AddRange(right);
        Warn(input, u, reach, cut, warnings);
        return new PlumeFootprint(Geodesy.CounterClockwisePolygon(left), reach, maxHalfWidth, warnings);
    }

    private static double Reach(Func<double, double> centreline, double threshold, out bool cut)
    {
        cut = false;
        var (low, high) = (0.0, 1.0);
        while (centreline(high) > threshold)
        {
            low = high;
            high *= 2;
            if (high > MaxReachMetres)
            {
                cut = true;
                return MaxReachMetres;
            }
        }

        if (low == 0 && centreline(high) <= threshold)
        {
            // Not even a metre from the source: the threshold is above anything this release makes.
            return centreline(0.01) > threshold ? 0.01 : 0;
        }

        for (var i = 0; i < 60 && high - low > 1e-3; i++)
        {
            var middle = (low + high) / 2;
            (low, high) = centreline(middle) > threshold ? (middle, high) : (low, middle);
        }

        return (low + high) / 2;
    }

    /// <summary>
    /// An elevated source's centreline rises from nothing at the stack to a peak and falls again: the peak by a scan
    /// on a geometric grid (10 % steps from 1 m), then the footprint's start and end by bisection on either side of it.
    /// (0, 0) when even the peak stays below the threshold.
    /// </summary>
    private static (double Start, double Reach, bool Cut) Elevated(Func<double, double> centreline, double threshold)
    {
        var grid = new List<double>();
        for (var x = 1.0; x <= MaxReachMetres; x *= 1.1)
        {
            grid.Add(x);
        }

        var above = grid.Select(x => centreline(x) > threshold).ToList();
        var first = above.IndexOf(true);
        if (first < 0)
        {
            return (0, 0, false);
        }

        var last = above.LastIndexOf(true);
        var start = first == 0 ? grid[0] : Bisect(centreline, threshold, grid[first - 1], grid[first], rising: true);
        if (last == grid.Count - 1)
        {
            return (start, MaxReachMetres, true);
        }

        return (start, Bisect(centreline, threshold, grid[last], grid[last + 1], rising: false), false);
    }

    private static double Bisect(Func<double, double> centreline, double threshold, double low, double high, bool rising)
    {
        for (var i = 0; i < 60 && high - low > 1e-3; i++)
        {
            var middle = (low + high) / 2;
            (low, high) = (centreline(middle) > threshold) == rising ? (low, middle) : (middle, high);
        }

        return (low + high) / 2;
    }

    private static void Warn(PlumeInput input, double u, double reach, bool cut, List<ValidityWarning> warnings)
    {
        if (u < 1)
        {
            warnings.Add(new("WIND_BELOW_1_M_S", $"wind {u:0.##} m/s: a Gaussian plume needs a steady wind; below 1 m/s (ALOHA already "
                + "distrusts 1.3 m/s) the gas meanders and pools, and the footprint is not reliable"));
        }

        if (cut)
        {
            warnings.Add(new("FOOTPRINT_CUT",
                $"the threshold is still exceeded {MaxReachMetres / 1000:0} km downwind; the footprint is cut there"));
        }
        else if (reach > Briggs.FittedToMetres)
        {
            warnings.Add(new("PAST_10_KM", $"the footprint reaches {reach / 1000:0.#} km; the Briggs curves are fitted to 10 km "
                + "and the wind rarely holds its direction that long"));
        }

        if (reach < Briggs.FittedFromMetres || input.Stability is PasquillClass.E or PasquillClass.F)
        {
            warnings.Add(new("NEAR_SOURCE", $"class {input.Stability}: within 100 m of the source the Briggs fits do not hold, "
                + "and in stable air a dense gas hugs the ground and spreads sideways more than a passive plume"));
        }

        if (input.ReleaseDuration is { } duration && TimeSpan.FromSeconds(reach / u) > duration)
        {
            warnings.Add(new("NOT_STEADY", $"the release lasts {duration} but the plume takes {TimeSpan.FromSeconds(reach / u):h\\:mm} "
                + $"to reach {reach / 1000:0.#} km: the steady-state footprint overstates its reach"));
        }
    }
}
