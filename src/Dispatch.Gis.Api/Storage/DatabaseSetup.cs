using Npgsql;

namespace Dispatch.Gis.Storage;

internal static class DatabaseSetup
{
    public const string ConnectionStringName = "Dispatch";

    /// <summary>The database owner, for migrations only; the service itself runs as a member of dispatch_app.</summary>
    public const string OwnerConnectionStringName = "DispatchOwner";

    /// <summary>A streaming replica for lag-tolerant reads (<see cref="ReadRouting"/>); unset: every read on the primary.</summary>
    public const string ReadConnectionStringName = "DispatchRead";

    public const string MaxPoolSizeKey = "Dispatch:Database:MaxPoolSize";

    /// <summary>
    /// Npgsql's own default is 100 per data source, which two instances on a stock PostgreSQL (max_connections 100)
    /// already exceed: then the server refuses everyone ("too many clients"). Instances × this + the owner's and
    /// the scheduler's pools must stay below the server's max_connections (README, Configuration).
    /// </summary>
    public const int DefaultMaxPoolSize = 30;

    private static readonly string[] PoolSizeKeys = ["Maximum Pool Size", "Max Pool Size", "MaxPoolSize"];

    public const string MaxAutoPrepareKey = "Dispatch:Database:MaxAutoPrepare";

    /// <summary>
    /// Statements each connection keeps prepared once used twice (Npgsql's automatic preparation): the service's SQL
    /// is a few dozen fixed texts, so parse and plan happen once per connection instead of on every call. 0 turns it
    /// off — needed behind a pooler in transaction mode, where a prepared statement may be on another server session.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

    private static readonly string[] AutoPrepareKeys = ["Max Auto Prepare", "MaxAutoPrepare"];

    /// <summary>Migrations and partition upkeep: one at a time, briefly.</summary>
    public const int OwnerMaxPoolSize = 3;

    /// <summary>A pool ceiling unless the connection string sets its own.</summary>
    internal static string WithPoolCeiling(string connectionString, int maxPoolSize) =>
        Unless(connectionString, PoolSizeKeys, b => b.MaxPoolSize = maxPoolSize);

    /// <summary>Automatic preparation unless the connection string sets its own.</summary>
    internal static string WithAutoPrepare(string connectionString, int maxAutoPrepare) =>
        Unless(connectionString, AutoPrepareKeys, b => b.MaxAutoPrepare = maxAutoPrepare);

    private static string Unless(string connectionString, string[] keys, Action<NpgsqlConnectionStringBuilder> set)
    {
        // The plain builder keeps only the keys the string sets (Npgsql's knows every key), in any of Npgsql's spellings.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (keys.Any(given.ContainsKey))
        {
            return connectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        set(builder);
        return builder.ConnectionString;
    }

    public static IServiceCollection AddDispatchDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        services.AddNpgsqlDataSource(
            WithAutoPrepare(WithPoolCeiling(connectionString, configuration.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize)),
                configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare)),
            builder => builder.UseNetTopologySuite());
        // Without an owner connection (a single-role development database) migrations use the service's own.
        var ownerConnectionString = configuration.GetConnectionString(OwnerConnectionStringName);
        services.AddSingleton(sp => string.IsNullOrWhiteSpace(ownerConnectionString)
            ? new OwnerDataSource(sp.GetRequiredService<NpgsqlDataSource>(), Owned: false)
            : new OwnerDataSource(NpgsqlDataSource.Create(WithPoolCeiling(ownerConnectionString, OwnerMaxPoolSize)), Owned: true));
        services.AddSingleton<Migrator>();
        var readConnectionString = configuration.GetConnectionString(ReadConnectionStringName);
        services.AddSingleton(_ => new ReadReplica(string.IsNullOrWhiteSpace(readConnectionString) ? null
            : new NpgsqlDataSourceBuilder(WithAutoPrepare(WithPoolCeiling(readConnectionString, configuration.GetValue(MaxPoolSizeKey, DefaultMaxPoolSize)),
                configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare))).UseNetTopologySuite().Build()));
        services.AddOptions<ReadRoutingOptions>().BindConfiguration(ReadRoutingOptions.Section)
            .Validate(o => o.MaxLag > TimeSpan.Zero && o.CheckInterval > TimeSpan.Zero && o.CheckInterval <= o.MaxLag && o.ReadYourWritesWindow >= TimeSpan.Zero,
                "Dispatch:Database:Read: MaxLag and CheckInterval must be positive, CheckInterval at most MaxLag")
            .ValidateOnStart();
        services.AddSingleton<ReadRouting>();
        services.AddHostedService<ReplicaLagMonitor>();
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }
}

/// <summary>The connection that owns the schema; used by <see cref="Migrator"/> and nothing else.</summary>
internal sealed record OwnerDataSource(NpgsqlDataSource Source, bool Owned) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owned ? Source.DisposeAsync() : ValueTask.CompletedTask;
}
