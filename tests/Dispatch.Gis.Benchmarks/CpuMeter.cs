using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Dispatch.Gis.Benchmarks;

/// <summary>
/// CPU time spent during a run, read from Linux /proc: the service process, the PostgreSQL backends connected to the
/// benchmark database, this load tool, and the whole machine (so other work on the box shows as "other").
/// Where /proc is not there (not Linux), the figures are NaN; nothing fails.
/// </summary>
internal sealed class CpuMeter
{
    // USER_HZ: 100 on every mainstream Linux build; /proc/[pid]/stat times are in these ticks.
    private const double TicksPerSecond = 100;

    private const string MeterApplication = "dispatch-bench-meter";

    private readonly int? _serverPid;
    private readonly NpgsqlDataSource? _db;
    private double _server;
    private Dictionary<int, double> _backends = [];
    private Dictionary<int, double> _cluster = [];
    private TimeSpan _self;
    private (double Busy, double Total) _machine;
    private long _started;

    public CpuMeter(int? serverPid)
    {
        _serverPid = serverPid;
        _db = _meterSource;
    }

    private static NpgsqlDataSource? _meterSource;

    /// <summary>
    /// The benchmark database whose backends are measured. The meter asks through a pool of its own, so the
    /// connections doing the work are never the one that is looking.
    /// </summary>
    public static void UseDatabase(string connectionString) =>
        _meterSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = MeterApplication, MaxPoolSize = 2 }.ConnectionString);

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the machine has been nearly idle for a second, so a run does not
    /// start on top of other work; says so when it gives up. What still runs alongside shows as "other".
    /// </summary>
    public static async Task WaitForQuietAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        double busyCores;
        do
        {
            var before = Machine();
            await Task.Delay(1000);
            var after = Machine();
            busyCores = (after.Busy - before.Busy) / TicksPerSecond;
            if (double.IsNaN(busyCores) || busyCores < 0.15)
            {
                return;
            }
        }
        while (clock.Elapsed < limit);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    (machine still busy: {busyCores:F2} cores in use before the run)"));
    }

    public async Task StartAsync()
    {
        _server = _serverPid is { } pid ? ProcessSeconds(pid) : double.NaN;
        _backends = await BackendSecondsAsync();
        _cluster = PostgresProcesses();
        _self = Process.GetCurrentProcess().TotalProcessorTime;
        _machine = Machine();
        _started = Stopwatch.GetTimestamp();
    }

    public async Task<CpuUsage> StopAsync()
    {
        var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var machine = Machine();
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalSeconds;
        var server = _serverPid is { } pid ? ProcessSeconds(pid) - _server : double.NaN;
        var backends = await BackendSecondsAsync();
        // A backend that appeared during the run (a new pooled connection) counts from zero.
        var postgres = backends.Sum(b => b.Value - _backends.GetValueOrDefault(b.Key));
        // The rest of the cluster: WAL writer, checkpointer, autovacuum, other databases' backends (a process that
        // both started and ended within the run is missed).
        var cluster = PostgresProcesses().Where(p => !backends.ContainsKey(p.Key)).Sum(p => p.Value - _cluster.GetValueOrDefault(p.Key));
        var busy = (machine.Busy - _machine.Busy) / TicksPerSecond;
        return new CpuUsage(elapsed, server, _db is null ? double.NaN : postgres, cluster, self, busy, Environment.ProcessorCount);
    }

    /// <summary>The service's pid: DISPATCH_BENCH_SERVER_PID, else the process whose command line names the API dll and this URL's port.</summary>
    public static int? FindServer(Uri baseUrl)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("DISPATCH_BENCH_SERVER_PID"), CultureInfo.InvariantCulture, out var pid))
        {
            return pid;
        }

        if (!Directory.Exists("/proc"))
        {
            return null;
        }

        var port = ":" + baseUrl.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var candidate) || candidate == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains("Dispatch.Gis.Api", StringComparison.Ordinal) && cmdline.Contains(port, StringComparison.Ordinal)
                    && !cmdline.Contains("Dispatch.Gis.Benchmarks", StringComparison.Ordinal))
                {
                    return candidate;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    private async Task<Dictionary<int, double>> BackendSecondsAsync()
    {
        var result = new Dictionary<int, double>();
        if (_db is null)
        {
            return result;
        }

        await using var cmd = _db.CreateCommand(
            $"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> '{MeterApplication}'");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var pid = reader.GetInt32(0);
            result[pid] = ProcessSeconds(pid);
        }

        return result;
    }

    private static Dictionary<int, double> PostgresProcesses()
    {
        var result = new Dictionary<int, double>();
        if (!Directory.Exists("/proc"))
        {
            return result;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && Comm(pid) == "postgres")
            {
                result[pid] = ProcessSeconds(pid);
            }
        }

        return result;
    }

    private static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based over the whole line).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
        catch (UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    private static (double Busy, double Total) Machine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user/nice]
            var idle = ticks[3] + ticks[4];
            var total = ticks.Take(8).Sum();
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }
    }
}

/// <summary>CPU seconds over a run of <see cref="Seconds"/> wall-clock seconds.</summary>
internal sealed record CpuUsage(double Seconds, double Server, double Postgres, double PostgresOther, double Bench, double MachineBusy, int Cores)
{
    public double Other => MachineBusy - Server - Zero(Postgres) - Zero(PostgresOther) - Bench;

    /// <summary>CPU the service and its database spent (backends of the benchmark database and the cluster's own processes).</summary>
    public double ServiceAndDatabase => Zero(Server) + Zero(Postgres) + Zero(PostgresOther);

    private static double Zero(double value) => double.IsNaN(value) ? 0 : value;

    /// <summary>Per unit of work (a request, a batch…), in milliseconds of CPU.</summary>
    public string Per(double units, string unit) => string.Create(CultureInfo.InvariantCulture,
        $"cpu/{unit}: server={Server * 1000 / units:F3} ms postgres={Postgres * 1000 / units:F3} ms (+cluster {PostgresOther * 1000 / units:F3} ms) " +
        $"bench={Bench * 1000 / units:F3} ms | machine busy {MachineBusy / Seconds:F2} of {Cores} cores (server {Server / Seconds:F2}, " +
        $"postgres {Postgres / Seconds:F2}+{PostgresOther / Seconds:F2}, bench {Bench / Seconds:F2}, other {Other / Seconds:F2})");
}
