using Dispatch.Gis.Forecasts.Models;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

[Trait("Category", "Models")]
public sealed class ContaminationSectorTests
{
    public static TheoryData<double, double, double> Sectors => new()
    {
        { 45, 10_000, 43.25 },
        { 90, 10_000, 43.25 },
        { 180, 2_500, 43.25 },
        { 360, 25_000, 43.25 },
        { 90, 10_000, 54.87 },
    };

    [Theory]
    [MemberData(nameof(Sectors))]
    public void The_sector_area_on_the_ellipsoid_is_the_method_s_8_72e_3_R2_phi(double angle, double radius, double latitude)
    {
        var source = Dispatch.Gis.Geo.GeoJson.Factory.CreatePoint(new Coordinate(70, latitude));

        var sector = ContaminationSector.Polygon(source, 200, angle, radius);

        var expected = ContaminationSector.AreaSquareMetres(radius, angle);
        Assert.Equal(1, GeodesicArea.SquareMetres(sector) / expected, 0.005);
    }

    [Fact]
    public void The_sector_is_a_closed_valid_counter_clockwise_ring_with_every_arc_vertex_at_the_radius()
    {
        var sector = ContaminationSector.Polygon(ForecastData.Almaty, 300, 45, 10_000);

        Assert.True(sector.IsValid);
        Assert.Equal(4326, sector.SRID);
        Assert.True(sector.ExteriorRing.IsClosed);
        Assert.True(Orientation.IsCCW(sector.ExteriorRing.Coordinates));
        var arc = sector.ExteriorRing.Coordinates.Where(c => !c.Equals2D(ForecastData.Almaty.Coordinate)).ToList();
        Assert.All(arc, c => Assert.Equal(10_000, GeodesicArea.DistanceMetres(ForecastData.Almaty.Coordinate, c), 0.01));
    }

    [Theory]
    [InlineData(0, 0, -1)] // wind from the north: the zone lies to the south
    [InlineData(270, 1, 0)] // wind from the west: to the east
    [InlineData(90, -1, 0)]
    [InlineData(180, 0, 1)]
    public void The_sector_opens_downwind_of_a_meteorological_wind_direction(double windFrom, int east, int north)
    {
        var sector = ContaminationSector.Polygon(ForecastData.Almaty, windFrom, 45, 10_000);

        var centroid = sector.Centroid.Coordinate;
        var (dx, dy) = (centroid.X - ForecastData.Almaty.X, centroid.Y - ForecastData.Almaty.Y);
        Assert.Equal(east, Sign(dx));
        Assert.Equal(north, Sign(dy));
    }

    [Theory]
    [InlineData(0.3, 360)]
    [InlineData(0.5, 180)]
    [InlineData(1.0, 180)]
    [InlineData(1.05, 90)]
    [InlineData(2.0, 90)]
    [InlineData(2.01, 45)]
    public void The_angle_follows_the_wind_speed_bands(double wind, double angle) =>
        Assert.Equal(angle, ContaminationSector.AngleDegrees(wind));

    [Fact]
    public void Without_a_wind_direction_the_zone_is_the_full_circle()
    {
        var circle = ContaminationSector.Polygon(ForecastData.Petropavl, null, 45, 5_000);

        Assert.True(circle.IsValid);
        Assert.True(circle.Contains(ForecastData.Petropavl));
        Assert.Equal(1, GeodesicArea.SquareMetres(circle) / ContaminationSector.AreaSquareMetres(5_000, 360), 0.005);
    }

    private static int Sign(double value) => Math.Abs(value) < 1e-3 ? 0 : Math.Sign(value);
}
