using System.Diagnostics;
using System.Text.Json;
using Dispatch.Gis.ReferenceData;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.DemoData;

internal sealed record DemoReport(TableReport Services, TableReport Channels, TableReport Units, TableReport DangerousObjects,
    TableReport HazardZones, TableReport EmergencyZones, TableReport Dams, double ElapsedSeconds);

/// <summary>
/// Loads the synthetic Almaty demo set (data/demo, described in data/README.md) idempotently, in one transaction,
/// the way <see cref="ReferenceImporter"/> loads reference data: rows are matched by natural keys and written only
/// when they differ, so a second load reports zero inserts and updates. Needs the reference territories and the
/// Kapchagay dam (GPPD:WRI1000297) to be there already.
/// </summary>
internal sealed class DemoDataLoader(NpgsqlDataSource db, ILogger<DemoDataLoader> logger)
{
    // Held for the transaction: hazard and emergency zones have no unique key, so two loads at once must not interleave.
    private const long LoadLockKey = 0x44_65_6D_6F_44_61_74_61; // "DemoData"
    public const string CreatedBy = "demo";
    private const string Source = "Dispatch.Gis demo data set (synthetic, data/demo)";

    public async Task<DemoReport> LoadAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var set = await DemoFiles.ReadAsync(ct);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCmd.Parameters.AddWithValue(LoadLockKey);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await RequireNoneMissingAsync(connection, tx, DemoSql.MissingTerritories, set.Services.Select(s => s.TerritoryKato),
            "territories (run the reference import first)", ct);
        var services = await UpsertServicesAsync(connection, tx, set.Services, ct);
        var channels = await UpsertChannelsAsync(connection, tx, set.Services, ct);
        var units = await UpsertUnitsAsync(connection, tx, set.Units, ct);
        var objects = await UpsertObjectsAsync(connection, tx, set.Objects, ct);
        await RequireNoneMissingAsync(connection, tx, DemoSql.MissingObjects, set.HazardZones.Select(z => z.Object),
            "located dangerous objects for hazard zones (run the reference import first)", ct);
        var hazardZones = await UpsertHazardZonesAsync(connection, tx, set.HazardZones, ct);
        var emergencyZones = await UpsertEmergencyZonesAsync(connection, tx, set.EmergencyZones, ct);
        await RequireNoneMissingAsync(connection, tx, DemoSql.MissingObjects, set.Dams.Select(d => d.Object),
            "located dangerous objects for dam-break inputs (run the reference import first)", ct);
        var dams = await ReferenceImporter.UpsertAsync(connection, tx, DemoSql.Dams, set.Dams.Count,
            [Texts(set.Dams.Select(d => d.Object)), Texts(set.Dams.Select(d => d.GeometryJson)), Texts(set.Dams.Select(d => d.DamJson))], ct);
        await tx.CommitAsync(ct);

