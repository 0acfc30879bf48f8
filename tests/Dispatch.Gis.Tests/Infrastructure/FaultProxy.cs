using System.Net;
using System.Net.Sockets;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback between the service and PostgreSQL that the test steers: added latency per chunk in each
/// direction, every connection dropped at once (reset, as a firewall or a failed-over address does), and half-open —
/// sockets stay up but nothing is forwarded either way, the case no error ever reports and only a timeout ends.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private TaskCompletionSource _forwarding = Completed();
    private readonly Task _accepting;

    private FaultProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Added before each chunk is passed on, in both directions.</summary>
    public TimeSpan Latency { get; set; }

    public int Connections
    {
        get
        {
            lock (_gate)
            {
                return _pairs.Count;
            }
        }
    }

    public static FaultProxy Start(string host, int port) => new(new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port));

    /// <summary>The same connection string, through this proxy.</summary>
    public string Through(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Resets every open connection; new ones are forwarded as before.</summary>
    public void DropAll()
    {
        lock (_gate)
        {
            foreach (var (client, server) in _pairs)
            {
                Reset(client);
                Reset(server);
            }

            _pairs.Clear();
        }
    }

    /// <summary>Half-open: connections (old and new) stay up and nothing passes until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        lock (_gate)
        {
            if (_forwarding.Task.IsCompleted)
            {
                _forwarding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _forwarding.TrySetResult();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        lock (_gate)
        {
            _pairs.Add((client, server));
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        await Task.WhenAny(PumpAsync(client, server, done.Token), PumpAsync(server, client, done.Token));
        await done.CancelAsync();
        lock (_gate)
        {
            _pairs.Remove((client, server));
        }

        client.Dispose();
        server.Dispose();
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return;
                }

                Task forwarding;
                lock (_gate)
                {
                    forwarding = _forwarding.Task;
                }

                await forwarding.WaitAsync(ct);
                if (Latency > TimeSpan.Zero)
                {
                    await Task.Delay(Latency, ct);
                }

                await sink.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The other side went away, or the test dropped the pair.
        }
    }

    private static void Reset(TcpClient socket)
    {
        try
        {
            socket.Client.LingerState = new LingerOption(true, 0);
            socket.Client.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        DropAll();
        await _accepting;
        _stop.Dispose();
    }
}
