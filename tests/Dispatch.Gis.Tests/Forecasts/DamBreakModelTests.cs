using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

[Trait("Category", "Models")]
public sealed class DamBreakModelTests
{
    private static readonly Lazy<BreachWaveTable> Table = new(() => BreachWaveTable.Load(BreachWaveTable.DefaultPath));

    /// <summary>A straight synthetic valley running 120 km east from a dam near Kapshagay (not the real Ile).</summary>
    private static LineString Valley => GeoJson.Factory.CreateLineString(
        [new Coordinate(77.10, 43.90), Geodesy.Destination(new Coordinate(77.10, 43.90), 90, 60_000), Geodesy.Destination(new Coordinate(77.10, 43.90), 90, 120_000)]);

    private static DamBreakForecast Forecast(LineString? valley = null, double crossSlope = 0.005, IReadOnlyList<TimeSpan>? horizons = null) =>
        new DamBreakModel(Table.Value).Forecast(new DamBreakInput(valley ?? Valley, 40, 0.5, 1e-3, crossSlope, horizons));

    private static BreachWaveRow Row(double h0, double b, double i) => Table.Value.Select(h0, b, i, []);

    [Fact]
    public void Breach_wave_H0_40_m_B_0_5_i_1e_3_at_40_km_is_10_9_m_at_3_49_m_s()
    {
        var row = Row(40, 0.5, 1e-3);

        Assert.Equal(10.9, row.HeightMetres(new Kilometres(40)), 0.05);
        Assert.Equal(3.49, row.SpeedMetresPerSecond(new Kilometres(40)), 0.005);
        Assert.True(row.Verified);
    }

    [Fact]
    public void Distance_is_pinned_in_km_metres_given_as_km_are_refused_and_the_metres_api_converts()
    {
        var error = Assert.Throws<BadUserInputException>(() => new Kilometres(40_000));
        var forecast = Forecast();

        Assert.Equal("distanceKilometres", error.Argument);
        Assert.Equal(40, Kilometres.FromMetres(40_000).Value);
        Assert.Equal(10.9, forecast.WaveAt(distanceMetres: 40_000).HeightMetres, 0.05);
        // 40 m from the dam, not 40 km: the wave is still 13.1 m high there.
        Assert.Equal(124 / Math.Sqrt(89.04), forecast.WaveAt(distanceMetres: 40).HeightMetres, 1e-9);
    }

    [Fact]
    public void Arrival_is_the_travel_time_at_the_formula_s_speed_and_reach_is_its_inverse()
    {
        var row = Row(40, 0.5, 1e-3);

        var arrival = row.ArrivalAfter(new Kilometres(40));

        Assert.Equal(9958.5, arrival.TotalSeconds, 0.5);
        Assert.True(arrival.TotalSeconds < 40_000 / row.SpeedMetresPerSecond(new Kilometres(40)));
        Assert.Equal(40, row.ReachAfter(arrival).Value, 1e-9);
        Assert.Equal(TimeSpan.Zero, row.ArrivalAfter(new Kilometres(0)));
    }

    [Fact]
    public void An_input_between_rows_reads_the_nearest_row_and_says_so()
    {
        var warnings = new List<Dispatch.Gis.Forecasts.Models.ValidityWarning>();

        var row = Table.Value.Select(35, 0.4, 5e-4, warnings);

        Assert.Equal((40, 0.5, 1e-3), (row.UpstreamDepthMetres, row.RelativeBreachWidth, row.BedSlope));
        Assert.Contains(warnings, w => w.Code == "BREACH_ROW_NEAREST");
        Table.Value.Select(120, 1, 1e-2, warnings);
        Assert.Contains(warnings, w => w.Code == "OUTSIDE_BREACH_TABLE");
    }

    [Fact]
    public void Isochrones_at_1_3_6_12_h_grow_down_the_valley_as_valid_counter_clockwise_strips()
    {
        var forecast = Forecast();

        Assert.Equal(DamBreakModel.DefaultHorizons, forecast.Horizons.Select(h => h.After));
        Assert.Equal(120_000, forecast.ValleyLengthMetres, 120.0);
        var fronts = forecast.Horizons.Select(h => h.FrontDistanceMetres).ToList();
        Assert.Equal(fronts.Order(), fronts);
        Assert.All(forecast.Horizons, h =>
        {
            Assert.True(h.FloodedStrip.IsValid);
            Assert.Equal(4326, h.FloodedStrip.SRID);
            Assert.True(Orientation.IsCCW(h.FloodedStrip.ExteriorRing.Coordinates));
        });
        var first = forecast.Horizons[0];
        Assert.Equal(Row(40, 0.5, 1e-3).ReachAfter(TimeSpan.FromHours(1)).Value * 1000, first.FrontDistanceMetres, 1);
        Assert.True(first.FloodedStrip.Contains(OnValley(first.FrontDistanceMetres - 1_000, 0)));
        Assert.False(first.FloodedStrip.Contains(OnValley(first.FrontDistanceMetres + first.Front.HalfWidthMetres + 1_000, 0)));
        Assert.True(forecast.Horizons[3].PastEndOfValley);
        Assert.Contains(forecast.Warnings, w => w.Code == "PAST_END_OF_VALLEY");
    }

