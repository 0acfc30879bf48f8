using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Postgresql;
using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>Applies schema/NNN_*.sql in file-name order with DbUp, one instance at a time.</summary>
internal sealed class Migrator(OwnerDataSource owner, ILogger<Migrator> logger)
{
    // Any fixed 64-bit number works; every instance of the service must use the same one.
    private const long MigrationLockKey = 0x44_69_73_70_61_74_63_68; // "Dispatch"
    public const string JournalTable = "schema_versions";

    public static string SchemaDirectory => Path.Combine(AppContext.BaseDirectory, "schema");

    public static IReadOnlyList<string> ExpectedScripts() =>
        Directory.GetFiles(SchemaDirectory, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct)
    {
        var dataSource = owner.Source;
        // DbUp has no lock of its own. A session-level advisory lock held on a separate connection
        // serialises instances that start together; the loser waits, then finds nothing left to do.
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            take.Parameters.AddWithValue(MigrationLockKey);
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            // The data source, not its ConnectionString: Npgsql hides the password in that string.
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
                .WithScriptsFromFileSystem(SchemaDirectory)
                .WithTransactionPerScript()
                .JournalToPostgresqlTable("public", JournalTable)
                .LogTo(new DbUpLog(logger))
                .Build();

            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed", result.Error);
            }

            var applied = result.Scripts.Select(s => s.Name).ToList();
            logger.LogInformation("Schema is current; applied {AppliedCount} migration(s): {Applied}", applied.Count, applied);
            return applied;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection);
            release.Parameters.AddWithValue(MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private sealed class DbUpLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{DbUp}", string.Format(null, format, args));
        public void LogDebug(string format, params object[] args) => logger.LogDebug("{DbUp}", string.Format(null, format, args));
        public void LogInformation(string format, params object[] args) => logger.LogDebug("{DbUp}", string.Format(null, format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("{DbUp}", string.Format(null, format, args));
        public void LogError(string format, params object[] args) => logger.LogError("{DbUp}", string.Format(null, format, args));
        public void LogError(Exception ex, string format, params object[] args) =>
            logger.LogError(ex, "{DbUp}", string.Format(null, format, args));
    }
}
