using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Dispatch.Gis.Storage;

/// <summary>Ready means: the database answers, PostGIS is installed and every migration file is journaled.</summary>
internal sealed class DatabaseReadyCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand($"""
                SELECT (SELECT extversion FROM pg_extension WHERE extname = 'postgis'),
                       CASE WHEN to_regclass('public.{Migrator.JournalTable}') IS NULL THEN ARRAY[]::text[]
                            ELSE (SELECT array_agg(scriptname) FROM public.{Migrator.JournalTable}) END
                """);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var postgis = reader.IsDBNull(0) ? null : reader.GetString(0);
            var applied = reader.IsDBNull(1) ? [] : reader.GetFieldValue<string[]>(1);
            var data = new Dictionary<string, object> { ["postgis"] = postgis ?? "missing" };

            if (postgis is null)
            {
                return HealthCheckResult.Unhealthy("PostGIS extension is not installed", data: data);
            }

            var pending = Migrator.ExpectedScripts().Except(applied, StringComparer.Ordinal).ToList();
            data["pendingMigrations"] = pending;
            return pending.Count == 0
                ? HealthCheckResult.Healthy("database reachable, PostGIS present, migrations applied", data)
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied", data: data);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
