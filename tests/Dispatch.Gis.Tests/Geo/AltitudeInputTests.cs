using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Geo;

/// <summary>
/// GeoJSON positions may carry an altitude (RFC 7946 §3.1.1); every column here is 2D, so the altitude is dropped on
/// the way in, in WGS 84 and in a projected CRS alike, and a position of more than three numbers is INVALID_GEOMETRY
/// with nothing stored. Through GraphQL over HTTP and PostGIS (the generated hostile input found a projected point with
/// five numbers answered INTERNAL: the transform kept the extra ordinate and the 2D column refused it).
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class AltitudeInputTests(ApiFixture api)
{
    private const string Upsert = "mutation ($i: DangerousObjectInput!) { upsertDangerousObject(input: $i) { id geometry } }";

    [Theory]
    [InlineData(4326)]
    [InlineData(3857)]
    public async Task A_point_with_an_altitude_is_stored_flat_where_it_was_drawn(int crs)
    {
        double[] at = [Seed.InCity[0] + 0.013, Seed.InCity[1] + 0.007];
        var (x, y) = crs == 4326 ? (at[0], at[1]) : WebMercator(at[0], at[1]);
        var stored = (await api.GraphQL.QueryAsync(Upsert, new { i = Input(new { type = "Point", coordinates = new[] { x, y, 850.0 } }, crs) }))["upsertDangerousObject"]!;

        var id = stored["id"]!.GetValue<string>();
        Assert.Equal(2, await api.ScalarAsync<int>($"SELECT ST_NDims(geom) FROM dangerous_objects WHERE id = '{id}'"));
        var coordinates = stored["geometry"]!["coordinates"]!.AsArray();
        Assert.Equal(2, coordinates.Count);
        Assert.Equal(at[0], coordinates[0]!.GetValue<double>(), 6);
        Assert.Equal(at[1], coordinates[1]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task A_zone_drawn_with_altitudes_is_stored_flat()
    {
        var (lon, lat) = (Seed.InCity[0] - 0.021, Seed.InCity[1] + 0.011);
        var ring = new[] { new[] { lon, lat, 700 }, new[] { lon + 0.01, lat, 710 }, new[] { lon + 0.01, lat + 0.01, 720 }, new[] { lon, lat + 0.01, 705 }, new[] { lon, lat, 700 } };
        var zone = await new Seed(api.GraphQL).ZoneAsync(new { type = "Polygon", coordinates = new[] { ring } });

        Assert.Equal(2, await api.ScalarAsync<int>($"SELECT ST_NDims(geom) FROM emergency_zones WHERE id = '{zone}'"));
        Assert.Equal(2, await api.ScalarAsync<int>($"SELECT ST_NDims(geom) FROM emergency_zone_versions WHERE zone_id = '{zone}'"));
    }

    [Theory]
    [InlineData(4326)]
    [InlineData(3857)]
    public async Task A_position_of_more_than_three_numbers_is_INVALID_GEOMETRY_and_nothing_is_stored(int crs)
    {
        var (x, y) = crs == 4326 ? (76.95, 43.24) : WebMercator(76.95, 43.24);
        var input = Input(new { type = "MultiPoint", coordinates = new[] { new[] { x, y }, new[] { x, y, 3.0, 4.0, 5.0 } } }, crs);
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM dangerous_objects");

        var response = await api.GraphQL.PostAsync(Upsert, new { i = input });

        Assert.Equal("INVALID_GEOMETRY", response.ErrorCode());
        Assert.Contains("5 numbers", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM dangerous_objects"));
    }

    private static object Input(object geometry, int crs) => new
    {
        name = Seed.Unique("Altitude object"), hazardClass = "ENERGY", objectKind = "substation", @operator = "Test operator", geometry, crs,
        contacts = new[] { new { name = "Shift supervisor", role = "supervisor", phone = "+7 700 000 00 03" } },
    };

    // Spherical Web Mercator (EPSG:3857) forward, as the map clients send it.
    private static (double X, double Y) WebMercator(double lon, double lat) =>
        (lon * 20037508.342789244 / 180, Math.Log(Math.Tan((90 + lat) * Math.PI / 360)) * 6378137);
}
