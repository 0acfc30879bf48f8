using System.Globalization;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>The weather a computation runs with, where each value came from, and the station it read (if any).</summary>
/// <param name="Seen">The nearest fresh station and its readings' times as the input watcher compares them (null: no station read).</param>
internal sealed record ResolvedWeather(WeatherInput Input, Guid? StationId, IReadOnlyList<string> Notes, string? Seen = null);

/// <summary>
/// Fills in the weather a caller did not give from the nearest meteorological station's fresh readings (WIND_SPEED and
/// AIR_TEMPERATURE in station_latest; the monitoring parameters have no wind direction, so none comes from a
/// station); what neither gives is left to the model's planning values, which say so in the assumptions.
/// </summary>
internal static class ForecastWeatherSource
{
    /// <summary>A station farther than this says nothing about the air at the source.</summary>
    public const double MaxStationDistanceMeters = 50_000;

    /// <summary>The freshness the monitoring rules give wind and temperature readings (thresholds.json freshForHours).</summary>
    public static readonly TimeSpan MaxReadingAge = TimeSpan.FromHours(3);

    public static async Task<ResolvedWeather> ResolveAsync(NpgsqlDataSource db, Forecast forecast, CancellationToken ct)
    {
        var given = forecast.Weather ?? new ForecastWeather();
        var notes = new List<string>();
        if (forecast.Weather is not null)
        {
            notes.Add("weather as given by the officer where given");
        }

        var input = new WeatherInput(given.WindSpeedMetresPerSecond, given.WindFromDegrees, given.AirTemperatureCelsius, given.Stability,
            given.CloudCoverOktas, ObservedAt: forecast.CreatedAt);
        if (given.WindSpeedMetresPerSecond is not null && given.AirTemperatureCelsius is not null)
        {
            return new ResolvedWeather(input, null, notes);
        }

        var rows = await Db.ReadAllAsync(db, ForecastSql.NearestMeteo, r => (Id: r.GetGuid(0), Code: r.GetString(1), Distance: r.GetDouble(2),
                Wind: r.IsDBNull(3) ? (double?)null : r.GetDouble(3), WindAt: r.IsDBNull(4) ? (DateTime?)null : r.GetDateTime(4),
                Temperature: r.IsDBNull(5) ? (double?)null : r.GetDouble(5), TemperatureAt: r.IsDBNull(6) ? (DateTime?)null : r.GetDateTime(6), Seen: r.GetString(7)), ct,
            new NpgsqlParameter { Value = forecast.Source }, new NpgsqlParameter { Value = MaxStationDistanceMeters },
            new NpgsqlParameter { Value = MaxReadingAge });
        if (rows is not [var station])
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"no meteorological station with a reading of the last {MaxReadingAge.TotalHours:0} h within {MaxStationDistanceMeters / 1000:0} km"));
            return new ResolvedWeather(input, null, notes);
        }

        var used = false;
        if (input.WindSpeedMetresPerSecond is null && station.Wind is { } wind)
        {
            // A gust reading larger than the model's bound is clamped rather than refused: the station is not the caller.
            input = input with { WindSpeedMetresPerSecond = Math.Min(wind, ModelInput.MaxWindSpeedMetresPerSecond), ObservedAt = station.WindAt };
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"wind speed {wind:0.#} m/s from meteorological station {station.Code} ({station.Distance / 1000:0.#} km away), observed {station.WindAt:u} (the station's WIND_SPEED, reported as gusts, is taken as the mean wind: a larger zone if anything)"));
            used = true;
        }

        if (input.AirTemperatureCelsius is null && station.Temperature is { } temperature)
        {
            input = input with { AirTemperatureCelsius = temperature, ObservedAt = input.ObservedAt ?? station.TemperatureAt };
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"air temperature {temperature:0.#} °C from meteorological station {station.Code}, observed {station.TemperatureAt:u}"));
            used = true;
        }

        if (used && input.WindFromDegrees is null)
        {
            notes.Add($"station {station.Code} reports no wind direction");
        }

        return new ResolvedWeather(input, used ? station.Id : null, notes, station.Seen);
    }
}
