using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

/// <summary>graphql-transport-ws close codes and message flow, byte for byte, with a bare WebSocket.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class WebSocketProtocolTests(ApiFixture api)
{
    [Fact]
    public async Task Init_is_acknowledged_and_ping_gets_pong_with_its_payload()
    {
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        Assert.Equal("graphql-transport-ws", ws.SubProtocol);

        await ws.InitAsync(api.OfficerToken);
        Assert.Equal("connection_ack", (await ws.ReceiveAsync())!["type"]!.GetValue<string>());

        await ws.SendAsync(new { type = "ping", payload = new { n = 7 } });
        var pong = (await ws.ReceiveAsync())!;
        Assert.Equal("pong", pong["type"]!.GetValue<string>());
        Assert.Equal(7, pong["payload"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_query_gets_next_then_complete()
    {
        await using var ws = await InitialisedAsync();

        await ws.SendAsync(new { id = "q1", type = "subscribe", payload = new { query = "{ territory(kato: \"750000000\") { nameEn } }" } });

        var next = (await ws.ReceiveAsync())!;
        Assert.Equal("next", next["type"]!.GetValue<string>());
        Assert.Equal("q1", next["id"]!.GetValue<string>());
        Assert.Equal("Almaty", next["payload"]!["data"]!["territory"]!["nameEn"]!.GetValue<string>());
        var complete = (await ws.ReceiveAsync())!;
        Assert.Equal("complete", complete["type"]!.GetValue<string>());
        Assert.Equal("q1", complete["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validation_errors_come_as_an_error_message()
    {
        await using var ws = await InitialisedAsync();

        await ws.SendAsync(new { id = "bad", type = "subscribe", payload = new { query = "{ nope }" } });

        var error = (await ws.ReceiveAsync())!;
        Assert.Equal("error", error["type"]!.GetValue<string>());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"payload":{}}""")]
    [InlineData("""{"type":"next","id":"1","payload":{}}""")]
    [InlineData("""{"type":"subscribe","payload":{"query":"{ __typename }"}}""")]
    [InlineData("""{"type":"subscribe","id":"1","payload":{}}""")]
    public async Task Malformed_messages_close_with_4400(string message)
    {
        await using var ws = await InitialisedAsync();

        await ws.SendTextAsync(message);

        Assert.Equal(4400, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Binary_frames_close_with_4400()
    {
        await using var ws = await InitialisedAsync();

        await ws.SendBinaryAsync([1, 2, 3]);

        Assert.Equal(4400, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Subscribe_before_acknowledgement_closes_with_4401()
    {
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);

        await ws.SendAsync(new { id = "1", type = "subscribe", payload = new { query = "{ __typename }" } });

        Assert.Equal(4401, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_second_init_closes_with_4429()
    {
        await using var ws = await InitialisedAsync();

        await ws.InitAsync();

        Assert.Equal(4429, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_duplicate_subscriber_id_closes_with_4409()
    {
        await using var ws = await InitialisedAsync();
        var subscribe = new { id = "dup", type = "subscribe", payload = new { query = "subscription { events { id } }" } };

        await ws.SendAsync(subscribe);
        await ws.SendAsync(subscribe);

        Assert.Equal(4409, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task An_id_can_be_reused_after_its_operation_completes()
    {
        await using var ws = await InitialisedAsync();
        var query = new { id = "again", type = "subscribe", payload = new { query = "{ __typename }" } };

        await ws.SendAsync(query);
        await ws.ReceiveTypeAsync("complete");
        await ws.SendAsync(query);

        Assert.Equal("Query", (await ws.ReceiveTypeAsync("next"))["payload"]!["data"]!["__typename"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_without_the_subprotocol_is_closed_with_4406()
    {
        await using var ws = await RawWebSocket.ConnectAsync(api.BaseAddress, subProtocol: null);

        Assert.Equal(4406, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_client_that_never_inits_is_closed_with_4408()
    {
        await using var app = await ApiFixture.StartAsync(api.Database, new Dictionary<string, string?>
        {
            ["Dispatch:GraphQL:ConnectionInitTimeout"] = "00:00:00.300",
        });
        await using var ws = await RawWebSocket.ConnectAsync(new Uri(app.Urls.First()));

        Assert.Equal(4408, await ws.ReceiveCloseAsync(TimeSpan.FromSeconds(5)));
        await app.StopAsync();
    }

    [Fact]
    public async Task Completing_a_subscription_stops_it_without_a_reply()
    {
        await using var ws = await InitialisedAsync();
        await ws.SendAsync(new { id = "s", type = "subscribe", payload = new { query = "subscription { events { id } }" } });
        await ws.SendAsync(new { id = "s", type = "complete" });

        // The connection stays usable, and nothing about "s" arrives.
        await ws.SendAsync(new { type = "ping" });
        var reply = (await ws.ReceiveAsync())!;
        Assert.Equal("pong", reply["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subscriptions_over_HTTP_are_refused_with_a_pointer_to_the_socket()
    {
        var response = await api.GraphQL.PostAsync("subscription { events { id } }");

        Assert.Equal(400, response.Status);
        Assert.Equal("BAD_USER_INPUT", response.ErrorCode());
        Assert.Contains("WebSocket", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<RawWebSocket> InitialisedAsync()
    {
        var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
        await ws.InitAsync(api.OfficerToken);
        var ack = await ws.ReceiveAsync();
        Assert.Equal("connection_ack", ack!["type"]!.GetValue<string>());
        return ws;
    }
}
