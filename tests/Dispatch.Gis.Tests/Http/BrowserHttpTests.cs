using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Xunit;

namespace Dispatch.Gis.Tests.Http;

/// <summary>What browsers need of the HTTP layer: CORS for configured origins, compression, conditional GET.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class BrowserHttpTests(ApiFixture api)
{
    private const string Query = "{ territories(level: REGION) { totalCount nodes { kato } } }";

    [Fact]
    public async Task A_page_on_another_loopback_port_calls_the_api_only_when_its_origin_is_configured()
    {
        // Arrange: a page server on its own port, and a service instance that lists exactly that origin.
        await using var pages = await StartPageServerAsync();
        var allowed = pages.Urls.First().TrimEnd('/');
        var other = allowed.Replace("127.0.0.1", "localhost", StringComparison.Ordinal); // same server, another origin
        await using var service = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Http:CorsOrigins:0"] = allowed });
        var apiBase = service.Urls.First().TrimEnd('/');
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        const string Script = """
            async ([api, token, query]) => {
              try {
                const post = await fetch(api + '/graphql', { method: 'POST', body: JSON.stringify({ query }),
                  headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token } });
                const tile = await fetch(api + '/tiles/territories/5/22/11.mvt', { headers: { Authorization: 'Bearer ' + token } });
                return { ok: true, count: (await post.json()).data.territories.totalCount, tile: tile.status, etag: tile.headers.get('ETag') };
              } catch (e) { return { ok: false, error: String(e) }; }
            }
            """;

        // Act: a real cross-origin POST (with its preflight, since it carries Authorization) and a tile GET.
        await page.GotoAsync(allowed + "/");
        var fromAllowed = await page.EvaluateAsync<JsonElement>(Script, new object[] { apiBase, api.OfficerToken, Query });
        await page.GotoAsync(other + "/");
        var fromOther = await page.EvaluateAsync<JsonElement>(Script, new object[] { apiBase, api.OfficerToken, Query });

        // Assert
        Assert.True(fromAllowed.GetProperty("ok").GetBoolean(), fromAllowed.ToString());
        Assert.Equal(20, fromAllowed.GetProperty("count").GetInt32());
        Assert.Equal(200, fromAllowed.GetProperty("tile").GetInt32());
        Assert.StartsWith("W/\"", fromAllowed.GetProperty("etag").GetString(), StringComparison.Ordinal); // exposed to scripts
        Assert.False(fromOther.GetProperty("ok").GetBoolean());
        Assert.Contains("Failed to fetch", fromOther.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_answers_configured_origins_with_the_headers_the_api_takes_and_never_credentials()
    {
        const string Origin = "https://map.example.kz";
        await using var service = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:Http:CorsOrigins:0"] = Origin });
        using var http = new HttpClient { BaseAddress = new Uri(service.Urls.First()) };

        using var ok = await http.SendAsync(Preflight(Origin));
        using var refused = await http.SendAsync(Preflight("https://evil.example"));

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(Origin, Assert.Single(ok.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowedHeaders = string.Join(",", ok.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", allowedHeaders, StringComparison.Ordinal);
        Assert.Contains("content-type", allowedHeaders, StringComparison.Ordinal);
        Assert.Equal("600", Assert.Single(ok.Headers.GetValues("Access-Control-Max-Age")));
        Assert.False(ok.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        // Without a configured origin (the shared test server) nothing is allowed.
        using var none = await api.GraphQL.Http.SendAsync(Preflight(Origin));
        Assert.False(none.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Credentials_with_any_origin_are_refused_at_start()
    {
        var start = ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:Http:CorsOrigins:0"] = "*",
            ["Dispatch:Http:CorsAllowCredentials"] = "true",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => start);
        Assert.Contains("CorsAllowCredentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_queries_carry_an_etag_and_revalidate_to_304_until_the_answer_changes()
    {
        var http = api.GraphQL.Http;
        var box = $"[{Seed.InCity[0] - 0.001}, {Seed.InCity[1] - 0.001}, {Seed.InCity[0] + 0.001}, {Seed.InCity[1] + 0.001}]";
        var url = "/graphql?query=" + Uri.EscapeDataString($"{{ zones(bbox: {box}) {{ totalCount }} }}");

        using var first = await http.GetAsync(url);
        var etag = first.Headers.ETag!.ToString();
        using var again = await SendAsync(http, url, etag);
        await new Seed(api.GraphQL).ZoneAsync(Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.0005));
        using var changed = await SendAsync(http, url, etag);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("W/\"", etag, StringComparison.Ordinal);
        Assert.Equal(["no-cache", "private"], first.Headers.CacheControl!.ToString().Split(", ").Order());
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.ToString());
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Responses_are_compressed_when_the_client_accepts_it(string encoding)
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.OfficerToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query = "{ territories(level: DISTRICT, first: 300) { nodes { kato nameKk nameRu nameEn geometry(simplifyMeters: 2000) } } }" }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.AcceptEncoding.ParseAdd(encoding);

        using var response = await http.SendAsync(request);
        var compressed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        using var plain = await api.GraphQL.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(await request.Content!.ReadAsStringAsync(), Encoding.UTF8, "application/json") });
        Assert.True(compressed.Length * 2 < (await plain.Content.ReadAsByteArrayAsync()).Length, "compression should at least halve a page of outlines");
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string url, string ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await http.SendAsync(request);
    }

    private static async Task<WebApplication> StartPageServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content("<!doctype html><title>another origin</title><p>a page elsewhere</p>", "text/html"));
        await app.StartAsync();
        return app;
    }
}
