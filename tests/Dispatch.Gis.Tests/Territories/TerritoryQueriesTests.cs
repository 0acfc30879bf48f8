using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.Territories;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class TerritoryQueriesTests(ApiFixture api)
{
    [Fact]
    public async Task Regions_are_the_17_oblasts_and_3_cities_of_republican_significance()
    {
        var data = await api.GraphQL.QueryAsync("""
            { territories(level: REGION) { totalCount nodes { kato kind nameKk nameRu nameEn areaKm2 iso3166 } } }
            """);

        var connection = data["territories"]!;
        Assert.Equal(20, connection["totalCount"]!.GetValue<long>());
        var nodes = connection["nodes"]!.AsArray();
        Assert.Equal(20, nodes.Count);
        Assert.Equal(17, nodes.Count(n => n!["kind"]!.GetValue<string>() == "OBLAST"));
        Assert.Equal(
            ["710000000", "750000000", "790000000"],
            nodes.Where(n => n!["kind"]!.GetValue<string>() == "CITY_OF_REPUBLICAN_SIGNIFICANCE").Select(n => n!["kato"]!.GetValue<string>()).Order());
        Assert.All(nodes, n =>
        {
            Assert.False(string.IsNullOrWhiteSpace(n!["nameKk"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(n["nameRu"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(n["nameEn"]!.GetValue<string>()));
            Assert.Matches("^KZ-[0-9]{2}$", n["iso3166"]!.GetValue<string>());
        });
        var shymkent = nodes.Single(n => n!["kato"]!.GetValue<string>() == "790000000")!;
        Assert.Equal("Шымкент", shymkent["nameRu"]!.GetValue<string>());
        var north = nodes.Single(n => n!["kato"]!.GetValue<string>() == "590000000")!;
        Assert.Equal("Солтүстік Қазақстан облысы", north["nameKk"]!.GetValue<string>());
    }

    [Fact]
    public async Task Region_areas_sum_to_the_area_of_Kazakhstan()
    {
        var data = await api.GraphQL.QueryAsync("{ territories(level: REGION) { nodes { areaKm2 } } }");

        var total = data["territories"]!["nodes"]!.AsArray().Sum(n => n!["areaKm2"]!.GetValue<double>());
        // Official figure 2,724,900 km²; the boundaries are a 1:1M generalisation, so within 1 %.
        Assert.InRange(total, 2_724_900 * 0.99, 2_724_900 * 1.01);
    }

    [Theory]
    [InlineData(76.95, 43.24, "750000000", "Almaty")]
    [InlineData(71.43, 51.13, "710000000", "Astana")]
    [InlineData(69.59, 42.32, "790000000", "Shymkent")]
    public async Task A_point_in_a_city_is_in_that_city_and_one_of_its_districts(double lon, double lat, string cityKato, string nameEn)
    {
        var data = await api.GraphQL.QueryAsync("""
            query ($p: Geometry!) {
              territories(containsPoint: $p) { nodes { kato level nameEn parent { kato } } }
            }
            """, new { p = new { type = "Point", coordinates = new[] { lon, lat } } });

        var nodes = data["territories"]!["nodes"]!.AsArray();
        var region = Assert.Single(nodes, n => n!["level"]!.GetValue<string>() == "REGION")!;
        Assert.Equal(cityKato, region["kato"]!.GetValue<string>());
        Assert.Equal(nameEn, region["nameEn"]!.GetValue<string>());
        var district = Assert.Single(nodes, n => n!["level"]!.GetValue<string>() == "DISTRICT")!;
        Assert.Equal(cityKato, district["parent"]!["kato"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_district_lies_in_exactly_one_region_and_that_region_is_its_parent()
    {
        // Truth computed independently of the service: the region that holds more than 99 % of each district's area.
        var spatialParent = new Dictionary<string, List<string>>();
        await using (var cmd = api.Db.CreateCommand("""
            SELECT d.kato, r.kato
            FROM territories d JOIN territories r ON r.level = 'REGION' AND ST_Intersects(d.geom, r.geom)
            WHERE d.level = 'DISTRICT'
              AND ST_Area(ST_Intersection(d.geom, r.geom)::geography) > 0.99 * ST_Area(d.geom::geography)
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                spatialParent.TryAdd(reader.GetString(0), []);
                spatialParent[reader.GetString(0)].Add(reader.GetString(1));
            }
        }

        var data = await api.GraphQL.QueryAsync("{ territories(level: DISTRICT, first: 1000) { totalCount nodes { kato parent { kato } } } }");

        var districts = data["territories"]!["nodes"]!.AsArray();
        Assert.Equal(224, districts.Count);
        Assert.Equal(224, spatialParent.Count);
        Assert.All(districts, d =>
        {
            var regions = spatialParent[d!["kato"]!.GetValue<string>()];
            Assert.Single(regions);
            Assert.Equal(regions[0], d["parent"]!["kato"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Territory_by_kato_has_children_population_and_admin_centre()
    {
        var data = await api.GraphQL.QueryAsync("""
            { territory(kato: "750000000") {
                nameEn population adminCentre { nameEn point }
                children { kato level parent { kato } }
            } }
            """);

        var almaty = data["territory"]!;
        Assert.Equal(8, almaty["children"]!.AsArray().Count);
        Assert.All(almaty["children"]!.AsArray(), c => Assert.Equal("750000000", c!["parent"]!["kato"]!.GetValue<string>()));
        // GeoNames gives Almaty 1,977,011; the city boundary holds that point and possibly smaller places.
        Assert.InRange(almaty["population"]!.GetValue<long>(), 1_977_011, 2_500_000);
        Assert.Equal("Almaty", almaty["adminCentre"]!["nameEn"]!.GetValue<string>());
        Assert.Equal("Point", almaty["adminCentre"]!["point"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Population_is_the_sum_of_settlements_inside_computed_independently()
    {
        var expected = new Dictionary<string, long>();
        await using (var cmd = api.Db.CreateCommand("""
            SELECT t.kato, coalesce((SELECT sum(s.population) FROM settlements s WHERE ST_Contains(t.geom, s.geom)), 0)
            FROM territories t WHERE t.level = 'REGION'
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var data = await api.GraphQL.QueryAsync("{ territories(level: REGION) { nodes { kato population } } }");

        var actual = data["territories"]!["nodes"]!.AsArray().ToDictionary(n => n!["kato"]!.GetValue<string>(), n => n!["population"]!.GetValue<long>());
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Values.Sum(), await api.ScalarAsync<long>("SELECT sum(population) FROM settlements"));
    }

    [Fact]
    public async Task Unknown_kato_gives_null_and_malformed_kato_is_rejected()
    {
        var data = await api.GraphQL.QueryAsync("""{ territory(kato: "999999999") { kato } }""");
        Assert.Null(data["territory"]);

        var response = await api.GraphQL.PostAsync("""{ territory(kato: "75") { kato } }""");
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
    }

    [Fact]
    public async Task Bbox_returns_only_territories_it_touches()
    {
        // A box well inside central Almaty: the only region it touches is Almaty city.
        var data = await api.GraphQL.QueryAsync("{ territories(level: REGION, bbox: [76.90, 43.22, 76.96, 43.26]) { nodes { kato } } }");

        var katos = data["territories"]!["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>());
        Assert.Equal(["750000000"], katos);
    }

    [Fact]
    public async Task Intersects_matches_PostGIS_for_a_line_from_Almaty_to_Astana()
    {
        var line = new { type = "LineString", coordinates = new[] { new[] { 76.95, 43.24 }, new[] { 71.43, 51.13 } } };
        var expected = await KatosAsync("""
            SELECT kato FROM territories
            WHERE level = 'REGION' AND ST_Intersects(geom, ST_GeomFromText('LINESTRING(76.95 43.24, 71.43 51.13)', 4326))
            ORDER BY kato
            """);

        var data = await api.GraphQL.QueryAsync("""
            query ($line: Geometry!) { territories(level: REGION, intersects: $line) { nodes { kato } } }
            """, new { line });

        Assert.Equal(expected, data["territories"]!["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>()));
        Assert.Contains("750000000", expected);
        Assert.Contains("710000000", expected);
        Assert.Contains("350000000", expected); // Karaganda lies between them
    }

    [Fact]
    public async Task Pages_cover_every_region_once()
    {
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var data = await api.GraphQL.QueryAsync("""
                query ($after: String) { territories(level: REGION, first: 7, after: $after) { nodes { kato } pageInfo { hasNextPage endCursor } } }
                """, new { after });
            var connection = data["territories"]!;
            seen.AddRange(connection["nodes"]!.AsArray().Select(n => n!["kato"]!.GetValue<string>()));
            after = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? connection["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(20, seen.Count);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(20, seen.Distinct().Count());
    }

    [Fact]
    public async Task Simplified_geometry_has_fewer_vertices_and_stays_a_multipolygon()
    {
        var data = await api.GraphQL.QueryAsync("""
            { territory(kato: "190000000") { full: geometry simple: geometry(simplifyMeters: 1000) } }
            """);

        var full = data["territory"]!["full"]!;
        var simple = data["territory"]!["simple"]!;
        Assert.Equal("MultiPolygon", full["type"]!.GetValue<string>());
        Assert.Equal("MultiPolygon", simple["type"]!.GetValue<string>());
        var fullCount = CountPositions(full["coordinates"]!);
        var simpleCount = CountPositions(simple["coordinates"]!);
        Assert.True(simpleCount < fullCount / 2, $"{simpleCount} vs {fullCount}");
        Assert.True(simpleCount > 20);
    }

    private static int CountPositions(JsonNode node) =>
        node is JsonArray array && array.Count > 0 && array[0] is JsonValue ? 1 : node.AsArray().Sum(child => CountPositions(child!));

    private async Task<List<string>> KatosAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var result = new List<string>();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
