using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Algorithm;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

[Trait("Category", "Models")]
public sealed class GaussianPlumeTests
{
    /// <summary>Chlorine AEGL-2 (60 min): 2 ppm ≈ 5.8 mg/m³.</summary>
    private const double ChlorineAegl2 = 5.8;

    [Theory]
    [InlineData("F", 38.14, 12.31)]
    [InlineData("D", 76.28, 37.95)]
    public void Briggs_rural_sigmas_at_1_km(string stability, double sigmaY, double sigmaZ)
    {
        var (sy, sz) = Briggs.Sigmas(Enum.Parse<PasquillClass>(stability), Terrain.Rural, 1000);

        Assert.Equal(sigmaY, sy, 0.01);
        Assert.Equal(sigmaZ, sz, 0.01);
    }

    [Theory]
    [InlineData("F", 1000, 339, 0.5)]
    [InlineData("F", 5000, 30.5, 0.05)]
    [InlineData("D", 1000, 55.0, 0.05)]
    public void Centreline_concentrations_of_1_kg_s_in_2_m_s_wind(string stability, double x, double milligrams, double tolerance) =>
        Assert.Equal(milligrams, GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, Enum.Parse<PasquillClass>(stability), Terrain.Rural, x, 0), tolerance);

    [Fact]
    public void A_source_at_height_reaches_the_ground_downwind_and_its_footprint_starts_there()
    {
        // At 1 km, class D rural: σz 37.95 m, so a 60 m stack's ground-level value is exp(−60²/(2·37.95²)) ≈ 0.287 of the ground source's.
        var ground = GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, 1000, 0);
        var stack = GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, 1000, 0, releaseHeightMetres: 60);
        Assert.Equal(0.287, stack / ground, 0.001);

        var source = ForecastData.Almaty;
        var footprint = GaussianPlume.Footprint(new PlumeInput(source, 5, 3, 270, PasquillClass.D, Terrain.Rural, ChlorineAegl2, ReleaseHeightMetres: 60));
        var atGround = GaussianPlume.Footprint(new PlumeInput(source, 5, 3, 270, PasquillClass.D, Terrain.Rural, ChlorineAegl2));

        Assert.True(footprint.Footprint.IsValid);
        Assert.False(footprint.Footprint.Intersects(source));
        Assert.True(atGround.Footprint.Intersects(source.Buffer(1e-6)));
        Assert.True(footprint.DownwindReachMetres < atGround.DownwindReachMetres);
        // Nothing near the stack exceeds the threshold; the footprint's nearest point is where the plume first does.
        Assert.True(footprint.Footprint.Distance(source) > 100 / 111_000.0);
    }

    [Fact]
    public void Crosswind_the_concentration_falls_as_a_gaussian_of_sigma_y()
    {
        var (sy, _) = Briggs.Sigmas(PasquillClass.D, Terrain.Rural, 1000);
        var centre = GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, 1000, 0);

        Assert.Equal(centre * Math.Exp(-0.5), GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, 1000, sy), 1e-9);
        Assert.Equal(0, GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, -10, 0));
    }

    [Fact]
    public void Urban_sigmas_are_wider_than_rural_ones_and_the_table_s_urban_formulas()
    {
        var (sy, sz) = Briggs.Sigmas(PasquillClass.D, Terrain.Urban, 1000);

        Assert.Equal(0.16 * 1000 / Math.Sqrt(1.4), sy, 1e-9);
        Assert.Equal(0.14 * 1000 / Math.Sqrt(1.3), sz, 1e-9);
        Assert.True(sy > Briggs.Sigmas(PasquillClass.D, Terrain.Rural, 1000).SigmaYMetres);
    }

    [Theory]
    [InlineData(1.5, "Strong", "A")]
    [InlineData(1.5, "Moderate", "B")]
    [InlineData(2.5, "Slight", "C")]
    [InlineData(4, "Moderate", "C")]
    [InlineData(7, "Strong", "C")]
    public void Pasquill_day_classes(double wind, string insolation, string expected) =>
        Assert.Equal(Enum.Parse<PasquillClass>(expected), PasquillGifford.ByDay(wind, Enum.Parse<Insolation>(insolation)));

    [Theory]
    [InlineData(1.5, false, "F")]
    [InlineData(2.5, true, "E")]
    [InlineData(4, false, "E")]
    [InlineData(5.5, false, "D")]
    public void Pasquill_night_classes(double wind, bool cloudy, string expected) =>
        Assert.Equal(Enum.Parse<PasquillClass>(expected), PasquillGifford.ByNight(wind, cloudy));

    [Fact]
    public void Overcast_unknown_cloud_and_the_rd_mapping()
    {
        Assert.Equal(PasquillClass.D, PasquillGifford.FromConditions(1.5, 50, 8));
        Assert.Equal(PasquillClass.F, PasquillGifford.FromConditions(1.5, -10, null));
        Assert.Equal(PasquillClass.A, PasquillGifford.FromConditions(1.5, 65, 0));
        Assert.Equal(PasquillClass.B, PasquillGifford.FromConditions(1.5, 65, null));
        Assert.Equal(PasquillClass.F, PasquillGifford.FromRdStability(Stability.Inversion, 2));
        Assert.Equal(PasquillClass.E, PasquillGifford.FromRdStability(Stability.Inversion, 3.5));
        Assert.Equal(PasquillClass.D, PasquillGifford.FromRdStability(Stability.Isotherm, 5));
        Assert.Equal(PasquillClass.C, PasquillGifford.FromRdStability(Stability.Convection, 1));
    }

    [Fact]
    public void The_footprint_reaches_where_the_centreline_falls_to_the_threshold_and_opens_downwind()
    {
        var input = new PlumeInput(ForecastData.Almaty, 1, 2, 270, PasquillClass.D, Terrain.Rural, ChlorineAegl2);

        var result = GaussianPlume.Footprint(input);

        Assert.Equal(ChlorineAegl2, GaussianPlume.ConcentrationMilligramsPerCubicMetre(1, 2, PasquillClass.D, Terrain.Rural, result.DownwindReachMetres, 0), 0.01);
        Assert.True(result.Footprint.IsValid);
        Assert.True(Orientation.IsCCW(result.Footprint.ExteriorRing.Coordinates));
        Assert.True(result.Footprint.Centroid.X > ForecastData.Almaty.X, "wind from the west carries the plume east");
        var halfway = GeoJson.Factory.CreatePoint(Geodesy.Destination(ForecastData.Almaty.Coordinate, 90, result.DownwindReachMetres / 2));
        var beyond = GeoJson.Factory.CreatePoint(Geodesy.Destination(ForecastData.Almaty.Coordinate, 90, result.DownwindReachMetres * 1.05));
        var upwind = GeoJson.Factory.CreatePoint(Geodesy.Destination(ForecastData.Almaty.Coordinate, 270, 200));
        Assert.True(result.Footprint.Contains(halfway));
        Assert.False(result.Footprint.Contains(beyond));
        Assert.False(result.Footprint.Contains(upwind));
    }

    [Fact]
    public void The_footprint_edge_is_where_the_concentration_equals_the_threshold()
    {
        var result = GaussianPlume.Footprint(new PlumeInput(ForecastData.Almaty, 1, 2, 0, PasquillClass.D, Terrain.Rural, ChlorineAegl2));

        const double x = 1000;
        var (sy, _) = Briggs.Sigmas(PasquillClass.D, Terrain.Rural, x);
        var halfWidth = sy * Math.Sqrt(2 * Math.Log(55.0 / ChlorineAegl2));
        var inside = Offset(x, halfWidth * 0.98);
        var outside = Offset(x, halfWidth * 1.02);
        Assert.True(result.Footprint.Contains(inside));
        Assert.False(result.Footprint.Contains(outside));
    }

    [Fact]
    public void Warnings_say_when_the_plume_is_outside_its_fits()
    {
        var far = GaussianPlume.Footprint(new PlumeInput(ForecastData.Almaty, 10, 0.8, 0, PasquillClass.F, Terrain.Rural, ChlorineAegl2,
            TimeSpan.FromMinutes(10)));

        Assert.Contains(far.Warnings, w => w.Code == "WIND_BELOW_1_M_S");
        Assert.Contains(far.Warnings, w => w.Code is "PAST_10_KM" or "FOOTPRINT_CUT");
        Assert.Contains(far.Warnings, w => w.Code == "NEAR_SOURCE");
        Assert.Contains(far.Warnings, w => w.Code == "NOT_STEADY");
    }

    [Theory]
    [InlineData(0, 2, 5.8, "emissionRateKilogramsPerSecond")]
    [InlineData(1, 0, 5.8, "windSpeedMetresPerSecond")]
    [InlineData(1, 45, 5.8, "windSpeedMetresPerSecond")]
    [InlineData(1, double.NaN, 5.8, "windSpeedMetresPerSecond")]
    [InlineData(1, 2, -1, "thresholdMilligramsPerCubicMetre")]
    public void Nonsense_inputs_are_bad_input(double q, double wind, double threshold, string argument)
    {
        var input = new PlumeInput(ForecastData.Almaty, q, wind, 0, PasquillClass.D, Terrain.Rural, threshold);

        Assert.Equal(argument, Assert.Throws<BadUserInputException>(() => GaussianPlume.Footprint(input)).Argument);
    }

    /// <summary>A point x m downwind (south, for wind from the north) and y m to the side.</summary>
    private static NetTopologySuite.Geometries.Point Offset(double x, double y)
    {
        var bearing = 180 + (Math.Atan2(y, x) * 180 / Math.PI);
        return GeoJson.Factory.CreatePoint(Geodesy.Destination(ForecastData.Almaty.Coordinate, bearing, Math.Sqrt((x * x) + (y * y))));
    }
}
