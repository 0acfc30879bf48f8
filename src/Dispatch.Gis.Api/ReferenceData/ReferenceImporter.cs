using System.Diagnostics;
using Npgsql;

namespace Dispatch.Gis.ReferenceData;

internal sealed record TableReport(int Read, int Inserted, int Updated, int Unchanged);

internal sealed record ImportReport(TableReport Territories, TableReport Settlements, TableReport DangerousObjects,
    int DangerousObjectsWithoutLocation, double ElapsedSeconds);

/// <summary>
/// Loads data/reference idempotently: rows are upserted by their natural keys and only rows whose content
/// differs are written, so a second run reports zero inserts and updates. All of it is one transaction.
/// </summary>
internal sealed class ReferenceImporter(NpgsqlDataSource db, ILogger<ReferenceImporter> logger)
{
    // Held for the transaction, so two instances starting on an empty database do not import twice at once.
    private const long ImportLockKey = 0x52_65_66_44_61_74_61; // "RefData"

    public async Task<ImportReport?> ImportIfEmptyAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM territories)");
        if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
        {
            logger.LogInformation("Reference data present; start-up import skipped");
            return null;
        }

        return await ImportAsync(ct);
    }

    public async Task<ImportReport> ImportAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCmd.Parameters.AddWithValue(ImportLockKey);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        var territories = await TerritoryImport.RunAsync(connection, tx, ct);
        var settlements = await SettlementImport.RunAsync(connection, tx, ct);
        var (objects, withoutLocation) = await PowerPlantImport.RunAsync(connection, tx, ct);
        await tx.CommitAsync(ct);

        var report = new ImportReport(territories, settlements, objects, withoutLocation, Math.Round(clock.Elapsed.TotalSeconds, 3));
        logger.LogInformation(
            "Reference import: territories {@Territories}, settlements {@Settlements}, dangerous objects {@DangerousObjects} in {Seconds} s",
            territories, settlements, objects, report.ElapsedSeconds);
        return report;
    }

    /// <summary>
    /// Runs an upsert whose statement ends in <c>RETURNING (xmax = 0)</c>: true for an inserted row, false for an
    /// updated one; rows the WHERE of ON CONFLICT left alone return nothing and count as unchanged.
    /// </summary>
    internal static async Task<TableReport> UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql,
        int read, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.AddRange(parameters.ToArray());
        var inserted = 0;
        var updated = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(0))
                {
                    inserted++;
                }
                else
                {
                    updated++;
                }
            }
        }

        return new TableReport(read, inserted, updated, read - inserted - updated);
    }
}

internal static class ReferenceDataSetup
{
    public static IServiceCollection AddDispatchReferenceData(this IServiceCollection services) =>
        services.AddSingleton<ReferenceImporter>();
}
