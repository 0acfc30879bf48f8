using System.Globalization;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Tests.Infrastructure;
using NetTopologySuite.IO;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>PostGIS, an independent GIS engine, measures what the models draw: geography areas are on the WGS 84 spheroid.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class SectorAreaInPostgisTests(ApiFixture api)
{
    [Theory]
    [InlineData(45, 6_840)]
    [InlineData(90, 10_000)]
    [InlineData(360, 2_500)]
    public async Task The_sector_s_PostGIS_area_equals_8_72e_3_R2_phi(double angle, double radius)
    {
        var sector = ContaminationSector.Polygon(ForecastData.Almaty, 315, angle, radius);

        var area = await api.ScalarAsync<double>(
            $"SELECT ST_Area(ST_GeomFromText('{new WKTWriter().Write(sector)}', 4326)::geography)");

        Assert.Equal(1, area / ContaminationSector.AreaSquareMetres(radius, angle), 0.005);
    }

    [Fact]
    public async Task The_ten_tonne_chlorine_zone_at_T_plus_60_is_a_valid_78_5_km2_sector_to_PostGIS()
    {
        var forecast = ForecastData.Chemical.Forecast(new ChemicalReleaseInput("chlorine", 10_000, ForecastData.Almaty,
            ForecastData.Minutes(60), new WeatherInput(2, 0, 20, Stability.Inversion)));
        var wkt = new WKTWriter().Write(forecast.Horizons[0].Sector);

        var valid = await api.ScalarAsync<bool>($"SELECT ST_IsValid(ST_GeomFromText('{wkt}', 4326))");
        var km2 = await api.ScalarAsync<double>($"SELECT ST_Area(ST_GeomFromText('{wkt}', 4326)::geography) / 1e6");
        var reach = await api.ScalarAsync<double>(string.Create(CultureInfo.InvariantCulture,
            $"SELECT max(ST_Distance((p).geom::geography, ST_SetSRID(ST_MakePoint({ForecastData.Almaty.X}, {ForecastData.Almaty.Y}), 4326)::geography)) "
            + $"FROM ST_DumpPoints(ST_GeomFromText('{wkt}', 4326)) p"));

        Assert.True(valid);
        Assert.Equal(78.5, km2, 0.4);
        Assert.Equal(10_000, reach, 0.5);
    }
}
