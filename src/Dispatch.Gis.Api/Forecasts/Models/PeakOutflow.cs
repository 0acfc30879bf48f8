namespace Dispatch.Gis.Forecasts.Models;

/// <summary>How an embankment dam fails; Froehlich (2008) widens an overtopping breach more than a piping one.</summary>
internal enum BreachMode
{
    Overtopping,
    Piping,
}

/// <param name="ReservoirVolumeCubicMetres">Vw, the volume above the breach bottom at failure.</param>
/// <param name="WaterDepthMetres">hw, the depth of water above the breach bottom at failure.</param>
/// <param name="BreachHeightMetres">hb, from the dam crest to the breach bottom (at least hw).</param>
internal sealed record BreachInput(double ReservoirVolumeCubicMetres, double WaterDepthMetres, double BreachHeightMetres, BreachMode Mode);

/// <summary>Peak breach outflow by three regressions, m³/s, and their range: a single number would claim a precision none has.</summary>
/// <param name="AverageBreachWidthMetres">Froehlich (2008) B̄.</param>
/// <param name="FormationTime">Froehlich (2008) tf.</param>
internal sealed record PeakOutflowEstimate(
    double Froehlich1995CubicMetresPerSecond,
    double MacDonald1984CubicMetresPerSecond,
    double Froehlich2008CubicMetresPerSecond,
    double AverageBreachWidthMetres,
    double BreachSideSlope,
    TimeSpan FormationTime)
{
    public double MinCubicMetresPerSecond =>
        Math.Min(Froehlich1995CubicMetresPerSecond, Math.Min(MacDonald1984CubicMetresPerSecond, Froehlich2008CubicMetresPerSecond));

    public double MaxCubicMetresPerSecond =>
        Math.Max(Froehlich1995CubicMetresPerSecond, Math.Max(MacDonald1984CubicMetresPerSecond, Froehlich2008CubicMetresPerSecond));
}

/// <summary>
/// Empirical peak outflow of a breached EMBANKMENT dam (SI units throughout), as pe-calc.com/tools/dam-breach gives them
/// citing FERC Appendix III and Wahl (2004) (../shared/FEEDS-AND-MODELS.md §3 [V]). Wahl found such predictions off by
/// a factor of two to four either way, which is why all three are reported.
/// </summary>
internal static class PeakOutflow
{
    private const double Gravity = 9.81;

    public static PeakOutflowEstimate Estimate(BreachInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var vw = ModelInput.Positive(input.ReservoirVolumeCubicMetres, "reservoirVolumeCubicMetres", 1e12, "m³");
        var hw = ModelInput.Positive(input.WaterDepthMetres, "waterDepthMetres", 300, "m");
        var hb = ModelInput.InRange(input.BreachHeightMetres, "breachHeightMetres", hw, 350, "m (at least the water depth)");

        // Froehlich (1995), 22 failures: Qp = 0.607·Vw^0.295·hw^1.24.
        var froehlich1995 = 0.607 * Math.Pow(vw, 0.295) * Math.Pow(hw, 1.24);

        // MacDonald & Langridge-Monopolis (1984), breach formation factor Vw·hw: Qp = 1.175·(Vw·hw)^0.412 (pe-calc's
        // coefficient; Wahl's 2004 table is recalled as 1.154, not checked: the 2 % matters less than the factor of 2–4).
        var macDonald1984 = 1.175 * Math.Pow(vw * hw, 0.412);

        // Froehlich (2008), 74 failures: B̄ = 0.27·k0·Vw^0.32·hb^0.04 (k0 1.3 overtopping, 1.0 otherwise; hydrocomplete.com
        // issue 5 [S]), side slope 1.0 or 0.7 (H:V), tf = 63.2·√(Vw/(g·hb²)).
        var (k0, slope) = input.Mode == BreachMode.Overtopping ? (1.3, 1.0) : (1.0, 0.7);
        var width = 0.27 * k0 * Math.Pow(vw, 0.32) * Math.Pow(hb, 0.04);
        var formationSeconds = 63.2 * Math.Sqrt(vw / (Gravity * hb * hb));
        var froehlich2008 = RoutedPeak(vw, hw, hb, width, slope, formationSeconds);
        return new PeakOutflowEstimate(froehlich1995, macDonald1984, froehlich2008, width, slope, TimeSpan.FromSeconds(formationSeconds));
    }

    /// <summary>
    /// Froehlich (2008) gives the breach, not the flow: the flow comes from routing the reservoir through it, here the
    /// simplest way the regressions are used (hydrocomplete.com issue 5: "a broad-crested-weir level-pool routing"). The
    /// breach grows linearly over tf from the crest down to its full trapezoid; the flow over it is Fread's (DAMBRK)
    /// broad-crested weir Q = 1.7·b·H^1.5 + 1.35·z·H^2.5 (SI form of 3.1 and 2.45 in feet, recalled, not retrieved);
    /// the reservoir is prismatic (its surface area Vw/hw does not shrink as it drains), which overstates the late flow.
    /// </summary>
    private static double RoutedPeak(double vw, double hw, double hb, double averageWidth, double slope, double formationSeconds)
    {
        var bottomWidth = Math.Max(0, averageWidth - (slope * hb));
        var area = vw / hw;
        var level = hw;
        var dt = formationSeconds / 4000;
        var peak = 0.0;
        for (var t = dt; t <= 3 * formationSeconds && level > 0; t += dt)
        {
            var growth = Math.Min(1, t / formationSeconds);
            var invert = hb * (1 - growth);
            var head = level - invert;
            var q = head <= 0 ? 0 : (1.7 * bottomWidth * growth * Math.Pow(head, 1.5)) + (1.35 * slope * Math.Pow(head, 2.5));
            peak = Math.Max(peak, q);
            level -= q * dt / area;
            if (growth >= 1 && q < peak)
            {
                break;
            }
        }

        return peak;
    }
}
