using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Issue 11, exposure: a district's published total area-weighted into a forecast's population. Totals are set through
/// setTerritoryPopulation by an administrator; the expected people are computed here from the stored zone and district
/// shapes with NetTopologySuite's intersection and <see cref="GeodesicArea"/>, not with the SQL under test.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ForecastPopulationTests(ApiFixture api)
{
    // A steppe district with no settlement point of 15 000 or more, and Almaty's Almaly district, which holds the city's point.
    private const string Shet = "356400000";
    private const string Almaly = "751110000";

    private const string SetPopulation = """
        mutation ($kato: String!, $total: Long, $year: Int, $source: String) {
          setTerritoryPopulation(kato: $kato, total: $total, year: $year, source: $source) { kato populationTotal { total year source } } }
        """;

    private const string Read = """
        query ($id: ID!) { forecast(id: $id) { state version horizons { zoneId exposure { population populationMethod settlements { id population }
          weightedDistricts { kato total year source outsidePoints areaShare people } } } } }
        """;

    private static readonly object Weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 270.0, airTemperatureCelsius = 20.0, stability = "INVERSION" };

    [Fact]
    public async Task A_district_total_adds_its_people_outside_the_settlement_points_by_the_share_of_its_area_in_the_zone()
    {
        using var admin = api.Client(api.Tokens.Issue("population-admin", Role.Admin, ["*"], "Population Admin"));
        try
        {
            // Shet: no settlement points, so all of the total is spread over the district.
            await admin.QueryAsync(SetPopulation, new { kato = Shet, total = 67_131_000L, year = 2024, source = "test figure" });
            var steppe = await PointOnSurfaceAsync(Shet);
            var first = await ComputeAsync(steppe, 800.0);
            var h = first["horizons"]![0]!;
            var zone = await ShapeAsync($"SELECT geom FROM emergency_zones WHERE id = '{h["zoneId"]}'");
            var district = await ShapeAsync($"SELECT geom FROM territories WHERE kato = '{Shet}'");
            Assert.True(district.Covers(zone), "the zone was meant to lie inside the district");
            var share = SquareMetres(zone) / (await api.ScalarAsync<double>($"SELECT area_km2 FROM territories WHERE kato = '{Shet}'") * 1e6);
            var weighted = Assert.Single(h["exposure"]!["weightedDistricts"]!.AsArray())!;
            Assert.Equal(Shet, weighted["kato"]!.GetValue<string>());
            Assert.Equal(2024, weighted["year"]!.GetValue<int>());
            Assert.Equal("test figure", weighted["source"]!.GetValue<string>());
            Assert.Equal(67_131_000L, weighted["outsidePoints"]!.GetValue<long>());
            Assert.Equal(share, weighted["areaShare"]!.GetValue<double>(), share * 1e-3);
            var expected = 67_131_000 * share;
            Assert.InRange(h["exposure"]!["population"]!.GetValue<long>(), expected * 0.999 - 1, expected * 1.001 + 1);
            Assert.Contains("area(zone ∩ district) / area(district)", h["exposure"]!["populationMethod"]!.GetValue<string>(), StringComparison.Ordinal);

            // Almaly: the city's point is counted as a point, and only the total beyond the district's points is spread.
            var points = await api.ScalarAsync<long>($"SELECT coalesce(sum(population), 0) FROM settlements WHERE territory_kato = '{Almaly}'");
            Assert.True(points > 0);
            await admin.QueryAsync(SetPopulation, new { kato = Almaly, total = points + 1_800_000, year = 2025, source = "test figure" });
            var city = await PointOnSurfaceAsync(Almaly);
            var second = await ComputeAsync(city, 2_000.0);
            var c = second["horizons"]![0]!;
            var cityZone = await ShapeAsync($"SELECT geom FROM emergency_zones WHERE id = '{c["zoneId"]}'");
            var almaly = await ShapeAsync($"SELECT geom FROM territories WHERE kato = '{Almaly}'");
            var cityShare = SquareMetres(cityZone.Intersection(almaly)) / (await api.ScalarAsync<double>($"SELECT area_km2 FROM territories WHERE kato = '{Almaly}'") * 1e6);
            Assert.True(cityShare is > 0 and < 1, $"share {cityShare}: the zone was meant to cover part of the district");
            var w = Assert.Single(c["exposure"]!["weightedDistricts"]!.AsArray())!;
            Assert.Equal(1_800_000L, w["outsidePoints"]!.GetValue<long>());
            var pointsInside = c["exposure"]!["settlements"]!.AsArray().Sum(s => s!["population"]!.GetValue<long>());
            var cityExpected = pointsInside + (1_800_000 * cityShare);
            Assert.InRange(c["exposure"]!["population"]!.GetValue<long>(), cityExpected - (1_800_000 * cityShare * 0.002) - 1,
                cityExpected + (1_800_000 * cityShare * 0.002) + 1);

            // A total below the district's own points adds nobody (floored at 0) and the points still count.
            await admin.QueryAsync(SetPopulation, new { kato = Almaly, total = points - 5, year = 2025, source = "test figure" });
            var third = await ComputeAsync(city, 2_100.0);
            var t = third["horizons"]![0]!;
            Assert.Equal(0L, Assert.Single(t["exposure"]!["weightedDistricts"]!.AsArray())!["people"]!.GetValue<long>());
            Assert.Equal(t["exposure"]!["settlements"]!.AsArray().Sum(s => s!["population"]!.GetValue<long>()), t["exposure"]!["population"]!.GetValue<long>());
        }
        finally
        {
            await admin.QueryAsync(SetPopulation, new { kato = Shet, total = (long?)null });
            await admin.QueryAsync(SetPopulation, new { kato = Almaly, total = (long?)null });
        }

        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM territories WHERE population_total IS NOT NULL"));
        Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE operation = 'setTerritoryPopulation' AND outcome = 'ALLOWED' AND territory_kato = '{Almaly}'") >= 3);
        Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'TERRITORY_POPULATION_SET' AND entity_id = '{Shet}'") >= 2);
    }

    [Fact]
    public async Task Setting_a_population_is_for_administrators_on_districts_with_a_year_and_a_source()
    {
        using var admin = api.Client(api.Tokens.Issue("population-admin", Role.Admin, ["*"], "Population Admin"));
        Assert.Equal("FORBIDDEN", (await api.GraphQL.PostAsync(SetPopulation, new { kato = Shet, total = 1000L, year = 2024, source = "x" })).ErrorCode());
        foreach (var (variables, argument) in new (object, string)[]
        {
            (new { kato = Seed.AlmatyCity, total = 1000L, year = 2024, source = "x" }, "kato"),
            (new { kato = Shet, total = -1L, year = 2024, source = "x" }, "total"),
            (new { kato = Shet, total = 1000L, source = "x" }, "year"),
            (new { kato = Shet, total = 1000L, year = 1850, source = "x" }, "year"),
            (new { kato = Shet, total = 1000L, year = 2024 }, "source"),
        })
        {
            var response = await admin.PostAsync(SetPopulation, variables);
            Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
            Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]!.GetValue<string>());
        }

        Assert.Equal("NOT_FOUND", (await admin.PostAsync(SetPopulation, new { kato = "999999999", total = 1000L, year = 2024, source = "x" })).ErrorCode());
        Assert.Equal(0, await api.ScalarAsync<long>("SELECT count(*) FROM territories WHERE population_total IS NOT NULL"));
    }

    private async Task<JsonNode> ComputeAsync(Point at, double kilograms)
    {
        var id = (await api.GraphQL.QueryAsync("mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }", new
        {
            i = new { location = Seed.Point(at.X, at.Y), substance = "chlorine", releasedMassKilograms = kilograms, horizonsMinutes = new[] { 10 }, weather = Weather },
        }))["runForecast"]!["id"]!.GetValue<string>();
        return await ForecastPolling.UntilAsync(api, Read, id, "SUCCEEDED", 1);
    }

    private async Task<Point> PointOnSurfaceAsync(string kato) => (Point)await ShapeAsync($"SELECT ST_PointOnSurface(geom) FROM territories WHERE kato = '{kato}'");

    private async Task<Geometry> ShapeAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (Geometry)(await cmd.ExecuteScalarAsync())!;
    }

    private static double SquareMetres(Geometry shape) => Enumerable.Range(0, shape.NumGeometries).Select(i => (Polygon)shape.GetGeometryN(i))
        .Sum(p => GeodesicArea.SquareMetres(p) - p.InteriorRings.Sum(hole => GeodesicArea.SquareMetres(new Polygon((LinearRing)hole))));
}
