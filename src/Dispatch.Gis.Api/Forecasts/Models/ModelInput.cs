using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// Checks the models share. Each failure names the argument as the GraphQL input will (camelCase), so the API can
/// pass the exception straight through as BAD_USER_INPUT; nothing here knows about GraphQL beyond that exception.
/// </summary>
internal static class ModelInput
{
    /// <summary>Well past hurricane force (33 m/s): a larger number is almost surely km/h or knots sent as m/s.</summary>
    public const double MaxWindSpeedMetresPerSecond = 40;

    public static double Positive(double value, string argument, double max, string unit)
    {
        if (!double.IsFinite(value) || value <= 0 || value > max)
        {
            throw new BadUserInputException($"{argument} must be a number above 0 and at most {max:G} {unit}; got {value:G}", argument);
        }

        return value;
    }

    public static double InRange(double value, string argument, double min, double max, string unit)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            throw new BadUserInputException($"{argument} must be between {min:G} and {max:G} {unit}; got {value:G}", argument);
        }

        return value;
    }

    public static double WindSpeed(double metresPerSecond, string argument = "windSpeedMetresPerSecond") =>
        InRange(metresPerSecond, argument, 0, MaxWindSpeedMetresPerSecond, "m/s");

    /// <summary>Where the wind blows FROM, degrees clockwise from north (the meteorological convention); 360 is north.</summary>
    public static double WindDirection(double degrees, string argument = "windFromDegrees") =>
        InRange(degrees, argument, 0, 360, "degrees") % 360;

    public static Point Location(Point? point, string argument)
    {
        if (point is null || point.IsEmpty)
        {
            throw new BadUserInputException($"{argument} is required: a WGS 84 lon/lat point", argument);
        }

        if (!double.IsFinite(point.X) || !double.IsFinite(point.Y) || Math.Abs(point.X) > 180 || Math.Abs(point.Y) > 85)
        {
            throw new BadUserInputException(
                $"{argument} must be WGS 84 lon/lat with |lon| ≤ 180 and |lat| ≤ 85; got ({point.X:G}, {point.Y:G})", argument);
        }

        return point;
    }

    /// <summary>Horizons after the start of the event: at least one, each later than the one before, none past the model's limit.</summary>
    public static IReadOnlyList<TimeSpan> Horizons(
        IReadOnlyList<TimeSpan>? horizons, TimeSpan limit, string why, string argument = "horizons")
    {
        if (horizons is null || horizons.Count == 0)
        {
            throw new BadUserInputException($"{argument} needs at least one time after the start", argument);
        }

        var previous = TimeSpan.Zero;
        foreach (var horizon in horizons)
        {
            if (horizon <= previous)
            {
                throw new BadUserInputException(
                    $"{argument} must be after the start and strictly increasing; {horizon} does not follow {previous}", argument);
            }

            if (horizon > limit)
            {
                throw new BadUserInputException($"{argument}: {horizon} is past the model's limit of {limit} ({why})", argument);
            }

            previous = horizon;
        }

        return horizons;
    }
}

/// <summary>
/// A condition under which a result is outside what its method was built or verified for. The result is still given
/// (a dispatcher needs a first answer), and the warning says how far to trust it. Codes are stable; messages are prose.
/// </summary>
internal sealed record ValidityWarning(string Code, string Message);
