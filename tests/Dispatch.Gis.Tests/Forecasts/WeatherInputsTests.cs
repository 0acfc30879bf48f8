using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

[Trait("Category", "Models")]
public sealed class WeatherInputsTests
{
    // Almaty, 1 July: sunrise about 23:16 UTC the day before, sunset about 14:37 UTC (05:16 and 20:37 in the UTC+6 the
    // city kept until 2024; almanac values recalled, which the NOAA formulas reproduce).
    private static DateTimeOffset July1(int hour, int minute = 0) => new(2025, 7, 1, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(20, 0, "Night")]
    [InlineData(0, 30, "Morning")]
    [InlineData(8, 0, "Day")]
    [InlineData(15, 30, "Evening")]
    [InlineData(18, 30, "Night")]
    public void The_part_of_the_day_follows_sunrise_and_sunset_at_the_place(int hour, int minute, string period) =>
        Assert.Equal(Enum.Parse<DayPeriod>(period), SolarClock.PeriodAt(July1(hour, minute), ForecastData.Almaty.X, ForecastData.Almaty.Y));

    [Fact]
    public void Sunrise_and_sunset_at_Almaty_are_within_five_minutes_of_the_almanac()
    {
        var (sunrise, sunset) = SolarClock.Events(new DateTime(2025, 7, 1, 0, 0, 0, DateTimeKind.Utc), 76.95, 43.25)!.Value;

        Assert.InRange(sunrise, new DateTime(2025, 6, 30, 23, 11, 0, DateTimeKind.Utc), new DateTime(2025, 6, 30, 23, 21, 0, DateTimeKind.Utc));
        Assert.InRange(sunset, new DateTime(2025, 7, 1, 14, 32, 0, DateTimeKind.Utc), new DateTime(2025, 7, 1, 14, 42, 0, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData(1.5, 20, 0, false, "Inversion")] // clear night, light wind
    [InlineData(1.5, 20, 8, false, "Isotherm")] // overcast night
    [InlineData(1.5, 8, 0, false, "Convection")] // clear day, light wind
    [InlineData(1.5, 8, 0, true, "Isotherm")] // clear day on snow
    [InlineData(3, 8, 0, false, "Isotherm")]
    [InlineData(5, 20, 0, false, "Isotherm")] // above 4 m/s, any time
    public void Stability_comes_from_the_method_s_table(double wind, int hourUtc, int oktas, bool snow, string expected)
    {
        var weather = WeatherInputs.Resolve(new WeatherInput(wind, 90, 20, null, oktas, snow, July1(hourUtc)), ForecastData.Almaty);

        Assert.Equal(Enum.Parse<Stability>(expected), weather.Stability);
    }

    [Fact]
    public void Unknown_cloud_or_snow_takes_the_worse_case_and_says_so()
    {
        var day = WeatherInputs.Resolve(new WeatherInput(1.5, 90, 20, ObservedAt: July1(8)), ForecastData.Almaty);
        var night = WeatherInputs.Resolve(new WeatherInput(1.5, 90, 20, ObservedAt: July1(20)), ForecastData.Almaty);

        Assert.Equal(Stability.Isotherm, day.Stability);
        Assert.Equal(Stability.Inversion, night.Stability);
        Assert.Contains(day.Assumptions, a => a.Contains("cloud not known", StringComparison.Ordinal));
        Assert.Contains(day.Assumptions, a => a.Contains("snow cover not known", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_known_gives_the_planning_defaults_each_listed()
    {
        var weather = WeatherInputs.Resolve(null, ForecastData.Almaty);

        Assert.Equal((1.0, (double?)null, 20.0, Stability.Inversion),
            (weather.WindSpeedMetresPerSecond, weather.WindFromDegrees, weather.AirTemperatureCelsius, weather.Stability));
        Assert.Equal(4, weather.Assumptions.Count);
    }

    [Fact]
    public void A_given_observation_carries_no_assumptions()
    {
        var weather = WeatherInputs.Resolve(new WeatherInput(3, 360, -5, Stability.Isotherm), ForecastData.Almaty);

        Assert.Empty(weather.Assumptions);
        Assert.Equal(0, weather.WindFromDegrees);
    }

    [Theory]
    [InlineData(9, null, null, "cloudCoverOktas")]
    [InlineData(null, 400.0, null, "windFromDegrees")]
    [InlineData(null, null, 75.0, "airTemperatureCelsius")]
    public void Nonsense_weather_is_bad_input(int? oktas, double? direction, double? temperature, string argument)
    {
        var input = new WeatherInput(2, direction, temperature, null, oktas);

        Assert.Equal(argument, Assert.Throws<BadUserInputException>(() => WeatherInputs.Resolve(input, ForecastData.Almaty)).Argument);
    }
}
