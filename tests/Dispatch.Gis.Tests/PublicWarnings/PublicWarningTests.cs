using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.PublicWarnings;

/// <summary>
/// Public warnings end to end: GraphQL mutations as a 112 officer, CAP and Atom fetched over real HTTP without a token,
/// every message checked against the shipped CAP 1.2 schema and the aggregators' area rules.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class PublicWarningTests(ApiFixture api)
{
    private const string Message = "identifier sender sent msgType status references capPath capXml zoneVersion expires polygons geocodes texts { language headline areaDesc }";
    private const string Warning = $"id state areaSource zoneId territoryKato current {{ {Message} }} pendingDraft {{ {Message} }} messages {{ identifier status msgType }}";

    [Fact]
    public async Task Alert_update_cancel_is_a_chain_each_served_as_valid_CAP_naming_what_it_replaces()
    {
        using var anonymous = api.Client(null);
        var input = new
        {
            area = new { polygon = Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.01) },
            @event = "Flood", category = "MET", urgency = "IMMEDIATE", severity = "SEVERE", certainty = "LIKELY", responseType = "EVACUATE",
            kk = new { headline = "Су тасқыны қаупі", description = "Өзен деңгейі көтерілуде.", instruction = "Биік жерге көшіңіз." },
            ru = new { headline = "Угроза паводка", description = "Уровень реки растёт.", instruction = "Поднимитесь на возвышенность." },
            en = new { headline = "Flood danger", description = "The river is rising.", instruction = "Move to higher ground.", areaDesc = "Almaty, Almaly" },
            effective = DateTime.UtcNow.AddMinutes(-1).ToString("O"),
            expires = DateTime.UtcNow.AddHours(6).ToString("O"),
        };

        // Alert
        var issued = (await api.GraphQL.QueryAsync($"mutation ($i: PublicWarningInput!) {{ issuePublicWarning(input: $i) {{ {Warning} }} }}", new { i = input }))
            ["issuePublicWarning"]!;
        var id = issued["id"]!.GetValue<string>();
        var alert = await FetchAsync(anonymous, issued["current"]!);
        Assert.Equal("Alert", CapAssert.Text(alert, "msgType"));
        Assert.Equal("Actual", CapAssert.Text(alert, "status"));
        Assert.Equal("Public", CapAssert.Text(alert, "scope"));
        Assert.Null(alert.Element(CapAssert.Cap + "references"));
        Assert.EndsWith("+05:00", CapAssert.Text(alert, "sent"), StringComparison.Ordinal);
        var infos = alert.Elements(CapAssert.Cap + "info").ToList();
        Assert.Equal(["kk-KZ", "ru-RU", "en-US"], infos.Select(i => CapAssert.Text(i, "language")));
        Assert.Equal(["Met"], infos.Select(i => CapAssert.Text(i, "category")).Distinct());
        Assert.Equal("Evacuate", CapAssert.Text(infos[0], "responseType"));
        Assert.Equal("Almaty, Almaly", infos[2].Element(CapAssert.Cap + "area")!.Element(CapAssert.Cap + "areaDesc")!.Value);
        // The square's ring, latitude first.
        var ring = CapAssert.Ring(infos[0].Element(CapAssert.Cap + "area")!.Element(CapAssert.Cap + "polygon")!.Value);
        Assert.All(ring, p => Assert.InRange(p.Lat, 43.23, 43.27));
        Assert.StartsWith("75", infos[0].Descendants(CapAssert.Cap + "value").First().Value, StringComparison.Ordinal);
        Assert.StartsWith("dispatch-112.example.kz.", CapAssert.Text(alert, "identifier"), StringComparison.Ordinal);

        // Update: a new area (the whole city by KATO), more severe.
        var update = Seed.WarningInput(new { territory = Seed.AlmatyCity }, "EXTREME");
        var updated = (await api.GraphQL.QueryAsync($"mutation ($w: ID!, $i: PublicWarningInput!) {{ updatePublicWarning(warning: $w, input: $i) {{ {Warning} }} }}",
            new { w = id, i = update }))["updatePublicWarning"]!;
        var second = await FetchAsync(anonymous, updated["current"]!);
        Assert.Equal("Update", CapAssert.Text(second, "msgType"));
        Assert.Equal(Reference(alert), CapAssert.Text(second, "references"));
        Assert.Equal("Extreme", CapAssert.Text(second.Element(CapAssert.Cap + "info")!, "severity"));
        Assert.Equal([Seed.AlmatyCity], second.Descendants(CapAssert.Cap + "value").Select(v => v.Value));
        Assert.Equal("TERRITORY", updated["areaSource"]!.GetValue<string>());
        Assert.Equal(Seed.AlmatyCity, updated["territoryKato"]!.GetValue<string>());

        // Cancel: names every earlier message (the city's outline is more than one area apart, so the Update went out
        // as one message per area); the warning is over.
        var updateMessages = (await WarningPartsAsync(id)).Select(m => m!["identifier"]!.GetValue<string>()).ToList();
        Assert.Equal(CapAssert.Text(second, "identifier"), updateMessages[0]);
        var cancelled = (await api.GraphQL.QueryAsync($"mutation ($w: ID!) {{ cancelPublicWarning(warning: $w, note: \"water receding\") {{ {Warning} }} }}",
            new { w = id }))["cancelPublicWarning"]!;
        var third = await FetchAsync(anonymous, cancelled["current"]!);
        Assert.Equal("Cancel", CapAssert.Text(third, "msgType"));
        Assert.Equal("water receding", CapAssert.Text(third, "note"));
        Assert.Equal([CapAssert.Text(alert, "identifier"), .. updateMessages], CapAssert.Text(third, "references").Split(' ').Select(r => r.Split(',')[1]));
        Assert.Equal($"{Reference(alert)} {Reference(second)}", string.Join(' ', CapAssert.Text(third, "references").Split(' ').Take(2)));
        Assert.Equal("CANCELLED", cancelled["state"]!.GetValue<string>());
        Assert.Equal(["ALERT", "UPDATE", "CANCEL"], cancelled["messages"]!.AsArray().Select(m => m!["msgType"]!.GetValue<string>()).Distinct());
        Assert.Equal(3, new[] { alert, second, third }.Select(a => CapAssert.Text(a, "identifier")).Distinct().Count());

        // Every message of the chain stays served (later ones refer to it); the feed no longer lists the warning.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.Http.GetAsync(issued["current"]!["capPath"]!.GetValue<string>())).StatusCode);
        Assert.DoesNotContain(await CapAssert.FeedIdentifiersAsync(anonymous), i => i == CapAssert.Text(third, "identifier") || i == CapAssert.Text(alert, "identifier"));

        // A cancelled warning is over: neither updated nor cancelled again.
        var again = await api.GraphQL.PostAsync("mutation ($w: ID!, $i: PublicWarningInput!) { updatePublicWarning(warning: $w, input: $i) { id } }",
            new { w = id, i = update });
        Assert.Equal("CONFLICT", again.ErrorCode());
        Assert.Equal("CONFLICT", (await api.GraphQL.PostAsync("mutation ($w: ID!) { cancelPublicWarning(warning: $w) { id } }", new { w = id })).ErrorCode());

        // Each change is an event.
        Assert.Equal(["PUBLIC_WARNING_ISSUED", "PUBLIC_WARNING_UPDATED", "PUBLIC_WARNING_CANCELLED"], await EventKindsAsync(id));
    }

    [Fact]
    public async Task The_feed_lists_only_current_warnings_and_reads_as_Atom()
    {
        var seed = new Seed(api.GraphQL);
        using var anonymous = api.Client(null);
        var current = await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0] + 0.02, Seed.InCity[1], 0.005) });
        var cancelled = await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0] - 0.02, Seed.InCity[1], 0.005) });
        await api.GraphQL.QueryAsync("mutation ($w: ID!) { cancelPublicWarning(warning: $w) { id } }", new { w = cancelled });
        var expired = await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0], Seed.InCity[1] + 0.02, 0.005) });
        // Its time ran out (written as the owner: the API accepts no expiry in the past).
        await api.ScalarAsync<int>($"WITH u AS (UPDATE public_warning_messages SET effective = now() - interval '2 hours', expires = now() - interval '1 hour' WHERE warning_id = '{expired}' RETURNING 1) SELECT count(*)::int FROM u");
        var drafted = await seed.PublicWarningWithDraftAsync([Seed.InCity[0], Seed.InCity[1] - 0.03]);

        var response = await anonymous.Http.GetAsync("/cap/feed.atom");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType!.MediaType);
        var feed = SyndicationFeed.Load(XmlReader.Create(await response.Content.ReadAsStreamAsync()));

        var byIdentifier = feed.Items.ToDictionary(i => i.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsolutePath);
        var heads = await HeadsAsync(current, cancelled, expired, drafted);
        Assert.Contains(heads[current], byIdentifier.Keys);
        Assert.Contains(heads[drafted], byIdentifier.Keys);
        Assert.DoesNotContain(heads[cancelled], byIdentifier.Keys);
        Assert.DoesNotContain(heads[expired], byIdentifier.Keys);
        Assert.Equal("Тест: паводок", byIdentifier[heads[current]].Title.Text);
        // Every entry links a CAP alert that validates, as application/cap+xml.
        foreach (var link in feed.Items.Select(i => i.Links.Single(l => l.RelationshipType == "alternate")))
        {
            Assert.Equal("application/cap+xml", link.MediaType);
            var alert = await anonymous.Http.GetAsync(link.Uri);
            Assert.Equal("application/cap+xml", alert.Content.Headers.ContentType!.MediaType);
            CapAssert.Valid(await alert.Content.ReadAsStringAsync());
        }

        var listed = await api.GraphQL.QueryAsync("{ publicWarnings(current: true, first: 1000) { nodes { id } } }");
        var ids = listed["publicWarnings"]!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(current, ids);
        Assert.DoesNotContain(cancelled, ids);
        Assert.DoesNotContain(expired, ids);
    }

    [Fact]
    public async Task A_zone_redraw_drafts_an_update_that_stays_private_until_an_officer_confirms_it()
    {
        var seed = new Seed(api.GraphQL);
        using var anonymous = api.Client(null);
        double[] at = [Seed.InCity[0] + 0.03, Seed.InCity[1] + 0.01];
        var zone = await seed.ZoneAsync(Seed.Square(at[0], at[1], 0.01));
        var id = await seed.PublicWarningAsync(new { zone });
        var before = await WarningAsync(id);
        var alertIdentifier = before["current"]!["identifier"]!.GetValue<string>();
        Assert.Equal(1, before["current"]!["zoneVersion"]!.GetValue<int>());
        Assert.Null(before["pendingDraft"]);

        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Seed.Square(at[0] + 0.005, at[1], 0.015) });

        var drafted = await WarningAsync(id);
        var draft = drafted["pendingDraft"]!;
        Assert.Equal("DRAFT", draft["status"]!.GetValue<string>());
        Assert.Equal("UPDATE", draft["msgType"]!.GetValue<string>());
        Assert.Equal(2, draft["zoneVersion"]!.GetValue<int>());
        Assert.Null(draft["capPath"]);
        var preview = CapAssert.Valid(draft["capXml"]!.GetValue<string>());
        Assert.Equal("Draft", CapAssert.Text(preview, "status"));
        // The new ring reaches the redrawn zone's east edge (at[0] + 0.02).
        Assert.Contains(CapAssert.Ring(CapAssert.Text(preview.Descendants(CapAssert.Cap + "area").First(), "polygon")), p => p.Lon > at[0] + 0.019);
        // Not public: the alert is still what is served and listed.
        var draftIdentifier = draft["identifier"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync($"/cap/{draftIdentifier}.xml")).StatusCode);
        Assert.Equal(alertIdentifier, drafted["current"]!["identifier"]!.GetValue<string>());
        var feed = await CapAssert.FeedIdentifiersAsync(anonymous);
        Assert.Contains(alertIdentifier, feed);
        Assert.DoesNotContain(draftIdentifier, feed);

        // A second redraw replaces the draft instead of piling up drafts.
        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Seed.Square(at[0] + 0.006, at[1], 0.015) });
        var redrafted = await WarningAsync(id);
        Assert.Equal(3, redrafted["pendingDraft"]!["zoneVersion"]!.GetValue<int>());
        Assert.Equal(["ACTUAL", "DISCARDED", "DRAFT"], redrafted["messages"]!.AsArray().Select(m => m!["status"]!.GetValue<string>()));

        var confirmed = (await api.GraphQL.QueryAsync($"mutation ($w: ID!) {{ confirmPublicWarningDraft(warning: $w) {{ {Warning} }} }}", new { w = id }))
            ["confirmPublicWarningDraft"]!;
        var update = await FetchAsync(anonymous, confirmed["current"]!);
        Assert.Equal(redrafted["pendingDraft"]!["identifier"]!.GetValue<string>(), CapAssert.Text(update, "identifier"));
        Assert.Equal("Actual", CapAssert.Text(update, "status"));
        Assert.Equal("Update", CapAssert.Text(update, "msgType"));
        Assert.Equal(alertIdentifier, CapAssert.Text(update, "references").Split(',')[1]);
        Assert.Null(confirmed["pendingDraft"]);
        Assert.Contains(CapAssert.Text(update, "identifier"), await CapAssert.FeedIdentifiersAsync(anonymous));
        Assert.DoesNotContain(alertIdentifier, await CapAssert.FeedIdentifiersAsync(anonymous));

        // Nothing left to confirm.
        Assert.Equal("CONFLICT", (await api.GraphQL.PostAsync("mutation ($w: ID!) { confirmPublicWarningDraft(warning: $w) { id } }", new { w = id })).ErrorCode());
        Assert.Equal(["PUBLIC_WARNING_ISSUED", "PUBLIC_WARNING_DRAFTED", "PUBLIC_WARNING_DRAFTED", "PUBLIC_WARNING_UPDATED"], await EventKindsAsync(id));
    }

    [Fact]
    public async Task A_draft_left_unconfirmed_past_its_expiry_is_refused_and_the_alert_stays_what_is_served()
    {
        var seed = new Seed(api.GraphQL);
        double[] at = [Seed.InCity[0] - 0.05, Seed.InCity[1] + 0.02];
        var zone = await seed.ZoneAsync(Seed.Square(at[0], at[1], 0.005));
        var id = (await api.GraphQL.QueryAsync("mutation ($i: PublicWarningInput!) { issuePublicWarning(input: $i) { id } }",
            new { i = Seed.WarningInput(new { zone }, expires: DateTime.UtcNow.AddSeconds(3)) }))["issuePublicWarning"]!["id"]!.GetValue<string>();
        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Seed.Square(at[0] + 0.002, at[1], 0.005) });
        var drafted = await WarningAsync(id);
        var expires = drafted["pendingDraft"]!["expires"]!.GetValue<DateTime>().ToUniversalTime();
        while (DateTime.UtcNow <= expires.AddMilliseconds(200))
        {
            await Task.Delay(200);
        }

        var refused = await api.GraphQL.PostAsync("mutation ($w: ID!) { confirmPublicWarningDraft(warning: $w) { id } }", new { w = id });

        Assert.Equal("CONFLICT", refused.ErrorCode());
        var after = await WarningAsync(id);
        Assert.Equal(drafted["current"]!["identifier"]!.GetValue<string>(), after["current"]!["identifier"]!.GetValue<string>());
        Assert.Equal(drafted["pendingDraft"]!["identifier"]!.GetValue<string>(), after["pendingDraft"]!["identifier"]!.GetValue<string>());
        Assert.Equal(["PUBLIC_WARNING_ISSUED", "PUBLIC_WARNING_DRAFTED"], await EventKindsAsync(id));
    }

    [Fact]
    public async Task Closing_the_zone_drafts_a_cancel_and_the_warning_stays_public_until_it_is_confirmed()
    {
        var seed = new Seed(api.GraphQL);
        using var anonymous = api.Client(null);
        double[] at = [Seed.InCity[0] - 0.04, Seed.InCity[1] - 0.01];
        var zone = await seed.ZoneAsync(Seed.Square(at[0], at[1], 0.005));
        var id = await seed.PublicWarningAsync(new { zone });
        var alert = await FetchAsync(anonymous, (await WarningAsync(id))["current"]!);

        await api.GraphQL.QueryAsync("mutation ($z: ID!) { closeZone(zone: $z) { status } }", new { z = zone });

        var drafted = await WarningAsync(id);
        Assert.Equal("ACTIVE", drafted["state"]!.GetValue<string>());
        Assert.Equal("CANCEL", drafted["pendingDraft"]!["msgType"]!.GetValue<string>());
        Assert.Contains(CapAssert.Text(alert, "identifier"), await CapAssert.FeedIdentifiersAsync(anonymous));

        var confirmed = (await api.GraphQL.QueryAsync($"mutation ($w: ID!) {{ confirmPublicWarningDraft(warning: $w) {{ {Warning} }} }}", new { w = id }))
            ["confirmPublicWarningDraft"]!;
        var cancel = await FetchAsync(anonymous, confirmed["current"]!);
        Assert.Equal("CANCELLED", confirmed["state"]!.GetValue<string>());
        Assert.Equal("Cancel", CapAssert.Text(cancel, "msgType"));
        Assert.Equal(Reference(alert), CapAssert.Text(cancel, "references"));
        Assert.DoesNotContain(CapAssert.Text(alert, "identifier"), await CapAssert.FeedIdentifiersAsync(anonymous));
        Assert.Equal(["PUBLIC_WARNING_ISSUED", "PUBLIC_WARNING_DRAFTED", "PUBLIC_WARNING_CANCELLED"], await EventKindsAsync(id));
    }

    [Fact]
    public async Task A_whole_region_is_simplified_to_bounded_rings_and_named_by_its_KATO()
    {
        var id = await new Seed(api.GraphQL).PublicWarningAsync(new { territory = Seed.AlmatyRegion });
        using var anonymous = api.Client(null);

        var alert = await FetchAsync(anonymous, (await WarningAsync(id))["current"]!);

        var area = alert.Descendants(CapAssert.Cap + "area").First();
        Assert.Equal([Seed.AlmatyRegion], area.Elements(CapAssert.Cap + "geocode").Select(g => g.Element(CapAssert.Cap + "value")!.Value));
        var largest = area.Elements(CapAssert.Cap + "polygon").Select(p => CapAssert.Ring(p.Value)).First();
        // Stored with thousands of vertices, sent with at most 100.
        Assert.True(await api.ScalarAsync<int>($"SELECT ST_NPoints(geom) FROM territories WHERE kato = '{Seed.AlmatyRegion}'") > 100);
        Assert.InRange(largest.Count, 4, CapAssert.MaxPoints);
        // The officer named no area: the Russian text carries the region's Russian name.
        Assert.Equal("ru-RU", CapAssert.Text(area.Parent!, "language"));
        var name = await api.ScalarAsync<string>($"SELECT name_ru FROM territories WHERE kato = '{Seed.AlmatyRegion}'");
        Assert.Equal(name.Length < 50 ? name : name[..49], CapAssert.Text(area, "areaDesc"));
    }

    [Theory]
    [InlineData("expiresBeforeEffective", "BAD_USER_INPUT", "input.expires")]
    [InlineData("noLanguage", "BAD_USER_INPUT", "input")]
    [InlineData("unknownZone", "NOT_FOUND", "input.area.zone")]
    [InlineData("unknownTerritory", "NOT_FOUND", "input.area.territory")]
    [InlineData("twoAreas", "BAD_USER_INPUT", "input.area")]
    [InlineData("pointArea", "INVALID_GEOMETRY", "input.area.polygon")]
    [InlineData("longAreaDesc", "BAD_USER_INPUT", "areaDesc")]
    public async Task Bad_input_is_refused_with_its_code_and_nothing_is_sent(string what, string code, string argument)
    {
        var square = Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.01);
        var valid = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Seed.WarningInput(new { polygon = square })))!.AsObject();
        switch (what)
        {
            case "expiresBeforeEffective":
                valid["effective"] = DateTime.UtcNow.AddHours(2).ToString("O");
                valid["expires"] = DateTime.UtcNow.AddHours(1).ToString("O");
                break;
            case "noLanguage":
                valid.Remove("ru");
                break;
            case "unknownZone":
                valid["area"] = new JsonObject { ["zone"] = Guid.NewGuid().ToString() };
                break;
            case "unknownTerritory":
                valid["area"] = new JsonObject { ["territory"] = "999999999" };
                break;
            case "twoAreas":
                valid["area"]!["territory"] = Seed.AlmatyCity;
                break;
            case "pointArea":
                valid["area"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new { polygon = Seed.Point(76.9, 43.2) }));
                break;
            case "longAreaDesc":
                valid["ru"]!["areaDesc"] = new string('а', 50);
                break;
        }

        var messagesBefore = await api.ScalarAsync<long>("SELECT count(*) FROM public_warning_messages");
        var response = await api.GraphQL.PostAsync("mutation ($i: PublicWarningInput!) { issuePublicWarning(input: $i) { id } }", new { i = valid });

        Assert.Equal(code, response.ErrorCode());
        Assert.Equal(argument, response.Errors![0]!["extensions"]!["argument"]?.GetValue<string>());
        Assert.Equal(messagesBefore, await api.ScalarAsync<long>("SELECT count(*) FROM public_warning_messages"));
    }

    [Fact]
    public async Task Every_CAP_message_the_suite_produced_is_valid_CAP_within_the_area_rules()
    {
        // At least this test's own, whatever else ran before it in the run.
        // The fixture checks them all once more after the last test (ApiFixture.DisposeAsync).
        await new Seed(api.GraphQL).PublicWarningWithDraftAsync([Seed.InCity[0] - 0.03, Seed.InCity[1] + 0.02]);

        Assert.True(await CapAssert.AllStoredValidAsync(api.Db) >= 2);
    }

    [Fact]
    public async Task The_feed_pages_on_with_rel_next_listing_every_current_warning_once_even_while_one_is_issued()
    {
        // A second instance on the same database, with pages of two entries.
        await using var small = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?> { ["Dispatch:PublicWarnings:FeedPageSize"] = "2" });
        using var anonymous = new HttpClient { BaseAddress = new Uri(small.Urls.First()) };
        var seed = new Seed(api.GraphQL);
        var ours = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ours.Add(await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0] + 0.01 * i, Seed.InCity[1] + 0.04, 0.003) }));
        }

        var heads = await HeadsAsync([.. ours]);
        var listed = new List<(string Path, DateTimeOffset Updated)>();
        var url = "/cap/feed.atom";
        var pages = 0;
        string? issuedWhilePaging = null;
        while (url is not null)
        {
            var page = SyndicationFeed.Load(XmlReader.Create(await anonymous.GetStreamAsync(url)));
            pages++;
            Assert.InRange(page.Items.Count(), 0, 2);
            Assert.Equal("/cap/feed.atom", page.Links.Single(l => l.RelationshipType == "first").Uri.AbsolutePath);
            Assert.Equal(url, page.Links.Single(l => l.RelationshipType == "self").Uri.PathAndQuery);
            listed.AddRange(page.Items.Select(i => (i.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsolutePath, i.LastUpdatedTime)));
            url = page.Links.SingleOrDefault(l => l.RelationshipType == "next")?.Uri.PathAndQuery;
            // A warning issued after the first page is newer than every page still to come: it must not shift them. CAP's
            // sent time has whole seconds, and within one second the identifier orders: the wait makes it strictly newer.
            if (issuedWhilePaging is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
            }

            issuedWhilePaging ??= await seed.PublicWarningAsync(new { polygon = Seed.Square(Seed.InCity[0], Seed.InCity[1] + 0.05, 0.003) });
        }

        Assert.True(pages >= 3, $"{listed.Count} entries in {pages} pages of 2");
        Assert.Equal(listed.Count, listed.Select(e => e.Path).Distinct().Count());
        Assert.All(ours, w => Assert.Contains(heads[w], listed.Select(e => e.Path)));
        Assert.Equal(listed.Select(e => e.Updated).OrderDescending(), listed.Select(e => e.Updated));
        var issuedHead = (await HeadsAsync(issuedWhilePaging!))[issuedWhilePaging!];
        Assert.DoesNotContain(issuedHead, listed.Select(e => e.Path));
        // Nothing current is left out: every current warning GraphQL lists (but the one issued meanwhile) is on a page.
        var current = (await api.GraphQL.QueryAsync("{ publicWarnings(current: true, first: 1000) { nodes { current { capPath } } } }"))
            ["publicWarnings"]!["nodes"]!.AsArray().Select(n => n!["current"]!["capPath"]!.GetValue<string>()).Where(p => p != issuedHead).ToHashSet();
        Assert.Subset(listed.Select(e => e.Path).ToHashSet(), current);

        var bad = await anonymous.GetAsync("/cap/feed.atom?after=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("BAD_USER_INPUT", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_or_draft_identifier_is_404_and_the_endpoints_need_no_token()
    {
        using var anonymous = api.Client(null);

        var missing = await anonymous.Http.GetAsync("/cap/dispatch-112.example.kz.nothing.xml");
        var notXml = await anonymous.Http.GetAsync("/cap/anything.json");
        var feed = await anonymous.Http.GetAsync("/cap/feed.atom");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NOT_FOUND", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, notXml.StatusCode);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
    }

    [Fact]
    public async Task The_map_layer_and_the_OGC_collection_show_current_warnings_only()
    {
        // A place of its own, in the middle of a z12 tile.
        var seed = new Seed(api.GraphQL);
        double[] p = [70.0 + Random.Shared.NextDouble() * 5, 50.5];
        var current = await seed.PublicWarningAsync(new { polygon = Seed.Square(p[0], p[1], 0.003) }, "EXTREME");
        var cancelled = await seed.PublicWarningAsync(new { polygon = Seed.Square(p[0] + 0.001, p[1], 0.003) });
        await api.GraphQL.QueryAsync("mutation ($w: ID!) { cancelPublicWarning(warning: $w) { id } }", new { w = cancelled });
        var (x, y) = TileMath.TileOf(p[0], p[1], 12);

        var tile = await Tiles.TileTests.GetAsync(api.GraphQL.Http, $"/tiles/public-warnings/12/{x}/{y}.mvt");
        var bbox = FormattableString.Invariant($"{p[0] - 0.01},{p[1] - 0.01},{p[0] + 0.01},{p[1] + 0.01}");
        var items = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/public-warnings/items?bbox={bbox}"))!;

        Assert.Equal(HttpStatusCode.OK, tile.Status);
        var feature = Assert.Single(Mvt.Decode(tile.Body).Single().Features);
        Assert.Equal(current, feature.Text("id"));
        Assert.Equal("EXTREME", feature.Text("severity"));
        Assert.Equal("Тест: паводок", feature.Text("headline"));
        var ogc = Assert.Single(items["features"]!.AsArray());
        Assert.Equal(current, ogc!["id"]!.GetValue<string>());
        Assert.Equal((await WarningAsync(current))["current"]!["capPath"]!.GetValue<string>(), ogc["properties"]!["capPath"]!.GetValue<string>());
    }

    private const string Parts = $"id state currentMessages {{ part parts {Message} }} pendingDraftMessages {{ part parts {Message} }} messages {{ identifier status }}";

    private static object Squares(params (double Lon, double Lat, double Half)[] squares) =>
        Boxes(squares.Select(q => (q.Lon - q.Half, q.Lat - q.Half, q.Lon + q.Half, q.Lat + q.Half)).ToArray());

    private static object Boxes(params (double West, double South, double East, double North)[] boxes) => new
    {
        type = "MultiPolygon",
        coordinates = boxes.Select(b => new[]
        {
            new[] { new[] { b.West, b.South }, new[] { b.East, b.South }, new[] { b.East, b.North }, new[] { b.West, b.North }, new[] { b.West, b.South } },
        }).ToArray(),
    };

    [Fact]
    public async Task Areas_that_do_not_touch_go_out_as_separate_alerts_and_every_step_names_every_earlier_message_never_its_own_parts()
    {
        using var anonymous = api.Client(null);
        double[] at = [Seed.InCity[0] - 0.02, Seed.InCity[1] - 0.02];
        // Two blocks 3 km apart, and a third touching the first at a corner (the very same coordinates: one area with it).
        var (east, north) = (at[0] + 0.004, at[1] + 0.004);
        var apart = Boxes((at[0] - 0.004, at[1] - 0.004, east, north), (at[0] + 0.036, at[1] - 0.004, at[0] + 0.044, north), (east, north, east + 0.008, north + 0.008));

        var issued = (await api.GraphQL.QueryAsync($"mutation ($i: PublicWarningInput!) {{ issuePublicWarning(input: $i) {{ {Parts} }} }}",
            new { i = Seed.WarningInput(new { polygon = apart }) }))["issuePublicWarning"]!;

        var alerts = issued["currentMessages"]!.AsArray();
        Assert.Equal([(0, 2), (1, 2)], alerts.Select(m => (m!["part"]!.GetValue<int>(), m["parts"]!.GetValue<int>())));
        var alertDocs = new List<XElement>();
        foreach (var message in alerts)
        {
            alertDocs.Add(await FetchAsync(anonymous, message!));
        }

        Assert.All(alertDocs, a => Assert.Equal("Alert", CapAssert.Text(a, "msgType")));
        // The larger area (two blocks touching) first, with a ring each; the lone block its own alert.
        Assert.Equal([2, 1], alertDocs.Select(a => a.Descendants(CapAssert.Cap + "info").First().Descendants(CapAssert.Cap + "polygon").Count()));
        Assert.All(CapAssert.Ring(alertDocs[1].Descendants(CapAssert.Cap + "polygon").First().Value), p => Assert.InRange(p.Lon, at[0] + 0.035, at[0] + 0.045));
        var feed = await CapAssert.FeedIdentifiersAsync(anonymous);
        Assert.All(alertDocs, a => Assert.Contains(CapAssert.Text(a, "identifier"), feed));

        // Update to one block: one Update, retiring both Alerts.
        var one = (await api.GraphQL.QueryAsync($"mutation ($w: ID!, $i: PublicWarningInput!) {{ updatePublicWarning(warning: $w, input: $i) {{ {Parts} }} }}",
            new { w = issued["id"]!.GetValue<string>(), i = Seed.WarningInput(new { polygon = Seed.Square(at[0], at[1], 0.005) }) }))["updatePublicWarning"]!;
        var single = await FetchAsync(anonymous, Assert.Single(one["currentMessages"]!.AsArray())!);
        Assert.Equal(string.Join(' ', alertDocs.Select(Reference)), CapAssert.Text(single, "references"));

        // Back to two areas: an Update for each, both naming all three earlier messages and not each other.
        var two = (await api.GraphQL.QueryAsync($"mutation ($w: ID!, $i: PublicWarningInput!) {{ updatePublicWarning(warning: $w, input: $i) {{ {Parts} }} }}",
            new { w = issued["id"]!.GetValue<string>(), i = Seed.WarningInput(new { polygon = apart }) }))["updatePublicWarning"]!;
        var updates = new List<XElement>();
        foreach (var message in two["currentMessages"]!.AsArray())
        {
            updates.Add(await FetchAsync(anonymous, message!));
        }

        var earlier = string.Join(' ', alertDocs.Append(single).Select(Reference));
        Assert.Equal(2, updates.Count);
        Assert.All(updates, u => Assert.Equal(("Update", earlier), (CapAssert.Text(u, "msgType"), CapAssert.Text(u, "references"))));
        feed = await CapAssert.FeedIdentifiersAsync(anonymous);
        Assert.All(updates, u => Assert.Contains(CapAssert.Text(u, "identifier"), feed));
        Assert.DoesNotContain(CapAssert.Text(single, "identifier"), feed);

        // The map shows one warning over both areas, the OGC item listing both identifiers.
        var bbox = FormattableString.Invariant($"{at[0] - 0.01},{at[1] - 0.01},{at[0] + 0.05},{at[1] + 0.02}");
        var items = JsonNode.Parse(await api.GraphQL.Http.GetStringAsync($"/ogc/collections/public-warnings/items?bbox={bbox}"))!["features"]!.AsArray()
            .Where(f => f!["id"]!.GetValue<string>() == issued["id"]!.GetValue<string>()).ToList();
        var item = Assert.Single(items)!;
        Assert.Equal(("MultiPolygon", 3), (item["geometry"]!["type"]!.GetValue<string>(), item["geometry"]!["coordinates"]!.AsArray().Count));
        Assert.Equal(updates.Select(u => CapAssert.Text(u, "identifier")), item["properties"]!["identifiers"]!.AsArray().Select(i => i!.GetValue<string>()));

        // Cancel: one per current area, each naming all five earlier messages.
        var cancelled = (await api.GraphQL.QueryAsync($"mutation ($w: ID!) {{ cancelPublicWarning(warning: $w) {{ {Parts} }} }}",
            new { w = issued["id"]!.GetValue<string>() }))["cancelPublicWarning"]!;
        var cancels = cancelled["currentMessages"]!.AsArray();
        Assert.Equal(2, cancels.Count);
        foreach (var message in cancels)
        {
            var cancel = await FetchAsync(anonymous, message!);
            Assert.Equal(("Cancel", $"{earlier} {string.Join(' ', updates.Select(Reference))}"), (CapAssert.Text(cancel, "msgType"), CapAssert.Text(cancel, "references")));
        }

        feed = await CapAssert.FeedIdentifiersAsync(anonymous);
        Assert.DoesNotContain(feed, i => cancels.Any(c => c!["identifier"]!.GetValue<string>() == i) || updates.Any(u => CapAssert.Text(u, "identifier") == i));
    }

    [Fact]
    public async Task A_zone_redrawn_as_two_areas_drafts_an_update_for_each_and_confirming_sends_both()
    {
        var seed = new Seed(api.GraphQL);
        using var anonymous = api.Client(null);
        double[] at = [Seed.InCity[0] - 0.03, Seed.InCity[1] + 0.03];
        var zone = await seed.ZoneAsync(Seed.Square(at[0], at[1], 0.004));
        var id = await seed.PublicWarningAsync(new { zone });
        var alert = await FetchAsync(anonymous, (await WarningAsync(id))["current"]!);

        await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
            new { z = zone, g = Squares((at[0], at[1], 0.004), (at[0] + 0.03, at[1], 0.004)) });

        var drafted = (await api.GraphQL.QueryAsync($"query ($w: ID!) {{ publicWarning(id: $w) {{ {Parts} }} }}", new { w = id }))["publicWarning"]!;
        var drafts = drafted["pendingDraftMessages"]!.AsArray();
        Assert.Equal(2, drafts.Count);
        Assert.All(drafts, d => Assert.Equal(("DRAFT", "UPDATE", 2), (d!["status"]!.GetValue<string>(), d["msgType"]!.GetValue<string>(), d["zoneVersion"]!.GetValue<int>())));
        Assert.All(drafts, d => CapAssert.Valid(d!["capXml"]!.GetValue<string>()));

        var confirmed = (await api.GraphQL.QueryAsync($"mutation ($w: ID!) {{ confirmPublicWarningDraft(warning: $w) {{ {Parts} }} }}", new { w = id }))
            ["confirmPublicWarningDraft"]!;
        Assert.Empty(confirmed["pendingDraftMessages"]!.AsArray());
        var sent = confirmed["currentMessages"]!.AsArray();
        Assert.Equal(drafts.Select(d => d!["identifier"]!.GetValue<string>()), sent.Select(m => m!["identifier"]!.GetValue<string>()));
        foreach (var message in sent)
        {
            var update = await FetchAsync(anonymous, message!);
            Assert.Equal(("Actual", Reference(alert)), (CapAssert.Text(update, "status"), CapAssert.Text(update, "references")));
        }
    }

    private static string Reference(XElement alert) =>
        $"{CapAssert.Text(alert, "sender")},{CapAssert.Text(alert, "identifier")},{CapAssert.Text(alert, "sent")}";

    /// <summary>The message's XML over HTTP (no token), checked; it must be the same document GraphQL shows.</summary>
    private static async Task<XElement> FetchAsync(GraphQLClient anonymous, JsonNode message)
    {
        var response = await anonymous.Http.GetAsync(message["capPath"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/cap+xml", response.Content.Headers.ContentType!.MediaType);
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Equal(message["capXml"]!.GetValue<string>(), xml);
        var alert = CapAssert.Valid(xml);
        Assert.Equal(message["identifier"]!.GetValue<string>(), CapAssert.Text(alert, "identifier"));
        return alert;
    }

    private async Task<JsonArray> WarningPartsAsync(string id) =>
        (await api.GraphQL.QueryAsync($"query ($w: ID!) {{ publicWarning(id: $w) {{ {Parts} }} }}", new { w = id }))["publicWarning"]!["currentMessages"]!.AsArray();

    private async Task<JsonNode> WarningAsync(string id) =>
        (await api.GraphQL.QueryAsync($"query ($w: ID!) {{ publicWarning(id: $w) {{ {Warning} }} }}", new { w = id }))["publicWarning"]!;

    private async Task<Dictionary<string, string>> HeadsAsync(params string[] ids)
    {
        var heads = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            heads[id] = (await WarningAsync(id))["current"]!["capPath"]!.GetValue<string>();
        }

        return heads;
    }

    private async Task<List<string>> EventKindsAsync(string warning)
    {
        var kinds = new List<string>();
        await using var cmd = api.Db.CreateCommand("SELECT kind FROM events WHERE entity_type = 'PublicWarning' AND entity_id = $1 ORDER BY id");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = warning });
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }
}
