using System.Net;
using System.Net.Sockets;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>A partner's system on loopback: records every POST it is sent (body and headers) and answers 200, or the status it is told to.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(byte[] Body, string? Signature, string? IdempotencyKey)> _received = [];

    public WebhookReceiver(int port)
    {
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Status { get; set; } = 200;

    /// <summary>How long the receiver takes to answer after it has recorded a POST: a slow partner keeps deliveries in flight.</summary>
    public TimeSpan AnswerAfter { get; set; } = TimeSpan.Zero;

    /// <summary>Until this completes, every POST is recorded and then left unanswered: a partner's system taking its time.</summary>
    public Task AnswerWhen { get; set; } = Task.CompletedTask;

    public IReadOnlyList<(byte[] Body, string? Signature, string? IdempotencyKey)> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>A port nothing listens on (yet): a receiver that is down refuses connections there.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var status = Status;
            if (status is >= 200 and < 300)
            {
                lock (_gate)
                {
                    _received.Add((body.ToArray(), context.Request.Headers["X-Dispatch-Signature"], context.Request.Headers["Idempotency-Key"]));
                }
            }

            if (AnswerAfter > TimeSpan.Zero)
            {
                await Task.Delay(AnswerAfter);
            }

            await AnswerWhen;

            try
            {
                context.Response.StatusCode = status;
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The sender went away while the answer was held back (its instance was killed): it will send again.
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
