using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// GAUSSIAN_PLUME end to end: the footprint per horizon cut to wind × time, checked against the model run here; the
/// substance's cited limit as the threshold; an elevated source's footprint starting downwind; the model's validity
/// warnings on the forecast; bad input refused with nothing stored.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class GaussianPlumeForecastTests(ApiFixture api)
{
    private static readonly object Weather = new { windSpeedMetresPerSecond = 3.0, windFromDegrees = 270.0, airTemperatureCelsius = 15.0, stability = "ISOTHERM" };

    [Fact]
    public async Task A_plume_reaches_farther_at_each_horizon_until_it_is_steady_as_the_model_gives()
    {
        double[] at = [Seed.InCity[0] - 0.2, Seed.InCity[1] + 0.15];
        var id = await ForecastPolling.RunAsync(api, new { model = "GAUSSIAN_PLUME", location = Seed.Point(at[0], at[1]), emissionRateKilogramsPerSecond = 1.0,
            thresholdMilligramsPerCubicMetre = 5.8, horizonsMinutes = new[] { 5, 15, 60 }, weather = Weather });
        var forecast = await ForecastPolling.SucceededAsync(api, id);

        // Isotherm is Pasquill D; 1 kg/s in 3 m/s wind over open country.
        var steady = GaussianPlume.Footprint(new PlumeInput(Geo(at), 1.0, 3, 270, PasquillClass.D, Terrain.Rural, 5.8));
        Assert.InRange(steady.DownwindReachMetres, 2_700, 10_800);
        var horizons = forecast["horizons"]!.AsArray();
        Assert.Equal([5, 15, 60], horizons.Select(h => h!["minutes"]!.GetValue<int>()));
        double[] carried = [900, 2_700, 10_800];
        for (var k = 0; k < 3; k++)
        {
            var h = horizons[k]!;
            Assert.Equal("CHEMICAL", h["zone"]!["hazard"]!.GetValue<string>());
            Assert.Equal(Math.Round(Math.Min(steady.DownwindReachMetres, carried[k])), h["figures"]!["downwindReachMeters"]!.GetValue<double>());
        }

        var areas = horizons.Select(h => h!["zone"]!["areaKm2"]!.GetValue<double>()).ToList();
        Assert.True(areas[0] < areas[1] && areas[1] < areas[2], string.Join(", ", areas));
        Assert.Equal(GeodesicArea.SquareMetres(steady.Footprint) / 1e6, areas[2], areas[2] * 0.02);
        Assert.Equal("D", forecast["figures"]!["stability"]!.GetValue<string>());
        // The steady footprint lies east of the source, downwind of a west wind.
        Assert.True(await api.ScalarAsync<bool>($"SELECT ST_X(ST_Centroid(geom)) > {at[0]} FROM emergency_zones WHERE id = '{horizons[2]!["zoneId"]}'"));
    }

    [Fact]
    public async Task The_substances_cited_limit_is_the_threshold_a_weak_wind_is_warned_and_a_stack_footprint_starts_downwind()
    {
        double[] at = [Seed.InCity[0] - 0.25, Seed.InCity[1] + 0.2];
        var calm = await ForecastPolling.RunAsync(api, new { model = "GAUSSIAN_PLUME", location = Seed.Point(at[0], at[1]), substance = "chlorine", emissionRateKilogramsPerSecond = 0.5,
            horizonsMinutes = new[] { 30 }, weather = new { windSpeedMetresPerSecond = 0.6, windFromDegrees = 90.0, airTemperatureCelsius = 10.0, stability = "ISOTHERM" } });
        var ground = await ForecastPolling.RunAsync(api, new { model = "GAUSSIAN_PLUME", location = Seed.Point(at[0], at[1]), substance = "chlorine", emissionRateKilogramsPerSecond = 5.0,
            horizonsMinutes = new[] { 60 }, weather = Weather });
        var stack = await ForecastPolling.RunAsync(api, new { model = "GAUSSIAN_PLUME", location = Seed.Point(at[0], at[1]), substance = "chlorine", emissionRateKilogramsPerSecond = 5.0,
            releaseHeightMetres = 60.0, terrain = "URBAN", horizonsMinutes = new[] { 60 }, weather = Weather });

        var weak = await ForecastPolling.SucceededAsync(api, calm);
        Assert.Equal(5.8, weak["figures"]!["thresholdMilligramsPerCubicMetre"]!.GetValue<double>());
        Assert.Contains("WIND_BELOW_1_M_S", weak["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()));
        Assert.Contains("AEGL-2", string.Join(" ", weak["assumptions"]!.AsArray().Select(a => a!.GetValue<string>())), StringComparison.Ordinal);
        var source = $"ST_SetSRID(ST_MakePoint({at[0]}, {at[1]}), 4326)";
        var groundZone = (await ForecastPolling.SucceededAsync(api, ground))["horizons"]![0]!["zoneId"]!.GetValue<string>();
        var stackZone = (await ForecastPolling.SucceededAsync(api, stack))["horizons"]![0]!["zoneId"]!.GetValue<string>();
        Assert.True(await api.ScalarAsync<bool>($"SELECT ST_DWithin(geom::geography, {source}::geography, 5) FROM emergency_zones WHERE id = '{groundZone}'"));
        Assert.True(await api.ScalarAsync<double>($"SELECT ST_Distance(geom::geography, {source}::geography) FROM emergency_zones WHERE id = '{stackZone}'") > 50);
    }

    [Fact]
    public async Task Plume_bad_input_is_refused_and_nothing_is_stored()
    {
        var location = Seed.Point(Seed.InCity[0], Seed.InCity[1]);
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, thresholdMilligramsPerCubicMetre = 5.8 }, "input.emissionRateKilogramsPerSecond");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0 }, "input.thresholdMilligramsPerCubicMetre");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, substance = "phosgene" }, "input.thresholdMilligramsPerCubicMetre");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = -1.0, thresholdMilligramsPerCubicMetre = 5.8 }, "input.emissionRateKilogramsPerSecond");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, thresholdMilligramsPerCubicMetre = 5.8, horizonsMinutes = new[] { 30, 15 } }, "input.horizonsMinutes");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, thresholdMilligramsPerCubicMetre = 5.8, horizonsMinutes = new[] { 300 } }, "input.horizonsMinutes");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, thresholdMilligramsPerCubicMetre = 5.8, releaseHeightMetres = -2.0 }, "input.releaseHeightMetres");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, thresholdMilligramsPerCubicMetre = 5.8, releasedMassKilograms = 10.0 }, "input.releasedMassKilograms");
        await ForecastPolling.RefusedAsync(api, new { model = "GAUSSIAN_PLUME", location, emissionRateKilogramsPerSecond = 1.0, thresholdMilligramsPerCubicMetre = 5.8, weather = new { windSpeedMetresPerSecond = 80.0 } }, "input.weather.windSpeedMetresPerSecond");
    }

    private static Point Geo(double[] p) => GeoJson.Factory.CreatePoint(new Coordinate(p[0], p[1]));
}
