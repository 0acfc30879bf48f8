using System.Net.WebSockets;
using Dispatch.Gis.Auth;
using GraphQL;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.GraphQL;

internal sealed class GraphQLWebSocketEndpoint(
    GraphQLRequestExecutor executor,
    IGraphQLTextSerializer serializer,
    IServiceScopeFactory scopes,
    IOptions<GraphQLLimits> limits,
    IOptions<AuthOptions> auth,
    TokenValidator tokens,
    IHostApplicationLifetime lifetime,
    WebSocketSessions sessions,
    ILogger<GraphQLWebSocketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWebSocketSession.SubProtocol))
        {
            // As graphql-ws servers do: accept, then close with 4406 so the client learns why.
            using var rejected = await http.WebSockets.AcceptWebSocketAsync();
            await rejected.CloseOutputAsync((WebSocketCloseStatus)4406, "Subprotocol not acceptable", http.RequestAborted);
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = GraphQLWebSocketSession.SubProtocol,
            // Transport-level pings keep idle subscriptions alive through proxies and find dead peers.
            KeepAliveInterval = TimeSpan.FromSeconds(30),
        });
        using var session = new GraphQLWebSocketSession(socket, executor, serializer, scopes, limits.Value, tokens,
            auth.Value.AllowAnonymousRead, http.Connection.RemoteIpAddress?.ToString(), sessions, logger);
        await session.RunAsync(http.RequestAborted, lifetime.ApplicationStopping);
    }
}

/// <summary>Open graphql-transport-ws sessions of this instance; a session counts until everything it started has ended.</summary>
internal sealed class WebSocketSessions
{
    private long _open;

    public long Open => Interlocked.Read(ref _open);

    public void Opened() => Interlocked.Increment(ref _open);

    public void Closed() => Interlocked.Decrement(ref _open);
}
