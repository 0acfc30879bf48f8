namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// RD 52.04.253-90's table of vertical stability by wind, part of the day, cloud and snow cover. DOMAIN-NOTES §3.3
/// [S] confirms its outline (below 2 m/s: inversion at night, convection by day, isotherm by day on snow; above 4 m/s:
/// isotherm always). The cloud split at night, the morning and evening cells and the 2–4 m/s row are as the method's
/// table is commonly reproduced and were not retrieved for this project: unverified.
/// </summary>
internal static class StabilityTable
{
    public const double StableOrConvectiveUpToMetresPerSecond = 4;

    /// <summary>The RD's "сплошная облачность" read as 7 or 8 eighths (design choice: SYNOP's "mostly cloudy" or worse).</summary>
    public const int OvercastFromOktas = 7;

    public static Stability Lookup(double windMetresPerSecond, DayPeriod period, bool overcast, bool snowCover)
    {
        if (windMetresPerSecond > StableOrConvectiveUpToMetresPerSecond || overcast)
        {
            return Stability.Isotherm;
        }

        var light = windMetresPerSecond < 2;
        return period switch
        {
            DayPeriod.Night => Stability.Inversion,
            DayPeriod.Morning => snowCover ? Stability.Inversion : Stability.Isotherm,
            DayPeriod.Day => light && !snowCover ? Stability.Convection : Stability.Isotherm,
            DayPeriod.Evening => light || snowCover ? Stability.Inversion : Stability.Isotherm,
            _ => throw new ArgumentOutOfRangeException(nameof(period)),
        };
    }
}
