using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>
/// A partner's system on loopback (Kestrel, plain HTTP or HTTPS with the certificate given): records every POST it is
/// sent (body and headers) and answers 200, or the status it is told to.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<(byte[] Body, string? Signature, string? IdempotencyKey)> _received = [];

    public WebhookReceiver(int port, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // A POST held back on purpose must not hold the test's teardown for Kestrel's default 30 s.
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromMilliseconds(200));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        _app = builder.Build();
        _app.Run(ServeAsync);
        _app.StartAsync().GetAwaiter().GetResult();
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

    private async Task ServeAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var status = Status;
        if (status is >= 200 and < 300)
        {
            lock (_gate)
            {
                _received.Add((body.ToArray(), context.Request.Headers["X-Dispatch-Signature"], context.Request.Headers["Idempotency-Key"]));
            }
        }

        try
        {
            if (AnswerAfter > TimeSpan.Zero)
            {
                await Task.Delay(AnswerAfter, context.RequestAborted);
            }

            await AnswerWhen.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The sender went away while the answer was held back (its instance was killed, or it gave up): it will send again.
            return;
        }

        context.Response.StatusCode = status;
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
