using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>A bare WebSocket client for protocol tests: sends exactly what a test says, reports exactly what comes back.</summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<RawWebSocket> ConnectAsync(Uri httpBase, string? subProtocol = "graphql-transport-ws")
    {
        var client = new RawWebSocket();
        if (subProtocol is not null)
        {
            client._socket.Options.AddSubProtocol(subProtocol);
        }

        var uri = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == "https" ? "wss" : "ws", Path = "/graphql" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    public async Task SendBinaryAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, timeout.Token);
    }

    public Task InitAsync(object? payload = null) => SendAsync(new { type = "connection_init", payload = payload ?? new { } });

    public Task InitAsync(string token) => InitAsync(new { authorization = "Bearer " + token });

    /// <summary>The next message, or null when the server closed the socket (see <see cref="CloseStatus"/>).</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(message.ToArray())!.AsObject();
    }

    /// <summary>Reads until a message of the given type (skipping others, e.g. next before complete).</summary>
    public async Task<JsonObject> ReceiveTypeAsync(string type, TimeSpan? wait = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(wait) ?? throw new InvalidOperationException($"closed {CloseStatus} {CloseDescription} while waiting for {type}");
            if (message["type"]!.GetValue<string>() == type)
            {
                return message;
            }
        }
    }

    /// <summary>Waits for the server's close frame and returns its code.</summary>
    public async Task<int> ReceiveCloseAsync(TimeSpan? wait = null)
    {
        while (await ReceiveAsync(wait) is not null)
        {
        }

        return (int)CloseStatus!.Value;
    }

    /// <summary>Drops the connection without a close handshake, as a client that crashed or lost its network does.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
    }
}