    [Fact]
    public void The_strip_s_half_width_is_wave_height_over_cross_slope_in_true_metres()
    {
        var forecast = Forecast();
        var strip = forecast.Horizons[^1].FloodedStrip;

        var station = forecast.WaveAt(40_000);
        Assert.Equal(station.HeightMetres / 0.005, station.HalfWidthMetres, 1e-6);
        Assert.True(strip.Contains(OnValley(40_000, station.HalfWidthMetres * 0.97)));
        Assert.False(strip.Contains(OnValley(40_000, station.HalfWidthMetres * 1.03)));
        Assert.True(strip.Contains(OnValley(40_000, -station.HalfWidthMetres * 0.97)));

        // Area on the ellipsoid against ∫ 2·w dL plus the round end cap, computed without the buffer code.
        var expected = 0.0;
        for (var x = 0.0; x < 120_000; x += 10)
        {
            expected += 2 * forecast.WaveAt(x + 5).HalfWidthMetres * 10;
        }

        var cap = forecast.WaveAt(120_000).HalfWidthMetres;
        expected += Math.PI * cap * cap / 2;
        var start = forecast.WaveAt(0).HalfWidthMetres;
        expected += Math.PI * start * start / 2;
        Assert.Equal(1, GeodesicArea.SquareMetres(strip) / expected, 0.01);
    }

    [Fact]
    public void Half_width_is_bounded_and_the_cap_is_said()
    {
        var steep = Forecast(crossSlope: 1);
        var flat = Forecast(crossSlope: 1e-5);

        Assert.Equal(DamBreakModel.MinHalfWidthMetres, steep.WaveAt(100_000).HalfWidthMetres);
        Assert.Equal(DamBreakModel.MaxHalfWidthMetres, flat.WaveAt(10_000).HalfWidthMetres);
        Assert.Contains(flat.Warnings, w => w.Code == "HALF_WIDTH_CAPPED");
    }

    [Fact]
    public void Nonsense_valley_slopes_and_horizons_are_bad_input_naming_the_argument()
    {
        var point = GeoJson.Factory.CreateLineString([new Coordinate(77, 44), new Coordinate(77, 44)]);

        Assert.Equal("valleyLine", Assert.Throws<BadUserInputException>(() => Forecast(point)).Argument);
        Assert.Equal("valleyLine", Assert.Throws<BadUserInputException>(
            () => new DamBreakModel(Table.Value).Forecast(new DamBreakInput(null, 40, 0.5, 1e-3, 0.005))).Argument);
        Assert.Equal("valleyCrossSlope", Assert.Throws<BadUserInputException>(() => Forecast(crossSlope: 0)).Argument);
        Assert.Equal("horizons", Assert.Throws<BadUserInputException>(
            () => Forecast(horizons: [TimeSpan.FromHours(3), TimeSpan.FromHours(1)])).Argument);
        Assert.Equal("horizons", Assert.Throws<BadUserInputException>(() => Forecast(horizons: [TimeSpan.FromHours(72)])).Argument);
        Assert.Equal("upstreamDepthMetres", Assert.Throws<BadUserInputException>(
            () => new DamBreakModel(Table.Value).Forecast(new DamBreakInput(Valley, -40, 0.5, 1e-3, 0.005))).Argument);
    }

    [Fact]
    public void Peak_outflow_of_a_10_hm3_20_m_embankment_by_Froehlich_and_MacDonald_as_a_range()
    {
        // Vw = 1e7 m³, hw = hb = 20 m, overtopping: each formula evaluated by hand (FEEDS-AND-MODELS §3).
        var estimate = PeakOutflow.Estimate(new BreachInput(1e7, 20, 20, BreachMode.Overtopping));

        Assert.Equal(2893.8, estimate.Froehlich1995CubicMetresPerSecond, 0.1);
        Assert.Equal(3090.7, estimate.MacDonald1984CubicMetresPerSecond, 0.1);
        Assert.Equal(68.76, estimate.AverageBreachWidthMetres, 0.01);
        Assert.Equal(3190.5, estimate.FormationTime.TotalSeconds, 0.1);
        Assert.InRange(estimate.Froehlich2008CubicMetresPerSecond, 1000, 10000);
        Assert.Equal(estimate.MinCubicMetresPerSecond, new[]
        {
            estimate.Froehlich1995CubicMetresPerSecond, estimate.MacDonald1984CubicMetresPerSecond, estimate.Froehlich2008CubicMetresPerSecond,
        }.Min());
        Assert.True(PeakOutflow.Estimate(new BreachInput(1e7, 20, 20, BreachMode.Piping)).AverageBreachWidthMetres < estimate.AverageBreachWidthMetres);
    }

    [Theory]
    [InlineData(0, 20, 20, "reservoirVolumeCubicMetres")]
    [InlineData(1e7, double.NaN, 20, "waterDepthMetres")]
    [InlineData(1e7, 20, 10, "breachHeightMetres")]
    public void Nonsense_breach_inputs_are_bad_input(double volume, double depth, double height, string argument) =>
        Assert.Equal(argument, Assert.Throws<BadUserInputException>(
            () => PeakOutflow.Estimate(new BreachInput(volume, depth, height, BreachMode.Overtopping))).Argument);

    /// <summary>A point on the straight valley (which runs east along the geodesic from the dam) at x m down and y m to the north.</summary>
    private static Point OnValley(double x, double y)
    {
        var along = Geodesy.Destination(new Coordinate(77.10, 43.90), 90, x);
        return GeoJson.Factory.CreatePoint(y == 0 ? along : Geodesy.Destination(along, y > 0 ? 0 : 180, Math.Abs(y)));
    }
}
