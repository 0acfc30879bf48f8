namespace Dispatch.Gis.Forecasts.Models;

/// <summary>Pasquill–Gifford stability class, A (very unstable) to F (moderately stable).</summary>
internal enum PasquillClass
{
    A,
    B,
    C,
    D,
    E,
    F,
}

/// <summary>Incoming solar radiation by day, the Pasquill table's day columns.</summary>
internal enum Insolation
{
    Strong,
    Moderate,
    Slight,
}

/// <summary>
/// The Pasquill–Gifford class from wind and insolation or night cloud: the table of GasDispersion.jl
/// <c>pasquill_gifford</c> (../shared/FEEDS-AND-MODELS.md §2; rows from 3 m/s up are the standard Turner table).
/// Cells the table gives as two classes ("A–B") take the more stable one: for a ground-level release that gives the
/// higher concentrations and the longer footprint, the side a dispatcher's map should err on.
/// </summary>
internal static class PasquillGifford
{
    private static readonly PasquillClass[][] Day =
    [
        // strong, moderate, slight insolation
        [PasquillClass.A, PasquillClass.B, PasquillClass.B], // < 2 m/s (A, A–B, B)
        [PasquillClass.B, PasquillClass.B, PasquillClass.C], // 2–3 m/s (A–B, B, C)
        [PasquillClass.B, PasquillClass.C, PasquillClass.C], // 3–5 m/s (B, B–C, C)
        [PasquillClass.C, PasquillClass.D, PasquillClass.D], // 5–6 m/s (C, C–D, D)
        [PasquillClass.C, PasquillClass.D, PasquillClass.D], // > 6 m/s
    ];

    private static readonly PasquillClass[][] Night =
    [
        // cloudy (≥ 4/8 low cloud), clear (≤ 3/8)
        [PasquillClass.E, PasquillClass.F],
        [PasquillClass.E, PasquillClass.F],
        [PasquillClass.D, PasquillClass.E],
        [PasquillClass.D, PasquillClass.D],
        [PasquillClass.D, PasquillClass.D],
    ];

    public static PasquillClass ByDay(double windMetresPerSecond, Insolation insolation) => Day[Row(windMetresPerSecond)][(int)insolation];

    public static PasquillClass ByNight(double windMetresPerSecond, bool cloudy) => Night[Row(windMetresPerSecond)][cloudy ? 0 : 1];

    /// <summary>Overcast skies give D by day and by night (Pasquill's own note).</summary>
    public static PasquillClass Overcast => PasquillClass.D;

    /// <summary>
    /// From wind, solar elevation and total cloud: night below the horizon; insolation strong above 60°, moderate
    /// 35–60°, slight below; 5–7 eighths of cloud lower the insolation one step, 8 eighths is overcast. These cut-offs are
    /// Turner's (1964) as commonly quoted, not retrieved: a design choice. Unknown cloud takes the more stable answer.
    /// </summary>
    public static PasquillClass FromConditions(double windMetresPerSecond, double sunElevationDegrees, int? cloudOktas)
    {
        if (cloudOktas is 8)
        {
            return Overcast;
        }

        if (sunElevationDegrees <= 0)
        {
            return ByNight(windMetresPerSecond, cloudy: cloudOktas is >= 4);
        }

        var insolation = sunElevationDegrees switch
        {
            > 60 => Insolation.Strong,
            > 35 => Insolation.Moderate,
            _ => Insolation.Slight,
        };
        if (cloudOktas is null or >= 5 && insolation != Insolation.Slight)
        {
            insolation++;
        }

        return ByDay(windMetresPerSecond, insolation);
    }

    /// <summary>
    /// The RD categories read as Pasquill classes, a design choice no source gives (FEEDS-AND-MODELS §2): inversion ≈ E–F,
    /// isotherm ≈ D, convection ≈ A–C. Inversion is F below 3 m/s and E above, as the night-clear column; convection
    /// is C, the most stable of its range, for the reason the two-class cells take the more stable one.
    /// </summary>
    public static PasquillClass FromRdStability(Stability stability, double windMetresPerSecond) => stability switch
    {
        Stability.Inversion => windMetresPerSecond < 3 ? PasquillClass.F : PasquillClass.E,
        Stability.Isotherm => PasquillClass.D,
        Stability.Convection => PasquillClass.C,
        _ => throw new ArgumentOutOfRangeException(nameof(stability)),
    };

    private static int Row(double wind) => wind switch
    {
        < 2 => 0,
        < 3 => 1,
        < 5 => 2,
        < 6 => 3,
        _ => 4,
    };
}
