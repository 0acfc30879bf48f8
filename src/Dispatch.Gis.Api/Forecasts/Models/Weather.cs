using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// Vertical stability of the air as RD 52.04.253-90 grades it, declared from the largest K5 (the worst case) down, so
/// the worse of two candidates is the smaller value.
/// </summary>
internal enum Stability
{
    Inversion,
    Isotherm,
    Convection,
}

/// <summary>
/// What is known of the weather, from an observation or the caller; anything missing is filled in by
/// <see cref="WeatherInputs.Resolve"/>, which says so in the assumptions.
/// </summary>
/// <param name="CloudCoverOktas">Total cloud in eighths of the sky (SYNOP N), 0–8.</param>
internal sealed record WeatherInput(
    double? WindSpeedMetresPerSecond = null,
    double? WindFromDegrees = null,
    double? AirTemperatureCelsius = null,
    Stability? Stability = null,
    int? CloudCoverOktas = null,
    bool? SnowCover = null,
    DateTimeOffset? ObservedAt = null);

/// <summary>The weather a model runs with, and every value in it that was assumed rather than given.</summary>
/// <param name="WindFromDegrees">Null when no direction is known: the zone is then drawn all round the source.</param>
internal sealed record Weather(
    double WindSpeedMetresPerSecond,
    double? WindFromDegrees,
    double AirTemperatureCelsius,
    Stability Stability,
    IReadOnlyList<string> Assumptions);

internal static class WeatherInputs
{
    /// <summary>The method's planning defaults for advance forecasts (studopedia.ru/17_38029, DOMAIN-NOTES §3.3).</summary>
    public const double PlanningWindSpeedMetresPerSecond = 1;
    public const double PlanningAirTemperatureCelsius = 20;
    public const Stability PlanningStability = Stability.Inversion;

    /// <summary>
    /// Fills in what the input lacks. Stability, when not given, comes from the RD table if time, place and wind allow;
    /// where cloud or snow is unknown the worse of the two possible answers is taken (inversion before isotherm before
    /// convection, the order of K5), because a forecast that errs must err towards the larger zone.
    /// </summary>
    public static Weather Resolve(WeatherInput? input, Point location)
    {
        input ??= new WeatherInput();
        var assumptions = new List<string>();
        var wind = input.WindSpeedMetresPerSecond is { } given ? ModelInput.WindSpeed(given) : PlanningWindSpeedMetresPerSecond;
        if (input.WindSpeedMetresPerSecond is null)
        {
            assumptions.Add($"wind speed not known: the method's planning value {PlanningWindSpeedMetresPerSecond} m/s was used");
        }

        double? direction = input.WindFromDegrees is { } d ? ModelInput.WindDirection(d) : null;
        if (direction is null)
        {
            assumptions.Add("wind direction not known: the possible zone is drawn all round the source");
        }

        var temperature = input.AirTemperatureCelsius is { } t
            ? ModelInput.InRange(t, "airTemperatureCelsius", -60, 60, "°C")
            : PlanningAirTemperatureCelsius;
        if (input.AirTemperatureCelsius is null)
        {
            assumptions.Add($"air temperature not known: the method's planning value +{PlanningAirTemperatureCelsius} °C was used");
        }

        if (input.CloudCoverOktas is { } oktas && oktas is < 0 or > 8)
        {
            throw new GraphQL.BadUserInputException($"cloudCoverOktas must be 0–8 eighths of the sky; got {oktas}", "cloudCoverOktas");
        }

        var stability = input.Stability ?? StabilityFromConditions(input, wind, location, assumptions);
        if (stability != Stability.Isotherm && wind > StabilityTable.StableOrConvectiveUpToMetresPerSecond)
        {
            assumptions.Add($"{stability} was given with {wind:0.#} m/s wind, which the method's table never pairs (above "
                + $"{StabilityTable.StableOrConvectiveUpToMetresPerSecond} m/s the air is isothermal): isotherm was used");
            stability = Stability.Isotherm;
        }

        return new Weather(wind, direction, temperature, stability, assumptions);
    }

    private static Stability StabilityFromConditions(WeatherInput input, double wind, Point location, List<string> assumptions)
    {
        if (wind > StabilityTable.StableOrConvectiveUpToMetresPerSecond)
        {
            return Stability.Isotherm;
        }

        if (input.ObservedAt is not { } at)
        {
            assumptions.Add($"stability not known and no time given: the method's planning value ({PlanningStability}) was used");
            return PlanningStability;
        }

        var period = SolarClock.PeriodAt(at, location.X, location.Y);
        bool[] overcastCases = input.CloudCoverOktas is { } oktas ? [oktas >= StabilityTable.OvercastFromOktas] : [false, true];
        bool[] snowCases = input.SnowCover is { } snow ? [snow] : [false, true];
        var stability = overcastCases.SelectMany(o => snowCases.Select(s => StabilityTable.Lookup(wind, period, o, s))).Min();
        assumptions.Add($"stability {stability} from the method's table: {period.ToString().ToLowerInvariant()}, {wind:0.#} m/s"
            + (input.CloudCoverOktas is null ? ", cloud not known (the worse case taken)" : $", {input.CloudCoverOktas}/8 cloud")
            + input.SnowCover switch
            {
                null => ", snow cover not known (the worse case taken)",
                true => ", snow cover",
                false => ", no snow cover",
            });
        return stability;
    }
}
