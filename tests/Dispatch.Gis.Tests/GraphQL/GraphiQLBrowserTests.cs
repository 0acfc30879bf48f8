using System.Text.Json;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>GraphiQL in Chromium: its Headers tab reaches the WebSocket's connection_init, so subscriptions run with the token.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class GraphiQLBrowserTests(ApiFixture api)
{
    // What GraphiQL hands its fetcher for a subscription: the headers of the Headers tab and the parsed document.
    private const string Subscribe = """
        async ([token, after]) => {
          const documentAST = { kind: 'Document', definitions: [{ kind: 'OperationDefinition', operation: 'subscription',
            selectionSet: { kind: 'SelectionSet', selections: [] } }] };
          const headers = token ? { Authorization: 'Bearer ' + token } : {};
          // From the event id before the zone, so the event is replayed even if the socket opens after the change.
          const query = 'subscription ($after: ID) { zoneChanges(after: $after) { entityId } }';
          const result = await window.dispatchGraphiQL.fetcher({ query, variables: { after } }, { headers, documentAST });
          const iterator = result[Symbol.asyncIterator]();
          window.firstEvent = iterator.next().then(r => ({ ok: true, value: r.value }), e => ({ ok: false, error: String(e && (e.reason || e.code || e.message || e)) }));
          return true;
        }
        """;

    [Fact]
    public async Task The_headers_tab_token_opens_the_socket_and_a_subscription_receives_events()
    {
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var query = "{ territories(level: REGION) { totalCount } }";
        await page.GotoAsync($"{api.BaseAddress.ToString().TrimEnd('/')}/graphiql?query={Uri.EscapeDataString(query)}");
        await page.WaitForFunctionAsync("() => window.dispatchGraphiQL && document.querySelector('.graphiql-container')", null,
            new PageWaitForFunctionOptions { Timeout = 15_000 });

        // The ?query= link opened in the editor.
        Assert.Contains("territories(level: REGION)", await page.InnerTextAsync(".graphiql-query-editor"), StringComparison.Ordinal);

        // With the token in the headers: the subscription runs and sees a zone created through the API.
        var after = (await api.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM events")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await page.EvaluateAsync(Subscribe, new object[] { api.OfficerToken, after });
        var zone = await new Seed(api.GraphQL).ZoneAsync(Seed.Square(60.5, 44.5, 0.002));
        var received = await page.EvaluateAsync<JsonElement>("() => window.firstEvent");
        Assert.True(received.GetProperty("ok").GetBoolean(), received.ToString());
        Assert.Equal(zone, received.GetProperty("value").GetProperty("data").GetProperty("zoneChanges").GetProperty("entityId").GetString());

        // Without one (anonymous reading is off here) the service closes the socket: the headers really travel.
        await page.EvaluateAsync(Subscribe, new object?[] { null, null });
        var refused = await page.EvaluateAsync<JsonElement>("() => window.firstEvent");
        Assert.False(refused.GetProperty("ok").GetBoolean(), refused.ToString());
        Assert.Contains("4403", refused.ToString(), StringComparison.Ordinal);
    }
}
