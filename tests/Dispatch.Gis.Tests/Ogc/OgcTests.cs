using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Ogc;

/// <summary>OGC API – Features at /ogc, read by hand and by a real client: GDAL's OAPIF driver (Debian gdal-bin).</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class OgcTests(ApiFixture api)
{
    private static readonly string[] Collections = ["territories", "zones", "dangerous-objects", "units", "incidents", "stations", "public-warnings"];

    [Fact]
    public async Task Landing_page_conformance_and_collections_link_to_each_other_with_rel_and_type()
    {
        var http = api.GraphQL.Http;

        var landing = JsonNode.Parse(await http.GetStringAsync("/ogc"))!;
        var conformance = JsonNode.Parse(await http.GetStringAsync("/ogc/conformance"))!;
        var collections = JsonNode.Parse(await http.GetStringAsync("/ogc/collections"))!;
        var openApi = JsonNode.Parse(await http.GetStringAsync("/ogc/api"))!;

        var rels = landing["links"]!.AsArray().ToDictionary(l => l!["rel"]!.GetValue<string>(), l => l!);
        Assert.Equal(["self", "service-desc", "conformance", "data"], rels.Keys);
        Assert.Equal(api.BaseAddress + "ogc/collections", rels["data"]["href"]!.GetValue<string>());
        Assert.Equal("application/json", rels["data"]["type"]!.GetValue<string>());
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core", conformance["conformsTo"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson", conformance["conformsTo"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(Collections, collections["collections"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
        var units = collections["collections"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "units")!;
        Assert.Equal("application/geo+json", units["links"]!.AsArray().Single(l => l!["rel"]!.GetValue<string>() == "items")!["type"]!.GetValue<string>());
        Assert.NotNull(units["extent"]!["temporal"]);
        Assert.Null(collections["collections"]![0]!["extent"]!["temporal"]);
        Assert.NotNull(openApi["paths"]!["/collections/zones/items"]);
        Assert.Equal("NOT_FOUND", JsonNode.Parse(await (await http.GetAsync("/ogc/collections/emergency_zones")).Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Items_page_by_keyset_with_next_links_and_count_what_the_filters_select()
    {
        // Arrange: five incidents in a place of their own.
        var seed = new Seed(api.GraphQL);
        double[] c = [63.0 + Random.Shared.NextDouble(), 50.5];
        for (var i = 0; i < 5; i++)
        {
            await seed.IncidentAsync([c[0] + i * 0.001, c[1]]);
        }

        var bbox = FormattableString.Invariant($"{c[0] - 0.01},{c[1] - 0.01},{c[0] + 0.01},{c[1] + 0.01}");
        var ids = new List<string>();
        var url = $"/ogc/collections/incidents/items?bbox={bbox}&limit=2";
        JsonNode page;
        var pages = 0;

        // Act: follow next links to the end.
        do
        {
            using var response = await api.GraphQL.Http.GetAsync(url);
            Assert.Equal("application/geo+json", response.Content.Headers.ContentType!.MediaType);
            page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("FeatureCollection", page["type"]!.GetValue<string>());
            Assert.Equal(5, page["numberMatched"]!.GetValue<long>());
            Assert.Equal(page["features"]!.AsArray().Count, page["numberReturned"]!.GetValue<int>());
            ids.AddRange(page["features"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()));
            var next = page["links"]!.AsArray().FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next");
            url = next?["href"]!.GetValue<string>()!;
            pages++;
        }
        while (url is not null);

        // Assert
        Assert.Equal(3, pages);
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        var one = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/incidents/items/{ids[0]}"))!;
        Assert.Equal(ids[0], one["id"]!.GetValue<string>());
        Assert.Equal("RECEIVED", one["properties"]!["status"]!.GetValue<string>());
        Assert.Equal("Point", one["geometry"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Datetime_filters_collections_with_time_and_bad_parameters_are_400()
    {
        var seed = new Seed(api.GraphQL);
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        double[] c = [64.5 + Random.Shared.NextDouble(), 51.0];
        var unit = await seed.UnitAsync(service, c);
        var at = DateTime.UtcNow.AddMinutes(-30);
        await seed.ReportAsync((unit, c[0], c[1], at));
        var box = FormattableString.Invariant($"{c[0] - 0.01},{c[1] - 0.01},{c[0] + 0.01},{c[1] + 0.01}");

        async Task<int> CountAsync(string datetime) =>
            JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/units/items?bbox={box}&datetime={Uri.EscapeDataString(datetime)}"))!
                ["numberMatched"]!.GetValue<int>();

        Assert.Equal(1, await CountAsync($"{at.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}/{at.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(1, await CountAsync($"../{at.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"));
        Assert.Equal(0, await CountAsync($"{at.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}/.."));
        foreach (var bad in new[] { "/ogc/collections/units/items?datetime=yesterday", "/ogc/collections/territories/items?datetime=2024-01-01T00:00:00Z",
                     "/ogc/collections/units/items?bbox=1,2,3", "/ogc/collections/units/items?limit=0", "/ogc/collections/units/items?colour=red",
                     "/ogc/collections/units/items?after=not-a-uuid", "/ogc/collections/units/items?f=html" })
        {
            using var response = await api.GraphQL.Http.GetAsync(bad);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.GraphQL.Http.GetAsync($"/ogc/collections/units/items/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Items_honour_the_token_scope()
    {
        var seed = new Seed(api.GraphQL);
        double[] c = [65.5 + Random.Shared.NextDouble(), 50.0];
        var zone = await seed.ZoneAsync(Seed.Square(c[0], c[1], 0.002));
        using var city = api.Client(api.Tokens.Issue("city-viewer", Role.Viewer, [Seed.AlmatyCity]));
        using var anonymous = api.Client(null);

        var mine = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/zones/items/{zone}"))!;
        using var theirs = await city.Http.GetAsync($"/ogc/collections/zones/items/{zone}");
        var theirList = JsonNode.Parse(await city.Http.GetStringAsync("/ogc/collections/territories/items?limit=1000"))!;

        Assert.Equal(zone, mine["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.All(theirList["features"]!.AsArray(), f => Assert.StartsWith("75", f!["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/ogc/collections/zones/items")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/ogc/collections")).StatusCode); // metadata is public
    }

    [Fact]
    public async Task Gdal_lists_the_collections_and_copies_one_into_a_geopackage_with_every_feature()
    {
        // GDAL sends no token, so it reads from an instance where anonymous reading is on (as in Development).
        await using var service = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Auth:AllowAnonymousRead"] = "true" });
        var ogc = $"OAPIF:{service.Urls.First().TrimEnd('/')}/ogc";
        var gpkg = Path.Combine(Path.GetTempPath(), $"dispatch-{Guid.NewGuid():N}.gpkg");
        try
        {
            var listing = await RunAsync("ogrinfo", "-ro", "-q", ogc);
            // Page size 100 with 244 territories: GDAL has to follow the next links.
            await RunAsync("ogr2ogr", "-f", "GPKG", gpkg, ogc, "territories");
            var copied = await RunAsync("ogrinfo", "-ro", "-so", gpkg, "territories");

            foreach (var id in Collections)
            {
                Assert.Contains($": {id} (", listing, StringComparison.Ordinal);
            }

            var truth = await api.ScalarAsync<long>("SELECT count(*) FROM territories");
            Assert.Contains($"Feature Count: {truth}", copied, StringComparison.Ordinal);
            Assert.Contains("Multi Polygon", copied, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(gpkg);
        }
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var path = $"/usr/bin/{tool}";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: ./test.sh installs Debian's gdal-bin package");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {await error}");
        return await output;
    }
}
