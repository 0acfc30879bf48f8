using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Tiles;

/// <summary>Vector tiles from the real server, decoded here and compared with what SQL says is in each tile.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class TileTests(ApiFixture api)
{
    private const int Z = 12;

    /// <summary>A place of its own for each test, far from the Almaty data other tests make, so no one else's rows enter its tiles.</summary>
    private static double[] Place() => [59.0 + Random.Shared.NextDouble() * 6, 46.0 + Random.Shared.NextDouble() * 2];

    [Fact]
    public async Task Every_layer_holds_exactly_what_sql_finds_in_the_tile_with_its_attributes()
    {
        // Arrange: one of each thing at one place, in the middle of its z12 tile.
        var seed = new Seed(api.GraphQL);
        var p = Place();
        var (x, y) = TileMath.TileOf(p[0], p[1], Z);
        var zone = await seed.ZoneAsync(Seed.Square(p[0], p[1], 0.005), "FORECAST", "FLOOD");
        var obj = await seed.DangerousObjectAsync([p[0] + 0.002, p[1]], "RADIATION");
        var incident = await seed.IncidentAsync([p[0] - 0.002, p[1]]);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "UDDS_112");
        var unit = await seed.UnitAsync(service, [p[0], p[1] + 0.002], "FIRE");

        foreach (var (layer, table, column) in new[]
        {
            ("territories", "territories", "geom"), ("zones", "emergency_zones", "geom"), ("dangerous-objects", "dangerous_objects", "geom"),
            ("units", "response_units", "location"), ("incidents", "incidents", "location"),
        })
        {
            // Act
            var tile = await GetAsync(api.GraphQL.Http, $"/tiles/{layer}/{Z}/{x}/{y}.mvt");

            // Assert: the count is SQL's own count of rows meeting the buffered tile.
            Assert.Equal(HttpStatusCode.OK, tile.Status);
            Assert.Equal("application/vnd.mapbox-vector-tile", tile.ContentType);
            var truth = await api.ScalarAsync<long>($"""
                SELECT count(*) FROM {table} WHERE {column} IS NOT NULL
                  AND ST_Intersects({column}, ST_Transform(ST_TileEnvelope({Z}, {x}, {y}, margin => 64.0 / 4096), 4326))
                """);
            var decoded = Mvt.Decode(tile.Body);
            var features = decoded.SingleOrDefault()?.Features ?? [];
            Assert.Equal(truth, features.Count);
            if (features.Count > 0)
            {
                Assert.Equal(layer, decoded.Single().Name);
                Assert.Equal(4096u, decoded.Single().Extent);
            }
        }

        var zoneFeature = Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/zones/{Z}/{x}/{y}.mvt")));
        Assert.Equal(zone, zoneFeature.Text("id"));
        Assert.Equal("FORECAST", zoneFeature.Text("kind"));
        Assert.Equal("FLOOD", zoneFeature.Text("hazard"));
        Assert.Equal("ACTIVE", zoneFeature.Text("status"));
        Assert.Equal(1.0, zoneFeature.Attributes["version"]);
        Assert.Equal(MvtFeature.Polygon, zoneFeature.Type);
        Assert.Equal("RADIATION", Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/dangerous-objects/{Z}/{x}/{y}.mvt"))).Text("hazard_class"));
        var incidentFeature = Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/incidents/{Z}/{x}/{y}.mvt")));
        Assert.Equal(incident, incidentFeature.Text("id"));
        Assert.Equal("RECEIVED", incidentFeature.Text("status"));
        Assert.Equal(await api.ScalarAsync<long>($"SELECT number FROM incidents WHERE id = '{incident}'"), (long)incidentFeature.Id!.Value);
        var unitFeature = Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/units/{Z}/{x}/{y}.mvt")));
        Assert.Equal(unit, unitFeature.Text("id"));
        Assert.Equal("FIRE", unitFeature.Text("profile"));
        Assert.Equal("AVAILABLE", unitFeature.Text("status"));
        Assert.Equal(true, unitFeature.Attributes["stale"]); // no fix yet
        Assert.Equal(MvtFeature.Point, unitFeature.Type);
        var territory = Layer(await GetAsync(api.GraphQL.Http, $"/tiles/territories/{Z}/{x}/{y}.mvt"));
        Assert.Contains(territory, f => f.Text("level") == "DISTRICT" && f.Text("regime") == "DAILY" && f.Text("name_kk") is { Length: > 0 });
        Assert.All(territory, f => Assert.Equal(ulong.Parse(f.Text("id")!, System.Globalization.CultureInfo.InvariantCulture), f.Id));

        // A fix makes the unit current, and the point sits where the fix says in tile coordinates.
        await seed.ReportAsync((unit, p[0] + 0.001, p[1] + 0.001, DateTime.UtcNow));
        var moved = Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/units/{Z}/{x}/{y}.mvt")));
        Assert.Equal(false, moved.Attributes["stale"]);
        var expected = PixelOf(p[0] + 0.001, p[1] + 0.001, x, y);
        var point = Assert.Single(moved.Points);
        Assert.InRange(point.X, expected.X - 1, expected.X + 1);
        Assert.InRange(point.Y, expected.Y - 1, expected.Y + 1);
    }

    [Fact]
    public async Task Polygons_are_clipped_to_the_tile_plus_its_buffer()
    {
        var seed = new Seed(api.GraphQL);
        var p = Place();
        var (x, y) = TileMath.TileOf(p[0], p[1], Z);
        // 0.2° across: several z12 tiles (0.088° wide) in every direction.
        var zone = await seed.ZoneAsync(Seed.Square(p[0], p[1], 0.1));

        var feature = Assert.Single(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/zones/{Z}/{x}/{y}.mvt")), f => f.Text("id") == zone);

        var points = feature.Points.ToList();
        Assert.All(points, pt =>
        {
            Assert.InRange(pt.X, -64, 4096 + 64);
            Assert.InRange(pt.Y, -64, 4096 + 64);
        });
        // The tile lies wholly inside the square, so what remains is exactly the buffered tile.
        Assert.Equal(-64, points.Min(pt => pt.X));
        Assert.Equal(4096 + 64, points.Max(pt => pt.X));
        Assert.Equal(-64, points.Min(pt => pt.Y));
        Assert.Equal(4096 + 64, points.Max(pt => pt.Y));
    }

    [Fact]
    public async Task The_etag_changes_exactly_when_something_in_the_tile_changes()
    {
        // Arrange: zone A in tile A, zone B in a tile far away; one unit in each.
        var seed = new Seed(api.GraphQL);
        var a = Place();
        double[] b = [a[0] + 1, a[1] + 1];
        var tileA = TileMath.TileOf(a[0], a[1], Z);
        var tileB = TileMath.TileOf(b[0], b[1], Z);
        var zoneA = await seed.ZoneAsync(Seed.Square(a[0], a[1], 0.004));
        var zoneB = await seed.ZoneAsync(Seed.Square(b[0], b[1], 0.004));
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        var unitA = await seed.UnitAsync(service, a);
        var unitB = await seed.UnitAsync(service, b);
        var zonesA = $"/tiles/zones/{Z}/{tileA.X}/{tileA.Y}.mvt";
        var zonesB = $"/tiles/zones/{Z}/{tileB.X}/{tileB.Y}.mvt";
        var unitsA = $"/tiles/units/{Z}/{tileA.X}/{tileA.Y}.mvt";
        var http = api.GraphQL.Http;

        var first = await GetAsync(http, zonesA);
        var firstB = await GetAsync(http, zonesB);
        var firstUnits = await GetAsync(http, unitsA);
        Assert.Equal(["no-cache", "private"], first.CacheControl!.Split(", ").Order());
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(http, zonesA, first.ETag)).Status);

        // A change elsewhere: tile A unchanged, tile B changed.
        await RedrawAsync(zoneB, Seed.Square(b[0] + 0.001, b[1], 0.004));
        await seed.ReportAsync((unitB, b[0] + 0.001, b[1], DateTime.UtcNow));
        var unchanged = await GetAsync(http, zonesA, first.ETag);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.Status);
        Assert.Equal(first.ETag, unchanged.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(http, unitsA, firstUnits.ETag)).Status);
        Assert.NotEqual(firstB.ETag, (await GetAsync(http, zonesB)).ETag);

        // A change inside: the zone is redrawn within tile A, then moved out of it.
        await RedrawAsync(zoneA, Seed.Square(a[0] + 0.001, a[1], 0.004));
        var redrawn = await GetAsync(http, zonesA, first.ETag);
        Assert.Equal(HttpStatusCode.OK, redrawn.Status);
        Assert.NotEqual(first.ETag, redrawn.ETag);
        Assert.Equal(2.0, Assert.Single(Layer(redrawn), f => f.Text("id") == zoneA).Attributes["version"]);

        await RedrawAsync(zoneA, Seed.Square(a[0] + 2, a[1], 0.004));
        var left = await GetAsync(http, zonesA, redrawn.ETag);
        Assert.Equal(HttpStatusCode.OK, left.Status);
        Assert.DoesNotContain(Layer(left), f => f.Text("id") == zoneA);

        // A unit moving inside its tile changes the units tile; its status too.
        await seed.ReportAsync((unitA, a[0] + 0.001, a[1], DateTime.UtcNow));
        var afterFix = await GetAsync(http, unitsA, firstUnits.ETag);
        Assert.Equal(HttpStatusCode.OK, afterFix.Status);
        await api.GraphQL.QueryAsync("mutation ($u: ID!) { setUnitStatus(unit: $u, status: OUT_OF_SERVICE) { status } }", new { u = unitA });
        var afterStatus = await GetAsync(http, unitsA, afterFix.ETag);
        Assert.Equal(HttpStatusCode.OK, afterStatus.Status);
        Assert.Equal("OUT_OF_SERVICE", Assert.Single(Layer(afterStatus)).Text("status"));
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(http, unitsA, afterStatus.ETag)).Status);
    }

    [Fact]
    public async Task Out_of_scope_features_are_absent_and_the_scope_has_its_own_etag()
    {
        var seed = new Seed(api.GraphQL);
        var p = Place();
        var (x, y) = TileMath.TileOf(p[0], p[1], Z);
        var zone = await seed.ZoneAsync(Seed.Square(p[0], p[1], 0.004));
        var inCity = await seed.ZoneAsync(Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.002));
        var cityTile = TileMath.TileOf(Seed.InCity[0], Seed.InCity[1], Z);
        using var city = api.Client(api.Tokens.Issue("city-viewer", Role.Viewer, [Seed.AlmatyCity]));

        var theirs = await GetAsync(city.Http, $"/tiles/zones/{Z}/{x}/{y}.mvt");
        var ours = await GetAsync(api.GraphQL.Http, $"/tiles/zones/{Z}/{x}/{y}.mvt");

        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Empty(Layer(theirs));
        Assert.Contains(Layer(ours), f => f.Text("id") == zone);
        Assert.NotEqual(ours.ETag, theirs.ETag);
        // Their own city is there, and their 304 does not answer for another scope.
        Assert.Contains(Layer(await GetAsync(city.Http, $"/tiles/zones/{Z}/{cityTile.X}/{cityTile.Y}.mvt")), f => f.Text("id") == inCity);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(api.GraphQL.Http, $"/tiles/zones/{Z}/{x}/{y}.mvt", theirs.ETag)).Status);

        // Territories: only the city and its districts.
        var (tx, ty) = TileMath.TileOf(Seed.InCity[0], Seed.InCity[1], 7);
        var territories = Layer(await GetAsync(city.Http, $"/tiles/territories/7/{tx}/{ty}.mvt"));
        Assert.NotEmpty(territories);
        Assert.All(territories, f => Assert.StartsWith("75", f.Text("id"), StringComparison.Ordinal));
        Assert.Contains(Layer(await GetAsync(api.GraphQL.Http, $"/tiles/territories/7/{tx}/{ty}.mvt")), f => f.Text("id") == Seed.AlmatyRegion);
    }

    [Fact]
    public async Task A_regime_declared_for_a_region_colours_its_districts_and_changes_only_their_tiles()
    {
        // Atyrau region (no other test declares regimes there) and, far away, Almaty.
        const string Region = "230000000";
        var (ax, ay) = TileMath.TileOf(51.88, 47.10, 7);
        var (bx, by) = TileMath.TileOf(Seed.InCity[0], Seed.InCity[1], 7);
        var atyrau = $"/tiles/territories/7/{ax}/{ay}.mvt";
        var almaty = $"/tiles/territories/7/{bx}/{by}.mvt";
        var before = await GetAsync(api.GraphQL.Http, atyrau);
        var elsewhere = await GetAsync(api.GraphQL.Http, almaty);
        Assert.All(Layer(before).Where(f => f.Text("parent") == Region), f => Assert.Equal("DAILY", f.Text("regime")));

        await DeclareAsync(Region, "EMERGENCY");
        try
        {
            var after = await GetAsync(api.GraphQL.Http, atyrau, before.ETag);

            Assert.Equal(HttpStatusCode.OK, after.Status);
            var districts = Layer(after).Where(f => f.Text("parent") == Region).ToList();
            Assert.NotEmpty(districts);
            Assert.All(districts, f => Assert.Equal(("EMERGENCY", "DAILY"), (f.Text("regime"), f.Text("own_regime"))));
            Assert.Equal("EMERGENCY", Assert.Single(Layer(after), f => f.Text("id") == Region).Text("own_regime"));
            Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(api.GraphQL.Http, almaty, elsewhere.ETag)).Status);
        }
        finally
        {
            await DeclareAsync(Region, "DAILY");
        }
    }

    [Fact]
    public async Task Past_the_feature_limit_a_tile_keeps_the_layers_priority_order()
    {
        await using var service = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Tiles:MaxFeaturesPerTile"] = "3" });
        using var http = new HttpClient { BaseAddress = new Uri(service.Urls.First()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.OfficerToken);
        var seed = new Seed(api.GraphQL);
        var p = Place();
        var (x, y) = TileMath.TileOf(p[0], p[1], Z);
        var incidents = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            incidents.Add(await seed.IncidentAsync([p[0] + i * 0.0005, p[1]]));
        }

        var kept = Layer(await GetAsync(http, $"/tiles/incidents/{Z}/{x}/{y}.mvt")).Select(f => f.Text("id")).ToList();

        // Open incidents first, the most recently received first.
        Assert.Equal(3, kept.Count);
        Assert.Equal(incidents.TakeLast(3).Order(), kept.Order());
    }

    [Theory]
    [InlineData("/tiles/zones/23/0/0.mvt", 400)]
    [InlineData("/tiles/zones/3/8/0.mvt", 400)]
    [InlineData("/tiles/zones/3/0/-1.mvt", 400)]
    [InlineData("/tiles/zones/a/0/0.mvt", 400)]
    [InlineData("/tiles/zones/1/0/0x1.mvt", 400)]
    [InlineData("/tiles/emergency_zones/1/0/0.mvt", 404)]
    [InlineData("/tiles/units/2/2/1.mvt", 404)]
    [InlineData("/tiles/nope.json", 404)]
    public async Task Bad_tile_addresses_are_refused(string path, int status)
    {
        var response = await api.GraphQL.Http.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(status == 400 ? "BAD_USER_INPUT" : "NOT_FOUND", body["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tiles_need_a_reader_token_unless_anonymous_reading_is_on()
    {
        using var anonymous = api.Client(null);
        using var ingest = api.Client(api.Tokens.Issue("feeder", Role.Ingest, ["*"], sources: ["avl"]));
        using var invalid = api.Client("not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/tiles/zones/5/22/11.mvt")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.Http.GetAsync("/tiles/zones/5/22/11.mvt")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await invalid.Http.GetAsync("/tiles/zones/5/22/11.mvt")).StatusCode);
    }

    [Fact]
    public async Task TileJson_describes_each_layer_and_points_at_its_tiles()
    {
        var index = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync("/tiles"))!;
        Assert.Equal(6, index["layers"]!.AsArray().Count);

        var doc = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync("/tiles/units.json"))!;

        Assert.Equal("3.0.0", doc["tilejson"]!.GetValue<string>());
        Assert.Equal($"{api.BaseAddress.ToString().TrimEnd('/')}/tiles/units/{{z}}/{{x}}/{{y}}.mvt", doc["tiles"]![0]!.GetValue<string>());
        Assert.Equal(6, doc["minzoom"]!.GetValue<int>());
        var layer = doc["vector_layers"]![0]!;
        Assert.Equal("units", layer["id"]!.GetValue<string>());
        Assert.Equal(["id", "call_sign", "profile", "status", "stale", "at", "heading", "service"], layer["fields"]!.AsObject().Select(f => f.Key));
        var bounds = doc["bounds"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.InRange(bounds[0], 46, 47);
        Assert.InRange(bounds[3], 55, 56);
    }

    [Fact]
    public async Task Tiles_are_compressed_when_the_client_accepts_it()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.OfficerToken);
        foreach (var encoding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/tiles/territories/5/22/11.mvt");
            request.Headers.AcceptEncoding.ParseAdd(encoding);

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        }
    }

    private async Task DeclareAsync(string territory, string regime) =>
        await api.GraphQL.QueryAsync("mutation ($t: String!, $r: Regime!) { declareRegime(territory: $t, regime: $r, basis: \"tile test\") { id } }",
            new { t = territory, r = regime });

    private async Task RedrawAsync(string zone, object geometry) =>
        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }", new { z = zone, g = geometry });

    internal static IReadOnlyList<MvtFeature> Layer(TileResponse tile) => Mvt.Decode(tile.Body).SingleOrDefault()?.Features ?? [];

    private static (int X, int Y) PixelOf(double lon, double lat, int x, int y)
    {
        var n = 1 << Z;
        var fx = (lon + 180) / 360 * n;
        var r = lat * Math.PI / 180;
        var fy = (1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n;
        return ((int)Math.Round((fx - x) * 4096), (int)Math.Round((fy - y) * 4096));
    }

    internal sealed record TileResponse(HttpStatusCode Status, byte[] Body, string? ETag, string? CacheControl, string? ContentType);

    internal static async Task<TileResponse> GetAsync(HttpClient http, string path, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var response = await http.SendAsync(request);
        return new TileResponse(response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag?.ToString(),
            response.Headers.CacheControl?.ToString(), response.Content.Headers.ContentType?.MediaType);
    }
}
