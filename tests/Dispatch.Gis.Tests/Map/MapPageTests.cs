using System.Diagnostics;
using System.Text.Json;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Map;

/// <summary>The operator map in headless Chromium (WebGL renders here), against the real server and its live feeds.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class MapPageTests(ApiFixture api, ITestOutputHelper output)
{
    [Fact]
    public async Task The_map_loads_its_layers_shows_a_new_zone_within_2_s_follows_a_unit_and_switches_language()
    {
        // Arrange: a unit west of where a zone will be, in a place of its own.
        var seed = new Seed(api.GraphQL);
        double[] p = [61.0 + Random.Shared.NextDouble() * 3, 47.0 + Random.Shared.NextDouble()];
        var first = await seed.ZoneAsync(Seed.Square(p[0] + 0.01, p[1] + 0.01, 0.004), "POTENTIAL", "FLOOD");
        var (service, _, _) = await seed.ServiceAsync(Seed.AlmatyRegion, "POLICE");
        var unit = await seed.UnitAsync(service, [p[0] - 0.01, p[1]]);
        await seed.ReportAsync((unit, p[0] - 0.01, p[1], DateTime.UtcNow));
        // A hydro post with a danger level of its own, fed through a PUSH feed, still without a reading.
        var admin = api.Client(api.Tokens.Issue("test-admin", Dispatch.Gis.Auth.Role.Admin, ["*"], "Test Admin"));
        var postCode = Seed.Unique("MAP-POST").ToUpperInvariant();
        var postFeed = Seed.Unique("F-MAP").ToUpperInvariant();
        var post = (await admin.QueryAsync("mutation ($i: StationInput!) { upsertStation(input: $i) { id } }", new
        {
            i = new
            {
                code = postCode, name = "Map post", @operator = "Test operator", kind = "HYDRO_POST", location = Seed.Point(p[0] - 0.005, p[1] + 0.002),
                parameters = new[] { "WATER_LEVEL" }, thresholds = new[] { new { parameter = "WATER_LEVEL", level = "HIGH", value = 500.0, validFrom = "2020-01-01", verified = false } },
            },
        }))["upsertStation"]!["id"]!.GetValue<string>();
        await admin.QueryAsync("mutation ($i: FeedInput!) { upsertFeed(input: $i) { id } }",
            new { i = new { code = postFeed, name = "Map feed", format = "PUSH", silenceSeconds = 86400 } });
        await using var browser = await Browser.LaunchAsync();
        await browser.Context.AddInitScriptAsync($"sessionStorage.setItem('dispatch.map.token', {JsonSerializer.Serialize(api.OfficerToken)});");
        var page = await browser.Context.NewPageAsync();
        var hub = api.Services.GetRequiredService<Dispatch.Gis.Events.EventHub>();
        var subscribers = hub.SubscriberCount;
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);

        // Act 1: open the map over the place.
        await page.GotoAsync($"{api.BaseAddress.ToString().TrimEnd('/')}/map#14/{p[1]}/{p[0]}");
        await page.WaitForFunctionAsync("() => window.dispatchMap?.state.ready && document.getElementById('live').dataset.state === 'live'",
            null, new PageWaitForFunctionOptions { Timeout = 20_000 });
        await WaitForRenderedAsync(page, "zones-fill", first, 15_000);
        await page.WaitForFunctionAsync("() => window.dispatchMap.map.areTilesLoaded()", null, new PageWaitForFunctionOptions { Timeout = 15_000 });

        // Assert 1: every layer's tiles arrived, our zone and unit are drawn.
        foreach (var source in new[] { "territories", "zones", "units" })
        {
            var count = await page.EvaluateAsync<int>($"() => window.dispatchMap.map.querySourceFeatures('{source}', {{ sourceLayer: '{source}' }}).length");
            Assert.True(count > 0, $"no {source} features on the map");
        }

        Assert.True(await RenderedAsync(page, "units-point", unit));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ArtefactPath("map-loaded.png") });

        // The page's event subscriptions (zoneChanges, alerts, and events for objects, stations and public warnings) are registered.
        for (var i = 0; i < 100 && hub.SubscriberCount < subscribers + 5; i++)
        {
            await Task.Delay(50);
        }

        // Act 2: a zone drawn through the API, around the unit's way east.
        var clock = Stopwatch.StartNew();
        var zone = await seed.ZoneAsync(Seed.Square(p[0] + 0.003, p[1], 0.004), "ACTUAL", "CHEMICAL");
        await WaitForRenderedAsync(page, "zones-fill", zone, 2_000);
        output.WriteLine($"zone on the map {clock.ElapsedMilliseconds} ms after createZone returned");

        // Act 2b: a public warning issued through the API shows in its layer, live.
        var warning = await seed.PublicWarningAsync(new { polygon = Seed.Square(p[0] - 0.012, p[1] + 0.006, 0.002) }, "EXTREME");
        await WaitForRenderedAsync(page, "public-warnings-fill", warning, 5_000);

        // Act 3: the unit crosses into it; its new position and the crossing reach the page without a reload.
        await seed.ReportAsync((unit, p[0] + 0.003, p[1], DateTime.UtcNow));
        await page.WaitForFunctionAsync("""
            ([id, lon, lat]) => window.dispatchMap.map.querySourceFeatures('units', { sourceLayer: 'units' })
                .some(f => f.properties.id === id && Math.abs(f.geometry.coordinates[0] - lon) < 1e-4 && Math.abs(f.geometry.coordinates[1] - lat) < 1e-4)
            """, new object[] { unit, p[0] + 0.003, p[1] }, new PageWaitForFunctionOptions { Timeout = 5_000 });
        await page.WaitForFunctionAsync("id => window.dispatchMap.state.received.some(e => e.kind === 'UNIT_ENTERED_ZONE' && e.entityId === id)",
            unit, new PageWaitForFunctionOptions { Timeout = 5_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ArtefactPath("map-live.png") });

        // Act 3b: the post's first reading is past its danger level; it repaints as HIGH without a reload.
        await WaitForRenderedAsync(page, "stations-point", post, 5_000);
        await api.GraphQL.QueryAsync("mutation ($f: String!, $o: [ObservationInput!]!) { reportObservations(feed: $f, observations: $o) { stored } }",
            new { f = postFeed, o = new[] { new { station = postCode, parameter = "WATER_LEVEL", observedAt = DateTime.UtcNow.ToString("O"), value = 620.0, unit = "cm" } } });
        await page.WaitForFunctionAsync("id => window.dispatchMap.map.queryRenderedFeatures({ layers: ['stations-point'] }).some(f => f.properties.id === id && f.properties.level === 'HIGH')",
            post, new PageWaitForFunctionOptions { Timeout = 5_000, PollingInterval = 50 });

        // Act 4: a click on the new zone opens its card with a link to its query in GraphiQL.
        var at = await page.EvaluateAsync<JsonElement>("([lon, lat]) => { const p = window.dispatchMap.map.project([lon, lat]); const r = window.dispatchMap.map.getCanvas().getBoundingClientRect(); return { x: r.left + p.x, y: r.top + p.y }; }",
            new object[] { p[0] + 0.005, p[1] + 0.002 });
        await page.Mouse.ClickAsync(at.GetProperty("x").GetSingle(), at.GetProperty("y").GetSingle());
        var link = page.Locator("#card a");
        await link.WaitForAsync(new LocatorWaitForOptions { Timeout = 5_000 });
        Assert.Contains("/graphiql?query=", await link.GetAttributeAsync("href"), StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(zone), await link.GetAttributeAsync("href"), StringComparison.Ordinal);

        // Act 5: the search box finds the unit by call sign (through GraphQL) and the map goes there.
        var callSign = (await api.GraphQL.QueryAsync("query ($u: ID!) { unit(id: $u) { callSign } }", new { u = unit }))["unit"]!["callSign"]!.GetValue<string>();
        await page.EvaluateAsync("() => { window.dispatchMap.map.jumpTo({ center: [70, 50], zoom: 5 }); }");
        await page.FillAsync("#search", callSign);
        await page.Locator("#search-results li", new PageLocatorOptions { HasText = callSign }).ClickAsync(new LocatorClickOptions { Timeout = 5_000 });
        await page.WaitForFunctionAsync("([lon, lat]) => { const c = window.dispatchMap.map.getCenter(); return Math.abs(c.lng - lon) < 1e-3 && Math.abs(c.lat - lat) < 1e-3; }",
            new object[] { p[0] + 0.003, p[1] }, new PageWaitForFunctionOptions { Timeout = 5_000 });

        // Act 6: Kazakh, then Russian.
        await page.ClickAsync("button[data-language=kk]");
        Assert.Equal("112 жедел картасы", await page.TextContentAsync("header h1"));
        Assert.Contains("ТЖ аймақтары", await page.TextContentAsync("#layers"), StringComparison.Ordinal);
        Assert.Equal("kk", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ArtefactPath("map-kk.png") });
        await page.ClickAsync("button[data-language=ru]");
        Assert.Equal("Оперативная карта 112", await page.TextContentAsync("header h1"));
        Assert.Contains("Фактическая", await page.TextContentAsync("#legend"), StringComparison.Ordinal);

        Assert.Empty(errors);
    }

    private static async Task<bool> RenderedAsync(IPage page, string layer, string id) =>
        await page.EvaluateAsync<bool>("([layer, id]) => window.dispatchMap.map.queryRenderedFeatures({ layers: [layer] }).some(f => f.properties.id === id)",
            new object[] { layer, id });

    private static async Task WaitForRenderedAsync(IPage page, string layer, string id, int timeoutMs) =>
        await page.WaitForFunctionAsync("([layer, id]) => window.dispatchMap.map.queryRenderedFeatures({ layers: [layer] }).some(f => f.properties.id === id)",
            new object[] { layer, id }, new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 50 });
}
