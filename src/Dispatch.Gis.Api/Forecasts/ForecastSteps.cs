using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Forecasts;

/// <summary>What the model steps share: warnings as stored, the caller's weather as the models take it, errors named as the input names them.</summary>
internal static class ForecastSteps
{
    private static readonly HashSet<string> WeatherArguments = new HashSet<string>(StringComparer.Ordinal)
    {
        "windSpeedMetresPerSecond", "windFromDegrees", "airTemperatureCelsius", "stability", "cloudCoverOktas",
    };

    public static IReadOnlyList<ForecastWarning> Warnings(IEnumerable<ValidityWarning> warnings) =>
        warnings.Select(w => new ForecastWarning(w.Code, w.Message)).ToList();

    public static WeatherInput? Weather(ForecastWeather? given) => given is { } w
        ? new WeatherInput(w.WindSpeedMetresPerSecond, w.WindFromDegrees, w.AirTemperatureCelsius, w.Stability, w.CloudCoverOktas)
        : null;

    /// <summary>
    /// Runs a model's own checks and renames the argument its refusal names (the model's camelCase) to the path in
    /// RunForecastInput; <paramref name="rename"/> maps the model's names that differ from the input's.
    /// </summary>
    public static T Named<T>(Func<T> run, IReadOnlyDictionary<string, string>? rename = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return run();
        }
        catch (BadUserInputException e)
        {
            throw new BadUserInputException(e.Message, e.Argument switch
            {
                "horizons" => "input.horizonsMinutes",
                "source" => "input.location",
                null => "input",
                { } a when rename is not null && rename.TryGetValue(a, out var renamed) => renamed,
                { } a when WeatherArguments.Contains(a) => "input.weather." + a,
                { } a => "input." + a,
            });
        }
    }
}
