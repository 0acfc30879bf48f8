using Npgsql;

namespace Dispatch.Gis.Storage;

internal static class DatabaseSetup
{
    public const string ConnectionStringName = "Dispatch";

    public static IServiceCollection AddDispatchDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        services.AddNpgsqlDataSource(connectionString, builder => builder.UseNetTopologySuite());
        services.AddSingleton<Migrator>();
        services.AddHealthChecks()
            .AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }
}
