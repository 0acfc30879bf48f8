using System.Globalization;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

/// <summary>
/// FLOOD_BY_LEVEL at a hydro post: the inundation polygon of the highest level not above the given level, or the
/// post's latest WATER_LEVEL reading when none is given (read again at every computation; a new reading recomputes).
/// Below the lowest level there is no zone, and the forecast says so.
/// </summary>
internal sealed class FloodByLevelStep(NpgsqlDataSource db) : IForecastStep
{
    /// <summary>A flood by level is the level as it stands, not a time after an event: its one horizon is 0.</summary>
    public static readonly IReadOnlyList<int> Horizons = [0];

    /// <summary>WATER_LEVEL's physical range (data/monitoring/thresholds.json, −1000…3000 cm), in metres.</summary>
    public const double MinLevelMetres = -10;
    public const double MaxLevelMetres = 30;

    public ForecastModel Model => ForecastModel.FloodByLevel;

    public async Task<NewForecast> CheckAsync(ForecastRequest request, CancellationToken ct)
    {
        var post = request.HydroPostId ?? throw new BadUserInputException("a flood by level is drawn at a hydro post: give hydroPost", "input.hydroPost");
        var level = request.Input.WaterLevelMetres is { } given ? ModelInput.InRange(given, "input.waterLevelMetres", MinLevelMetres, MaxLevelMetres, "m above the post's zero") : (double?)null;
        if ((await InundationLevelDb.ByStationAsync(db, post, ct)).Count == 0)
        {
            throw new BadUserInputException("the post has no inundation levels: set them with setInundationLevels first", "input.hydroPost");
        }

        if (level is null && await InundationLevelDb.LatestAsync(db, post, ct) is null)
        {
            throw new BadUserInputException("the post has reported no WATER_LEVEL: give waterLevelMetres", "input.waterLevelMetres");
        }

        return new NewForecast(Model, null, request.IncidentId, request.Source, request.Territory, null, null, Horizons, null, false,
            Parameters: new ForecastParameters(WaterLevelMetres: level), HydroPost: post);
    }

    public async Task<ForecastComputation> ComputeAsync(Forecast forecast, CancellationToken ct)
    {
        var post = forecast.HydroPostId!.Value;
        var stored = await InundationLevelDb.ByStationAsync(db, post, ct);
        if (stored.Count == 0)
        {
            throw new ForecastInputException("the post no longer has inundation levels");
        }

        var observed = forecast.Parameters.WaterLevelMetres is null
            ? await InundationLevelDb.LatestAsync(db, post, ct) ?? throw new ForecastInputException("the post has no WATER_LEVEL reading")
            : null;
        var level = forecast.Parameters.WaterLevelMetres ?? observed!.Metres;
        var selected = FloodByLevel.Select([.. stored.Select(l => new InundationLevel(l.LevelMetres, l.Zone))], level);
        var inputsJson = System.Text.Json.JsonSerializer.Serialize(new
        {
            model = DbEnum.Text(forecast.Model), hydroPostId = post, levelMetres = level, observedAt = observed?.ObservedAt, selectedLevelMetres = selected?.LevelMetres,
            levelsSetAt = stored.Max(l => l.SetAt), levels = stored.Select(l => l.LevelMetres),
        }, ForecastDb.Json);
        var assumptions = new List<string>
        {
            observed is null
                ? string.Create(CultureInfo.InvariantCulture, $"water level {level:0.##} m as given by the officer")
                : string.Create(CultureInfo.InvariantCulture, $"water level {level:0.##} m: the post's latest WATER_LEVEL reading ({level * 100:0} cm), observed {observed.ObservedAt:u}"),
            "the zone is the polygon precomputed for the highest level not above this one: never more water than was modelled for a level reached",
        };
        var warnings = new List<ForecastWarning>();
        var horizons = new List<ComputedHorizon>();
        var lowest = stored.Min(l => l.LevelMetres);
        if (selected is null)
        {
            warnings.Add(new ForecastWarning("BELOW_LOWEST_LEVEL", string.Create(CultureInfo.InvariantCulture,
                $"the level {level:0.##} m is below the post's lowest modelled level {lowest:0.##} m: no zone (the river is within what the post's levels describe)")));
        }
        else
        {
            var zone = (Polygon)selected.Zone;
            horizons.Add(new ComputedHorizon(0, string.Create(CultureInfo.InvariantCulture, $"flood forecast at level {selected.LevelMetres:0.##} m"), zone,
                string.Create(CultureInfo.InvariantCulture, $"level {level:0.##} m, polygon of {selected.LevelMetres:0.##} m"), [],
                new { levelMetres = level, selectedLevelMetres = selected.LevelMetres, observedAt = observed?.ObservedAt }));
        }

        return new ForecastComputation(inputsJson, Zones.Hazard.Flood, null, observed?.Seen, assumptions, warnings,
            new { levelMetres = level, selectedLevelMetres = selected?.LevelMetres, lowestLevelMetres = lowest, observedAt = observed?.ObservedAt }, horizons);
    }
}
