using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL 15 + PostGIS cluster of one test's own, made as ./postgis.sh makes the shared one (initdb, loopback
/// only, the postgres user when running as root), on a free port in a temporary folder, so a test may restart or
/// stop it without touching anyone else's database. Removed on dispose. The server always logs to a file: one that
/// inherited our redirected stdout would keep the pipe, and the call, open.
/// </summary>
internal sealed class PrivatePostgis : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dispatch-private-pg-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; } = FreePort();

    private string Data => Path.Combine(_dir, "data");

    /// <summary>The owner (a superuser of this throwaway cluster) on database dispatch.</summary>
    public string Owner => $"Host=127.0.0.1;Port={Port};Database=dispatch;Username=dispatch_owner;Password=dispatch_owner";

    /// <summary>The service's login; a short connect timeout, so a refused or starting server is seen as such quickly.</summary>
    public string Service => $"Host=127.0.0.1;Port={Port};Database=dispatch;Username=dispatch;Password=dispatch;Timeout=3";

    public static async Task<PrivatePostgis> StartAsync()
    {
        var pg = new PrivatePostgis();
        Directory.CreateDirectory(pg._dir);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:", pg._dir);
        }

        await AsOwnerAsync("initdb", "-D", pg.Data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8");
        await AsOwnerAsync("sh", "-c", $"printf 'host all postgres 127.0.0.1/32 trust\\nhost replication postgres 127.0.0.1/32 trust\\nhost all all 127.0.0.1/32 scram-sha-256\\n' > '{pg.Data}/pg_hba.conf'");
        await pg.StartServerAsync();

        var admin = $"Host=127.0.0.1;Port={pg.Port};Database=postgres;Username=postgres";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            var roles = await File.ReadAllTextAsync(PostgisServer.FindRepoFile(Path.Combine("schema", "roles", "010_roles.sql"))!);
            foreach (var sql in new[] { "CREATE ROLE dispatch_owner LOGIN SUPERUSER PASSWORD 'dispatch_owner'", roles, "CREATE DATABASE dispatch OWNER dispatch_owner" })
            {
                await using var cmd = new NpgsqlCommand(sql, connection);
                await cmd.ExecuteNonQueryAsync();
            }
        }

        await using (var connection = new NpgsqlConnection(pg.Owner))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return pg;
    }

    /// <summary>
    /// A streaming replica of this cluster (pg_basebackup -R: a hot standby that follows the primary's WAL), started on
    /// a port of its own; dispose it before the primary.
    /// </summary>
    public async Task<PrivatePostgis> StartReplicaAsync()
    {
        var replica = new PrivatePostgis();
        Directory.CreateDirectory(replica._dir);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:", replica._dir);
        }

        await AsOwnerAsync("pg_basebackup", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
            "-D", replica.Data, "-R", "-X", "stream", "-c", "fast");
        await replica.StartServerAsync();
        return replica;
    }

    /// <summary>pg_ctl restart -m immediate: every backend killed at once, crash recovery on start, as after a power cut.</summary>
    public Task RestartImmediateAsync() =>
        AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_dir, "server.log"), "-m", "immediate", "-w", "-t", "60", "restart");

    public Task StopAsync(string mode = "fast") => AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", mode, "-w", "-t", "60", "stop");

    public Task StartServerAsync() => AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60",
        "-o", $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories='{_dir}' -c max_connections=100 -c shared_buffers=32MB -c fsync=off",
        "start");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task<string> AsOwnerAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program.Contains('/') || program == "sh" ? program : Path.Combine(Bin, program), .. arguments])
            : RunAsync(program.Contains('/') || program == "sh" ? program : Path.Combine(Bin, program), arguments);

    // From /: a checkout under /root is not readable by the postgres user.
    private static Task<string> RunAsync(string program, params string[] arguments) => Processes.RunAsync(program, arguments, workingDirectory: "/");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
