using Npgsql;
using Testcontainers.PostgreSql;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// Finds a PostgreSQL + PostGIS server for the tests, in this order: DISPATCH_TEST_DB (a connection string whose
/// user may create databases); a Testcontainers PostGIS container when a Docker engine answers; the project's own
/// local cluster (postgis.sh up). There is no skipping: without PostGIS the suite fails and says why.
/// </summary>
internal static class PostgisServer
{
    public const string PostgisImage = "postgis/postgis:15-3.3";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static PostgreSqlContainer? _container;

    public static async Task<string> AdminConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _adminConnectionString ??= await ResolveAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> ResolveAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DISPATCH_TEST_DB");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (DockerEngineMayAnswer())
        {
            try
            {
                _container = new PostgreSqlBuilder(PostgisImage).Build();
                await _container.StartAsync();
                return _container.GetConnectionString();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"Testcontainers could not start {PostgisImage} ({ex.Message}); using the local cluster script");
            }
        }

        return await StartLocalClusterAsync();
    }

    private static bool DockerEngineMayAnswer() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    private static async Task<string> StartLocalClusterAsync()
    {
        var script = FindRepoFile("postgis.sh")
            ?? throw new InvalidOperationException("No PostGIS: set DISPATCH_TEST_DB, run a Docker engine, or run from the repository (postgis.sh)");
        await RunAsync(script, "up");
        return (await RunAsync(script, "url", "owner")).Trim();
    }

    private static Task<string> RunAsync(string script, params string[] arguments) =>
        Processes.RunAsync("bash", [script, .. arguments], label: $"postgis.sh {arguments[0]}");

    public static string? FindRepoFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Creates an empty database with PostGIS for one fixture (the caller drops it), owned by the admin, and makes
    /// sure the service's roles exist, so the service runs as an ordinary member of dispatch_app as in production.
    /// </summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(string name)
    {
        var admin = await AdminConnectionStringAsync();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var roles = new NpgsqlCommand(await File.ReadAllTextAsync(FindRepoFile(Path.Combine("schema", "roles", "010_roles.sql"))!), connection);
            await RolesGate.WaitAsync();
            try
            {
                await roles.ExecuteNonQueryAsync();
            }
            finally
            {
                RolesGate.Release();
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var owner = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS postgis", connection);
            await extension.ExecuteNonQueryAsync();
        }

        var service = new NpgsqlConnectionStringBuilder(owner) { Username = "dispatch", Password = "dispatch" }.ConnectionString;
        return new TestDatabase(name, owner, service);
    }

    // Role DDL is cluster-wide; concurrent fixtures would race on "role already exists".
    private static readonly SemaphoreSlim RolesGate = new(1, 1);

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public static string NewDatabaseName(string purpose) => $"dispatch_test_{purpose}_{Guid.NewGuid():N}"[..40];
}

/// <summary>A throwaway database: the owner runs migrations and test SQL, the service logs in as dispatch.</summary>
public sealed record TestDatabase(string Name, string Owner, string Service);
