using System.Net;
using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Dispatch.Gis.Tests.PublicWarnings;
using Xunit;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Issue 11: an incident's first forecast drafts a public warning for the officer; nothing is public until an officer
/// confirms it through the existing mutation, and later computations or forecasts never draft a second one.
/// </summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ForecastWarningDraftTests(ApiFixture api)
{
    private const string Run = "mutation ($i: RunForecastInput!) { runForecast(input: $i) { id } }";

    private const string Warning = """
        query ($id: ID!) { publicWarning(id: $id) { id state zoneId territoryKato current { identifier msgType status }
          pendingDraft { identifier msgType status event category urgency severity certainty responseType zoneVersion capXml }
          messages { identifier status msgType } } }
        """;

    [Fact]
    public async Task The_first_forecast_of_an_incident_drafts_one_warning_that_is_public_only_once_the_officer_confirms_it()
    {
        double[] at = [Seed.InCity[0] + 0.09, Seed.InCity[1] + 0.02];
        var seed = new Seed(api.GraphQL);
        var incident = await seed.IncidentAsync([at[0] - 0.02, at[1]], "CHEMICAL_RELEASE", "ammonia smell");
        var (station, feed) = await MeteoReadings.StationAsync(api, at, 0.01, "FW");
        await MeteoReadings.ObserveAsync(api, feed, station, 3.0, -10);
        var id = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(at[0], at[1]), substance = "ammonia", releasedMassKilograms = 5_000.0,
            horizonsMinutes = new[] { 20, 40 }, incident } }))["runForecast"]!["id"]!.GetValue<string>();
        var first = await WaitAsync(id, 1);
        var widestZone = first["horizons"]!.AsArray().Single(h => h!["minutes"]!.GetValue<int>() == 40)!["zoneId"]!.GetValue<string>();

        var warningId = await DraftedForAsync(incident);
        var drafted = await WarningAsync(warningId);
        Assert.Equal("ACTIVE", drafted["state"]!.GetValue<string>());
        Assert.Equal(widestZone, drafted["zoneId"]!.GetValue<string>());
        Assert.Null(drafted["current"]);
        var draft = drafted["pendingDraft"]!;
        Assert.Equal(("ALERT", "DRAFT"), (draft["msgType"]!.GetValue<string>(), draft["status"]!.GetValue<string>()));
        Assert.Equal(("Chemical release", "CBRNE", "IMMEDIATE", "SEVERE", "LIKELY", "SHELTER"), (draft["event"]!.GetValue<string>(), draft["category"]!.GetValue<string>(),
            draft["urgency"]!.GetValue<string>(), draft["severity"]!.GetValue<string>(), draft["certainty"]!.GetValue<string>(), draft["responseType"]!.GetValue<string>()));
        var preview = CapAssert.Valid(draft["capXml"]!.GetValue<string>());
        Assert.Equal("Draft", CapAssert.Text(preview, "status"));
        Assert.Equal(["kk-KZ", "ru-RU", "en-US"], preview.Elements(CapAssert.Cap + "info").Select(i => CapAssert.Text(i, "language")));
        var draftIdentifier = draft["identifier"]!.GetValue<string>();

        // Nothing public: not served, not in the feed, not current.
        using var anonymous = api.Client(null);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync($"/cap/{draftIdentifier}.xml")).StatusCode);
        Assert.DoesNotContain(draftIdentifier, await CapAssert.FeedIdentifiersAsync(anonymous));
        Assert.DoesNotContain(warningId, await ListedAsync(true));
        Assert.Contains(warningId, await ListedAsync(false));
        // An Update would name an Alert nobody sent.
        Assert.Equal("CONFLICT", (await api.GraphQL.PostAsync("mutation ($w: ID!, $i: PublicWarningInput!) { updatePublicWarning(warning: $w, input: $i) { id } }", new
        {
            w = warningId,
            i = new { @event = "x", category = "CBRNE", urgency = "IMMEDIATE", severity = "SEVERE", certainty = "LIKELY", expires = DateTime.UtcNow.AddHours(1).ToString("O"),
                en = new { headline = "x" }, area = new { zone = widestZone } },
        })).ErrorCode());

        // A new version redoes the draft over the redrawn zone; a second forecast of the incident drafts nothing.
        await MeteoReadings.ObserveAsync(api, feed, station, 6.0, -1);
        await api.GraphQL.QueryAsync("mutation ($f: ID!) { refreshForecast(forecast: $f) { id } }", new { f = id });
        await WaitAsync(id, 2);
        var other = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(at[0] + 0.01, at[1]), substance = "chlorine", releasedMassKilograms = 1_000.0,
            horizonsMinutes = new[] { 15 }, incident } }))["runForecast"]!["id"]!.GetValue<string>();
        await WaitAsync(other, 1);
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM public_warnings WHERE drafted_for_incident = '{incident}'"));
        var redrafted = await WarningAsync(warningId);
        Assert.Equal(["DISCARDED", "DRAFT"], redrafted["messages"]!.AsArray().Select(m => m!["status"]!.GetValue<string>()));
        Assert.Equal(2, redrafted["pendingDraft"]!["zoneVersion"]!.GetValue<int>());
        Assert.Equal(2, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'PUBLIC_WARNING_DRAFTED' AND entity_id = '{warningId}'"));

        // The officer sends it with the existing mutation: now an Actual Alert, served, valid CAP 1.2, in the feed.
        var confirmed = (await api.GraphQL.QueryAsync("mutation ($w: ID!) { confirmPublicWarningDraft(warning: $w) { current { identifier msgType status } pendingDraft { identifier } } }",
            new { w = warningId }))["confirmPublicWarningDraft"]!;
        Assert.Null(confirmed["pendingDraft"]);
        var sent = confirmed["current"]!;
        Assert.Equal(("ALERT", "ACTUAL"), (sent["msgType"]!.GetValue<string>(), sent["status"]!.GetValue<string>()));
        var identifier = sent["identifier"]!.GetValue<string>();
        var served = await anonymous.Http.GetAsync($"/cap/{identifier}.xml");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var alert = CapAssert.Valid(await served.Content.ReadAsStringAsync());
        Assert.Equal(("Actual", "Alert"), (CapAssert.Text(alert, "status"), CapAssert.Text(alert, "msgType")));
        Assert.Contains(identifier, await CapAssert.FeedIdentifiersAsync(anonymous));
        Assert.Equal(1, await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'PUBLIC_WARNING_ISSUED' AND entity_id = '{warningId}'"));
    }

    [Fact]
    public async Task An_unsent_draft_is_dropped_by_cancelling_it_or_closing_its_zone_and_a_forecast_without_an_incident_drafts_nothing()
    {
        var seed = new Seed(api.GraphQL);
        var before = await api.ScalarAsync<long>("SELECT count(*) FROM public_warnings");
        var alone = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(Seed.InCity[0] - 0.07, Seed.InCity[1]), substance = "chlorine",
            releasedMassKilograms = 500.0, horizonsMinutes = new[] { 10 }, weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 90.0 } } }))["runForecast"]!["id"]!.GetValue<string>();
        await WaitAsync(alone, 1);
        Assert.Equal(before, await api.ScalarAsync<long>("SELECT count(*) FROM public_warnings"));

        foreach (var byCancellingTheForecast in new[] { false, true })
        {
            double[] at = [Seed.InCity[0] - 0.07, Seed.InCity[1] + (byCancellingTheForecast ? 0.05 : 0.03)];
            var incident = await seed.IncidentAsync(at, "CHEMICAL_RELEASE", "smell");
            var id = (await api.GraphQL.QueryAsync(Run, new { i = new { location = Seed.Point(at[0], at[1]), substance = "chlorine", releasedMassKilograms = 500.0,
                horizonsMinutes = new[] { 10 }, incident, weather = new { windSpeedMetresPerSecond = 2.0, windFromDegrees = 90.0 } } }))["runForecast"]!["id"]!.GetValue<string>();
            await WaitAsync(id, 1);
            var warningId = await DraftedForAsync(incident);
            if (byCancellingTheForecast)
            {
                // Its zones close: a draft nobody sent is dropped, not turned into a Cancel of nothing.
                await api.GraphQL.QueryAsync("mutation ($f: ID!) { cancelForecast(forecast: $f) { state } }", new { f = id });
            }
            else
            {
                await api.GraphQL.QueryAsync("mutation ($w: ID!) { cancelPublicWarning(warning: $w, note: \"not needed\") { state } }", new { w = warningId });
            }

            var dropped = await WarningAsync(warningId);
            Assert.Equal("CANCELLED", dropped["state"]!.GetValue<string>());
            Assert.Null(dropped["current"]);
            Assert.Null(dropped["pendingDraft"]);
            Assert.All(dropped["messages"]!.AsArray(), m => Assert.Equal("DISCARDED", m!["status"]!.GetValue<string>()));
            Assert.Equal(0, await api.ScalarAsync<long>($"SELECT count(*) FROM public_warning_messages WHERE warning_id = '{warningId}' AND status = 'ACTUAL'"));
        }
    }

    private async Task<string> DraftedForAsync(string incident) =>
        await api.ScalarAsync<string>($"SELECT id::text FROM public_warnings WHERE drafted_for_incident = '{incident}'");

    private async Task<JsonNode> WarningAsync(string id) => (await api.GraphQL.QueryAsync(Warning, new { id }))["publicWarning"]!;

    private async Task<List<string>> ListedAsync(bool current) =>
        (await api.GraphQL.QueryAsync("query ($c: Boolean) { publicWarnings(current: $c, first: 1000) { nodes { id } } }", new { c = current }))["publicWarnings"]!["nodes"]!
            .AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();

    private Task<JsonNode> WaitAsync(string id, int version) =>
        ForecastPolling.UntilAsync(api, "query ($id: ID!) { forecast(id: $id) { state version horizons { minutes zoneId } } }", id, "SUCCEEDED", version);
}
