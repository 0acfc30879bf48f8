using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatch.Gis.FeedSimulator;

/// <summary>What can go wrong with a feed, on demand: the failures a poll must survive without writing anything.</summary>
public enum FaultMode
{
    None,

    /// <summary>HTTP 500 with an error page.</summary>
    Http500,

    /// <summary>No answer until the client gives up.</summary>
    Timeout,

    /// <summary>HTTP 200 with bytes that are no format at all.</summary>
    Garbage,
}

public sealed record ServedRequest(long Sequence, DateTimeOffset At, int Status, string? Fault);

/// <summary>
/// A small real HTTP server on loopback that serves monitoring feeds: the scenario's generated feeds under /feeds/…,
/// payloads put there by a test (with time placeholders filled at each request), and faults on demand. The control
/// API (/control/…) does over HTTP what the methods do in process, for run.sh and for tools in another process.
/// </summary>
public sealed partial class FeedSimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string ContentType, string Body)> _payloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (FaultMode Mode, int Remaining)> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<ServedRequest>> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _frozen = new(StringComparer.Ordinal);
    private readonly Lock _clockGate = new();
    private DateTimeOffset _clockStart = DateTimeOffset.UtcNow;
    private double _clockOffset;
    private long _sequence;

    private FeedSimulatorServer(WebApplication app, Scenario? scenario, double speed)
    {
        _app = app;
        Scenario = scenario;
        Speed = speed;
    }

    public Scenario? Scenario { get; }

    /// <summary>Scenario seconds per real second.</summary>
    public double Speed { get; }

    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>Fires when the host is asked to stop (SIGTERM, Ctrl-C): the host takes those signals, so a program waits on this.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The URL a feed at <paramref name="path"/> is served at.</summary>
    public string FeedUrl(string path) => new Uri(BaseAddress, "/feeds/" + path.TrimStart('/')).ToString();

    public static async Task<FeedSimulatorServer> StartAsync(string url = "http://127.0.0.1:0", string? scenarioPath = null, double speed = 1,
        LogLevel logLevel = LogLevel.Warning)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(FeedSimulatorServer).Assembly.GetName().Name });
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(logLevel);
        var app = builder.Build();
        var server = new FeedSimulatorServer(app, scenarioPath is null ? null : Scenario.Load(scenarioPath), speed);
        server.Map(app);
        await app.StartAsync();
        return server;
    }

    /// <summary>
    /// Serves <paramref name="body"/> at /feeds/<paramref name="path"/>; {{now±s}} (ISO UTC), {{nowMs±s}} (epoch ms), {{nowCap±s}} (CAP, +05:00),
    /// {{nowLocal±s}} (ISO, Kazakhstan time, no offset), {{nowRu±s}} (dd.MM.yyyy HH:mm, Kazakhstan time) and {{seq}} (request number) are filled per request.
    /// </summary>
    public void SetPayload(string path, string body, string contentType = "text/plain; charset=utf-8") => _payloads[Key(path)] = (contentType, body);

    public void RemovePayload(string path) => _payloads.TryRemove(Key(path), out _);

    /// <summary>The next <paramref name="count"/> requests (all, when null) to the path fail this way.</summary>
    public void SetFault(string path, FaultMode mode, int? count = null)
    {
        if (mode == FaultMode.None)
        {
            _faults.TryRemove(Key(path), out _);
        }
        else
        {
            _faults[Key(path)] = (mode, count ?? int.MaxValue);
        }
    }

    /// <summary>A scenario feed stops: it keeps answering with the data it had now (which then grows old).</summary>
    public void Stop(string path) => _frozen[Key(path)] = ScenarioTime().T;

    public void Resume(string path) => _frozen.TryRemove(Key(path), out _);

    /// <summary>Moves the scenario clock to second <paramref name="t"/> of the loop.</summary>
    public void SetClock(double t)
    {
        lock (_clockGate)
        {
            _clockStart = DateTimeOffset.UtcNow;
            _clockOffset = t;
        }
    }

    public IReadOnlyList<ServedRequest> Requests(string path)
    {
        if (!_served.TryGetValue(Key(path), out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public (double T, long Loop) ScenarioTime()
    {
        lock (_clockGate)
        {
            var elapsed = (DateTimeOffset.UtcNow - _clockStart).TotalSeconds * Speed + _clockOffset;
            var loop = Scenario?.LoopSeconds ?? double.MaxValue;
            return (elapsed % loop, (long)Math.Floor(elapsed / loop));
        }
    }

    private static string Key(string path) => path.Trim('/');

    private void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Text(Index(), "text/plain; charset=utf-8"));
        app.MapGet("/feeds/{**path}", ServeAsync);
        app.MapPut("/control/payloads/{**path}", async (string path, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            SetPayload(path, await reader.ReadToEndAsync(), request.ContentType ?? "text/plain; charset=utf-8");
            return Results.NoContent();
        });
        app.MapDelete("/control/payloads/{**path}", (string path) =>
        {
            RemovePayload(path);
            return Results.NoContent();
        });
        app.MapPost("/control/faults/{**path}", (string path, string mode, int? count) =>
            Enum.TryParse<FaultMode>(mode, ignoreCase: true, out var fault) ? Results.Ok(Set(path, fault, count)) : Results.BadRequest($"unknown fault mode {mode}"));
        app.MapPost("/control/stop/{**path}", (string path) =>
        {
            Stop(path);
            return Results.NoContent();
        });
        app.MapPost("/control/resume/{**path}", (string path) =>
        {
            Resume(path);
            return Results.NoContent();
        });
        app.MapPost("/control/clock", (double t) =>
        {
            SetClock(t);
            return Results.Ok(new { t });
        });
        app.MapGet("/control/requests/{**path}", (string path) => Results.Ok(new { path, requests = Requests(path) }));
        app.MapGet("/control/state", () =>
        {
            var (t, loop) = ScenarioTime();
            return Results.Ok(new { scenario = Scenario?.Name, t, loop, speed = Speed, payloads = _payloads.Keys.Order(), faults = _faults.ToDictionary(f => f.Key, f => f.Value.Mode.ToString()),
                stopped = _frozen.Keys.Order() });
        });
    }

    private object Set(string path, FaultMode fault, int? count)
    {
        SetFault(path, fault, count);
        return new { path, fault = fault.ToString(), count };
    }

    private async Task ServeAsync(string path, HttpContext http)
    {
        var key = Key(path);
        var sequence = Interlocked.Increment(ref _sequence);
        var fault = TakeFault(key);
        var status = 200;
        try
        {
            switch (fault)
            {
                case FaultMode.Http500:
                    status = 500;
                    http.Response.StatusCode = 500;
                    await http.Response.WriteAsync("<html><body><h1>500 Internal Server Error</h1></body></html>", http.RequestAborted);
                    return;
                case FaultMode.Timeout:
                    status = 0;
                    await Task.Delay(TimeSpan.FromMinutes(5), http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                case FaultMode.Garbage:
                    http.Response.ContentType = "application/octet-stream";
                    await http.Response.Body.WriteAsync(Garbage(sequence), http.RequestAborted);
                    return;
            }

            if (_payloads.TryGetValue(key, out var payload))
            {
                http.Response.ContentType = payload.ContentType;
                await http.Response.WriteAsync(Fill(payload.Body, DateTimeOffset.UtcNow, sequence), http.RequestAborted);
                return;
            }

            if (Scenario?.Feeds.FirstOrDefault(f => Key(f.Path) == key) is { } feed)
            {
                var (t, loop) = ScenarioTime();
                var now = DateTimeOffset.UtcNow;
                if (_frozen.TryGetValue(key, out var stoppedAt) && t > stoppedAt)
                {
                    now -= TimeSpan.FromSeconds((t - stoppedAt) / Speed);
                    t = stoppedAt;
                }

                http.Response.ContentType = feed.ContentType;
                await http.Response.WriteAsync(Payloads.Generate(feed, now, t, loop, Speed), http.RequestAborted);
                return;
            }

            status = 404;
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync($"no feed at /feeds/{key}", http.RequestAborted);
        }
        finally
        {
            var list = _served.GetOrAdd(key, _ => []);
            lock (list)
            {
                list.Add(new ServedRequest(sequence, DateTimeOffset.UtcNow, status, fault == FaultMode.None ? null : fault.ToString()));
            }
        }
    }

    private FaultMode TakeFault(string key)
    {
        while (_faults.TryGetValue(key, out var fault))
        {
            var next = fault.Remaining - 1;
            if (next <= 0 ? _faults.TryRemove(KeyValuePair.Create(key, fault)) : _faults.TryUpdate(key, (fault.Mode, next), fault))
            {
                return fault.Mode;
            }
        }

        return FaultMode.None;
    }

    private static byte[] Garbage(long seed)
    {
        var bytes = new byte[4096];
        new Random((int)seed).NextBytes(bytes);
        return bytes;
    }

    [GeneratedRegex(@"\{\{(now|nowMs|nowCap|nowLocal|nowRu|seq)([+-][0-9]+)?\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Fills the time placeholders of a stored payload for this moment, so a fixture never grows old.</summary>
    public static string Fill(string body, DateTimeOffset now, long sequence) => Placeholder().Replace(body, m =>
    {
        var at = now + TimeSpan.FromSeconds(m.Groups[2].Success ? double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0);
        return m.Groups[1].Value switch
        {
            "nowMs" => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            "nowCap" => at.ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            "nowLocal" => at.ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
            "nowRu" => at.ToOffset(TimeSpan.FromHours(5)).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture),
            "seq" => sequence.ToString(CultureInfo.InvariantCulture),
            _ => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
    });

    private string Index()
    {
        var (t, loop) = ScenarioTime();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Dispatch.Gis feed simulator: scenario {Scenario?.Name ?? "(none)"}, second {t:0} of loop {loop}, speed {Speed}");
        foreach (var feed in Scenario?.Feeds ?? [])
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {FeedUrl(feed.Path)}  {feed.Format}{(feed.StopsAt is { } s ? $", stops at second {s}" : "")}");
        }

        foreach (var path in _payloads.Keys.Order(StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {FeedUrl(path)}  (stored payload)");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
