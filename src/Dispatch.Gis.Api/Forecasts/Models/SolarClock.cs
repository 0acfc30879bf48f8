namespace Dispatch.Gis.Forecasts.Models;

/// <summary>The four parts of the day the RD stability table distinguishes.</summary>
internal enum DayPeriod
{
    Night,

    /// <summary>The two hours after sunrise.</summary>
    Morning,

    Day,

    /// <summary>The two hours after sunset.</summary>
    Evening,
}

/// <summary>
/// Sunrise and sunset by the NOAA solar-position approximation (Spencer's series for the equation of time and the
/// declination, refraction-corrected zenith 90.833°), good to a couple of minutes: ample for a table whose "morning"
/// is two hours long.
/// </summary>
internal static class SolarClock
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    /// <summary>RD 52.04.253-90 periods: morning and evening are the two hours after sunrise and sunset.</summary>
    public static DayPeriod PeriodAt(DateTimeOffset when, double longitude, double latitude)
    {
        var utc = when.UtcDateTime;
        DateTime? lastSunrise = null;
        DateTime? lastSunset = null;
        for (var day = -1; day <= 1; day++)
        {
            var date = utc.Date.AddDays(day);
            if (Events(date, longitude, latitude) is not var (sunrise, sunset))
            {
                continue;
            }

            if (sunrise <= utc && (lastSunrise is null || sunrise > lastSunrise))
            {
                lastSunrise = sunrise;
            }

            if (sunset <= utc && (lastSunset is null || sunset > lastSunset))
            {
                lastSunset = sunset;
            }
        }

        if (lastSunrise is null || lastSunset is null)
        {
            // Polar day or night: decided by whether the sun is up at noon.
            return Elevation(utc.Date.AddHours(12 - (longitude / 15)), longitude, latitude) > 0 ? DayPeriod.Day : DayPeriod.Night;
        }

        return lastSunrise > lastSunset
            ? utc - lastSunrise.Value < TwoHours ? DayPeriod.Morning : DayPeriod.Day
            : utc - lastSunset.Value < TwoHours ? DayPeriod.Evening : DayPeriod.Night;
    }

    /// <summary>Sunrise and sunset (UTC) of the solar day near the given UTC date; null when the sun neither rises nor sets.</summary>
    public static (DateTime Sunrise, DateTime Sunset)? Events(DateTime utcDate, double longitude, double latitude)
    {
        var (equationOfTimeMinutes, declination) = Sun(utcDate.AddHours(12));
        var phi = Geodesy.ToRadians(latitude);
        var cosHourAngle = (Math.Cos(Geodesy.ToRadians(90.833)) / (Math.Cos(phi) * Math.Cos(declination)))
            - (Math.Tan(phi) * Math.Tan(declination));
        if (cosHourAngle is > 1 or < -1)
        {
            return null;
        }

        var hourAngle = Geodesy.ToDegrees(Math.Acos(cosHourAngle));
        var sunrise = utcDate.AddMinutes(720 - (4 * (longitude + hourAngle)) - equationOfTimeMinutes);
        var sunset = utcDate.AddMinutes(720 - (4 * (longitude - hourAngle)) - equationOfTimeMinutes);
        return (sunrise, sunset);
    }

    /// <summary>Solar elevation in degrees (no refraction).</summary>
    public static double Elevation(DateTime utc, double longitude, double latitude)
    {
        var (equationOfTimeMinutes, declination) = Sun(utc);
        var trueSolarMinutes = (utc.TimeOfDay.TotalMinutes + equationOfTimeMinutes + (4 * longitude)) % 1440;
        var hourAngle = Geodesy.ToRadians((trueSolarMinutes / 4) - 180);
        var phi = Geodesy.ToRadians(latitude);
        var cosZenith = (Math.Sin(phi) * Math.Sin(declination)) + (Math.Cos(phi) * Math.Cos(declination) * Math.Cos(hourAngle));
        return 90 - Geodesy.ToDegrees(Math.Acos(Math.Clamp(cosZenith, -1, 1)));
    }

    private static (double EquationOfTimeMinutes, double DeclinationRadians) Sun(DateTime utc)
    {
        var daysInYear = DateTime.IsLeapYear(utc.Year) ? 366 : 365;
        var gamma = 2 * Math.PI / daysInYear * (utc.DayOfYear - 1 + ((utc.TimeOfDay.TotalHours - 12) / 24));
        var equationOfTime = 229.18 * (0.000075 + (0.001868 * Math.Cos(gamma)) - (0.032077 * Math.Sin(gamma))
            - (0.014615 * Math.Cos(2 * gamma)) - (0.040849 * Math.Sin(2 * gamma)));
        var declination = 0.006918 - (0.399912 * Math.Cos(gamma)) + (0.070257 * Math.Sin(gamma)) - (0.006758 * Math.Cos(2 * gamma))
            + (0.000907 * Math.Sin(2 * gamma)) - (0.002697 * Math.Cos(3 * gamma)) + (0.00148 * Math.Sin(3 * gamma));
        return (equationOfTime, declination);
    }
}
