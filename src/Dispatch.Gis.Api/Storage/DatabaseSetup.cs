using Npgsql;

namespace Dispatch.Gis.Storage;

internal static class DatabaseSetup
{
    public const string ConnectionStringName = "Dispatch";

    /// <summary>The database owner, for migrations only; the service itself runs as a member of dispatch_app.</summary>
    public const string OwnerConnectionStringName = "DispatchOwner";

    public static IServiceCollection AddDispatchDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        services.AddNpgsqlDataSource(connectionString, builder => builder.UseNetTopologySuite());
        // Without an owner connection (a single-role development database) migrations use the service's own.
        var ownerConnectionString = configuration.GetConnectionString(OwnerConnectionStringName);
        services.AddSingleton(sp => string.IsNullOrWhiteSpace(ownerConnectionString)
            ? new OwnerDataSource(sp.GetRequiredService<NpgsqlDataSource>(), Owned: false)
            : new OwnerDataSource(NpgsqlDataSource.Create(ownerConnectionString), Owned: true));
        services.AddSingleton<Migrator>();
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