        var report = new DemoReport(services, channels, units, objects, hazardZones, emergencyZones, dams, Math.Round(clock.Elapsed.TotalSeconds, 3));
        logger.LogInformation(
            "Demo data: services {@Services}, channels {@Channels}, units {@Units}, dangerous objects {@DangerousObjects}, " +
            "hazard zones {@HazardZones}, emergency zones {@EmergencyZones}, dams {@Dams} in {Seconds} s",
            services, channels, units, objects, hazardZones, emergencyZones, dams, report.ElapsedSeconds);
        return report;
    }

    private static async Task RequireNoneMissingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, IEnumerable<string> keys,
        string what, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Distinct().ToArray() });
        var missing = (string)(await cmd.ExecuteScalarAsync(ct))!;
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"Demo data needs {what}; missing: {missing}");
        }
    }

    private static Task<TableReport> UpsertServicesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoService> rows,
        CancellationToken ct) =>
        ReferenceImporter.UpsertAsync(connection, tx, DemoSql.Services, rows.Count,
        [
            Texts(rows.Select(r => r.Code)),
            Texts(rows.Select(r => r.Kind)),
            Texts(rows.Select(r => r.Name)),
            Texts(rows.Select(r => r.TerritoryKato)),
            Texts(rows.Select(r => r.DutyOfficer)),
            Texts(rows.Select(r => JsonSerializer.Serialize(r.Phones))),
            Texts(rows.Select(r => JsonSerializer.Serialize(r.CallSigns))),
        ], ct);

    private static Task<TableReport> UpsertChannelsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoService> services,
        CancellationToken ct)
    {
        var rows = services.SelectMany(s => s.Channels.Select(c => (s.Code, Channel: c))).ToList();
        return ReferenceImporter.UpsertAsync(connection, tx, DemoSql.Channels, rows.Count,
        [
            Texts(rows.Select(r => r.Code)),
            Texts(rows.Select(r => r.Channel.Kind)),
            Texts(rows.Select(r => r.Channel.Address)),
            Texts(rows.Select(r => r.Channel.Label)),
        ], ct);
    }

    private static Task<TableReport> UpsertUnitsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoUnit> rows,
        CancellationToken ct) =>
        ReferenceImporter.UpsertAsync(connection, tx, DemoSql.Units, rows.Count,
        [
            Texts(rows.Select(r => r.Service)),
            Texts(rows.Select(r => r.CallSign)),
            Texts(rows.Select(r => r.Profile)),
            Texts(rows.Select(r => r.Status)),
            new() { Value = rows.Select(r => r.Personnel).ToArray() },
            Texts(rows.Select(r => r.Vehicles.GetRawText())),
            Texts(rows.Select(r => r.BaseName)),
            new() { Value = rows.Select(r => r.Lon).ToArray() },
            new() { Value = rows.Select(r => r.Lat).ToArray() },
        ], ct);

    private static Task<TableReport> UpsertObjectsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoObject> rows,
        CancellationToken ct) =>
        ReferenceImporter.UpsertAsync(connection, tx, DemoSql.DangerousObjects, rows.Count,
        [
            Texts(rows.Select(r => r.ExternalRef)),
            Texts(rows.Select(r => r.Name)),
            Texts(rows.Select(r => r.HazardClass)),
            Texts(rows.Select(r => r.ObjectKind)),
            Texts(rows.Select(r => r.Operator)),
            Texts(rows.Select(r => r.GeometryJson)),
            Texts(rows.Select(r => r.SubstancesJson)),
            Texts(rows.Select(r => r.ContactsJson)),
            new() { Value = Source },
        ], ct);

    private static Task<TableReport> UpsertHazardZonesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoHazardZone> rows,
        CancellationToken ct) =>
        ReferenceImporter.UpsertAsync(connection, tx, DemoSql.HazardZones, rows.Count,
        [
            Texts(rows.Select(r => r.Object)),
            Texts(rows.Select(r => r.Kind)),
            Texts(rows.Select(r => r.Name)),
            Texts(rows.Select(r => r.Basis)),
            Texts(rows.Select(r => r.GeometryJson)),
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = rows.Select(r => r.BufferMeters).ToArray() },
        ], ct);

    private static Task<TableReport> UpsertEmergencyZonesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<DemoEmergencyZone> rows,
        CancellationToken ct) =>
        ReferenceImporter.UpsertAsync(connection, tx, DemoSql.EmergencyZones, rows.Count,
        [
            Texts(rows.Select(r => r.Name)),
            Texts(rows.Select(r => r.Kind)),
            Texts(rows.Select(r => r.Hazard)),
            Texts(rows.Select(r => r.Note)),
            Texts(rows.Select(r => r.GeometryJson)),
            new() { Value = CreatedBy },
        ], ct);

    // Typed explicitly: an array holding nulls would otherwise leave Npgsql to guess.
    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.ToArray() };
}

internal static class DemoDataSetup
{
    public static IServiceCollection AddDispatchDemoData(this IServiceCollection services) =>
        services.AddSingleton<DemoDataLoader>();
}
