using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using GraphQL;
using GraphQL.Transport;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// One graphql-transport-ws connection (github.com/enisdenjo/graphql-ws, PROTOCOL.md): connection_init → ack,
/// ping/pong, subscribe → next* → complete | error, client complete, and the protocol's close codes.
/// Each operation runs in its own DI scope; all writes to the socket are serialised.
/// </summary>
internal sealed class GraphQLWebSocketSession(
    WebSocket socket,
    GraphQLRequestExecutor executor,
    IGraphQLTextSerializer serializer,
    IServiceScopeFactory scopes,
    GraphQLLimits limits,
    TokenValidator tokens,
    bool allowAnonymousRead,
    string? clientAddress,
    WebSocketSessions sessions,
    ILogger logger) : IDisposable
{
    public const string SubProtocol = "graphql-transport-ws";

    private static readonly TimeSpan CloseHandshakeWait = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _session = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private int _initReceived;
    private volatile bool _acknowledged;
    private int _closing;
    private ClaimsPrincipal? _user;
    private Task _expiry = Task.CompletedTask;

    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping)
    {
        // A stopping instance says goodbye (1001) so clients reconnect elsewhere and resume with `after`.
        await using var onStop = stopping.Register(() => _ = CloseAsync((int)WebSocketCloseStatus.EndpointUnavailable, "Server shutting down"));
        using var link = CancellationTokenSource.CreateLinkedTokenSource(aborted, _session.Token);
        var ct = link.Token;
        sessions.Opened();
        var initTimeout = CloseUnlessInitialisedAsync(ct);
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            // CloseSent: we closed and now wait (briefly) for the client's close frame, completing the handshake.
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent && !ct.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.GetMemory(4096), ct);
                    buffer.Advance(received.Count);
                    if (buffer.WrittenCount > limits.MaxRequestBytes)
                    {
                        await CloseAsync(4400, "Message too large");
                        return;
                    }
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync((int)WebSocketCloseStatus.NormalClosure, "");
                    return;
                }

                if (Volatile.Read(ref _closing) == 1)
                {
                    continue; // after our close frame, messages are read only to reach the client's close
                }

                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    await CloseAsync(4400, "Binary messages are not supported");
                    return;
                }

                await HandleAsync(buffer.WrittenMemory, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (WebSocketException ex)
        {
            logger.LogDebug(ex, "WebSocket ended abruptly");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "WebSocket session failed");
            await CloseAsync(4500, "Internal server error");
        }
        finally
        {
            try
            {
                await CancelOperationsAsync();

                // Operations write through this session's lock; let them finish before it is disposed. The timers (init
                // timeout, token expiry) end with the session too, so a closed socket holds nothing for the token's lifetime.
                await Task.WhenAll(_running.Keys);
                _operations.Clear();
                await _session.CancelAsync();
                await Task.WhenAll(initTimeout, _expiry);
            }
            finally
            {
                sessions.Closed();
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(message);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await CloseAsync(4400, "Invalid message received: not JSON");
            return;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            await CloseAsync(4400, "Invalid message received: no type");
            return;
        }

        switch (typeElement.GetString())
        {
            case "connection_init":
                await InitAsync(root);
                break;
            case "ping":
                await SendAsync(root.TryGetProperty("payload", out var ping) ? new { type = "pong", payload = ping } : new { type = "pong" }, ct);
                break;
            case "pong":
                break;
            case "subscribe":
                await SubscribeAsync(root, ct);
                break;
            case "complete":
                if (TryGetId(root) is { } id && _operations.TryRemove(id, out var operation))
                {
                    await CancelQuietlyAsync(operation);
                }

                break;
            default:
                await CloseAsync(4400, $"Invalid message received: type '{Truncate(typeElement.GetString())}'");
                break;
        }
    }

    private async Task InitAsync(JsonElement message)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) == 1)
        {
            await CloseAsync(4429, "Too many initialisation requests");
            return;
        }

        if (message.TryGetProperty("payload", out var payload) && payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            await CloseAsync(4400, "Invalid message received: connection_init payload must be an object");
            return;
        }

        // The access token travels in the init payload, as "authorization": "Bearer …" or "token": "…".
        var token = BearerToken(payload);
        if (token is null)
        {
            if (!allowAnonymousRead)
            {
                await CloseAsync(4403, "Forbidden: connection_init needs an access token");
                return;
            }
        }
        else
        {
            var validated = await tokens.ValidateAsync(token, _session.Token);
            if (validated is not { } identity)
            {
                await CloseAsync(4403, "Forbidden: the access token is invalid or expired");
                return;
            }

            _user = identity.Principal;
            _expiry = CloseAtExpiryAsync(identity.ExpiresUtc);
        }

        _acknowledged = true;
        await SendAsync(new { type = "connection_ack" }, _session.Token);
    }

    private async Task SubscribeAsync(JsonElement message, CancellationToken ct)
    {
        if (!_acknowledged)
        {
            await CloseAsync(4401, "Unauthorized");
            return;
        }

        var id = TryGetId(message);
        if (id is null || !message.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
        {
            await CloseAsync(4400, "Invalid message received: subscribe needs an id and a payload with a query");
            return;
        }

        GraphQLRequest request;
        try
        {
            request = serializer.Deserialize<GraphQLRequest>(payload.GetRawText())!;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException or ArgumentException)
        {
            // ArgumentException: an object of the variables that repeats a key.
            await CloseAsync(4400, "Invalid message received: subscribe payload is not a GraphQL request");
            return;
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (!_operations.TryAdd(id, cancel))
        {
            await CloseAsync(4409, $"Subscriber for {Truncate(id)} already exists");
            return;
        }

        if (_operations.Count > limits.MaxOperationsPerConnection)
        {
            _operations.TryRemove(id, out _);
            await SendErrorAsync(id, GraphQLRequestExecutor.RequestError(ErrorCodes.QueryTooComplex,
                $"this connection already runs {limits.MaxOperationsPerConnection} operations; complete some first").Errors!, ct);
            return;
        }

        var running = RunOperationAsync(id, request, cancel);
        _running.TryAdd(running, true);
        _ = running.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RunOperationAsync(string id, GraphQLRequest request, CancellationTokenSource cancel)
    {
        var ct = cancel.Token;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var flow = scope.ServiceProvider.GetRequiredService<OperationFlowControl>();
            var result = await executor.ExecuteAsync(request, GraphQLTransport.WebSocket, scope.ServiceProvider, _user, clientAddress,
                System.Diagnostics.ActivityTraceId.CreateRandom().ToString(), ct);

            // As over HTTP (a 503), an answer the database could not give is refused whole, not sent as partial data.
            if (!result.Executed || (result.Streams is null && result.Data is null && result.Errors is { Count: > 0 })
                || result.Errors?.Any(e => DispatchErrorInfoProvider.Classify(e).Code == ErrorCodes.ServiceUnavailable) == true)
            {
                await SendErrorAsync(id, result.Errors ?? [], ct);
                return;
            }

            if (result.Streams is { Count: > 0 } streams)
            {
                await PumpStreamAsync(id, streams.Values.Single(), flow, ct);
                return;
            }

            if (await SendNextAsync(id, result, ct))
            {
                await SendAsync(new { id, type = "complete" }, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client completed the operation or the socket went away: nothing more to say.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Operation {OperationId} failed", id);
            await CloseAsync(4500, "Internal server error");
        }
        finally
        {
            if (_operations.TryGetValue(id, out var current) && current == cancel)
            {
                _operations.TryRemove(id, out _);
            }

            cancel.Dispose();
        }
    }

    private async Task PumpStreamAsync(string id, IObservable<ExecutionResult> stream, OperationFlowControl flow, CancellationToken ct)
    {
        // The flow credits bound this queue: the source waits for a credit before each item.
        var queue = Channel.CreateUnbounded<StreamItem>(new UnboundedChannelOptions { SingleReader = true });
        using (stream.Subscribe(new QueueObserver(queue.Writer)))
        {
            await foreach (var item in queue.Reader.ReadAllAsync(ct))
            {
                switch (item)
                {
                    case { Result: { } next }:
                        if (!await SendNextAsync(id, next, ct))
                        {
                            return;
                        }

                        flow.Return();
                        break;
                    case { Error: { } error }:
                        await SendErrorAsync(id, [error as ExecutionError ?? new ExecutionError("event stream failed", error) { Code = ErrorCodes.Internal }], ct);
                        return;
                    default:
                        await SendAsync(new { id, type = "complete" }, ct);
                        return;
                }
            }
        }
    }

    /// <summary>Sends one result, or, past the size limit, an error that ends the operation (false).</summary>
    private async Task<bool> SendNextAsync(string id, ExecutionResult result, CancellationToken ct)
    {
        var maxBytes = limits.MaxResponseBytes;
        var bytes = System.Text.Encoding.UTF8.GetBytes(serializer.Serialize(new Dictionary<string, object?> { ["id"] = id, ["type"] = "next", ["payload"] = result }));
        if (bytes.Length <= maxBytes)
        {
            await SendBytesAsync(bytes, ct);
            return true;
        }

        await SendErrorAsync(id, ResponseSize.TooLarge(result, maxBytes).Errors!, ct);
        return false;
    }

    private Task SendErrorAsync(string id, IEnumerable<ExecutionError> errors, CancellationToken ct) =>
        SendAsync(new Dictionary<string, object?> { ["id"] = id, ["type"] = "error", ["payload"] = errors.ToArray() }, ct);

    // GraphQL.NET's serializer, so results and errors are written exactly as over HTTP.
    private Task SendAsync(object message, CancellationToken ct) => SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(serializer.Serialize(message)), ct);

    private async Task SendBytesAsync(byte[] bytes, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
                stalled.CancelAfter(limits.WebSocketSendTimeout);
                try
                {
                    await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, stalled.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The cancelled send has aborted the socket; ending the session ends its operations and frees their buffers.
                    logger.LogInformation("WebSocket dropped: the client read nothing for {Timeout} ({Bytes} bytes waiting)",
                        limits.WebSocketSendTimeout, bytes.Length);
                    await _session.CancelAsync();
                    throw;
                }
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static string? BearerToken(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in new[] { "authorization", "Authorization", "token" })
        {
            if (payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? text[7..].Trim() : text.Trim();
            }
        }

        return null;
    }

    /// <summary>A socket lives no longer than the token that opened it.</summary>
    private async Task CloseAtExpiryAsync(DateTime expiresUtc)
    {
        try
        {
            var wait = expiresUtc - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _session.Token);
            }

            await CloseAsync(4403, "Forbidden: the access token expired");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CloseUnlessInitialisedAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(limits.ConnectionInitTimeout, ct);
            if (Volatile.Read(ref _initReceived) == 0)
            {
                await CloseAsync(4408, "Connection initialisation timeout");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CancelOperationsAsync()
    {
        foreach (var operation in _operations.Values)
        {
            await CancelQuietlyAsync(operation);
        }
    }

    // An operation that ends on its own disposes its source while the session may be cancelling it from another
    // thread (a client's complete, a close, the socket going away): cancelling what already ended is not an error,
    // and must not stop the session's clean-up (which would leave it counted as open for good).
    private static async Task CancelQuietlyAsync(CancellationTokenSource operation)
    {
        try
        {
            await operation.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CloseAsync(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return;
        }

        await _sendLock.WaitAsync();
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _sendLock.Release();
            // Stop the operations now; the receive loop gets a moment to read the client's close frame,
            // since cancelling a pending receive would abort the connection instead of closing it.
            await CancelOperationsAsync();
            _session.CancelAfter(CloseHandshakeWait);
        }
    }

    public void Dispose()
    {
        _sendLock.Dispose();
        _session.Dispose();
    }

    private static string? TryGetId(JsonElement message) =>
        message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } value ? value : null;

    // Close reasons are limited to 123 bytes by RFC 6455.
    private static string Truncate(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40];

    private sealed record StreamItem(ExecutionResult? Result, Exception? Error);

    private sealed class QueueObserver(ChannelWriter<StreamItem> writer) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value) => writer.TryWrite(new StreamItem(value, null));

        public void OnError(Exception error) => writer.TryWrite(new StreamItem(null, error));

        public void OnCompleted() => writer.TryWrite(new StreamItem(null, null));
    }
}
