using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// The service as a process of its own, as production runs it: for what one process cannot show — a second member
/// of a scheduler cluster (Quartz keeps one scheduler per name and process), or an instance killed outright.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote, for the failure message of a test.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(60));
            }
        }
    }

    public static async Task<ServiceProcess> StartAsync(TestDatabase database, IDictionary<string, string?> settings, TimeSpan? readyWithin = null)
    {
        var dll = ServiceDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ConnectionStrings__Dispatch"] = database.Service;
        start.Environment["ConnectionStrings__DispatchOwner"] = database.Owner;
        start.Environment["Dispatch__Auth__SigningKey"] = ApiFixture.TestSigningKey;
        start.Environment["Dispatch__Auth__MutationsPerMinute"] = "100000";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => service.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => service.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(60));
        return service;
    }

    /// <summary>SIGKILL: no shutdown, no goodbye — the way a machine dies.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service was not ready within {within}:\n{Output}");
    }

    private static string ServiceDll()
    {
        // The service's own build output (with its runtimeconfig), in the configuration the tests were built in.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Debug" : "Release";
        var project = PostgisServer.FindRepoFile(Path.Combine("src", "Dispatch.Gis.Api", "Dispatch.Gis.Api.csproj"))
            ?? throw new InvalidOperationException("run the tests from the repository: the service project is not found");
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", configuration, "net10.0", "Dispatch.Gis.Api.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"build the service first: {dll} is missing");
    }

    /// <summary>A bearer token the service processes accept (they validate with the suite's signing key).</summary>
    internal static string Token(string subject, global::Dispatch.Gis.Auth.Role role, string? serviceId = null) =>
        new global::Dispatch.Gis.Auth.TokenIssuer(Microsoft.Extensions.Options.Options.Create(new global::Dispatch.Gis.Auth.AuthOptions { SigningKey = ApiFixture.TestSigningKey }))
            .Issue(subject, role, ["*"], subject, serviceId);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first, as an orchestrator stops a container; then the hard way.
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        _process.Dispose();
    }
}
