using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dispatch.Gis.Tests.GraphQL;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class WebSocketSessionTests(ApiFixture api)
{
    [Fact]
    public async Task Issue9_a_thousand_authenticated_sessions_opened_and_closed_leave_nothing_behind()
    {
        var sessions = api.Services.GetRequiredService<WebSocketSessions>();
        var before = sessions.Open;

        // Ten waves of a hundred: half close politely, half drop the connection, each after subscribing to something.
        for (var wave = 0; wave < 10; wave++)
        {
            var sockets = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                var ws = await RawWebSocket.ConnectAsync(api.BaseAddress);
                await ws.InitAsync(api.OfficerToken);
                await ws.ReceiveTypeAsync("connection_ack", TimeSpan.FromSeconds(60));
                if (i % 4 == 0)
                {
                    await ws.SendAsync(new { id = "z", type = "subscribe", payload = new { query = "subscription { zoneChanges { id } }" } });
                }

                return ws;
            }));
            Assert.True(sessions.Open >= before + 100, $"only {sessions.Open - before} of 100 sessions counted while open");
            foreach (var (ws, i) in sockets.Select((ws, i) => (ws, i)))
            {
                if (i % 2 == 0)
                {
                    ws.Abort();
                }

                await ws.DisposeAsync();
            }
        }

        // The count goes back only when a session's timers and operations have all ended (a generous wait: on a loaded
        // machine a thousand closes take a while, and only the end state is asserted).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (sessions.Open > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(before, sessions.Open);
    }
}
