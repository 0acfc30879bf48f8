using Dispatch.Gis.Events;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Services;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using Npgsql;

namespace Dispatch.Gis.Situation;

internal sealed record ReadinessState(string TerritoryKato, Regime Effective, DateTime? Since, IReadOnlyList<DutyService> PartnersWithoutReadiness);

/// <summary>Rules §5.2: partners put their units on high readiness and report the composition to 112.</summary>
internal static class ReadinessDb
{
    /// <summary>
    /// Moves the units (locked in id order first, so a group put on readiness and a unit moved alone never deadlock)
    /// and records the reported composition.
    /// </summary>
    public static async Task RecordAsync(UnitOfWork w, DutyService service, IReadOnlyList<Unit> units, UnitStatus status, UnitComposition composition,
        CancellationToken ct)
    {
        await w.LockAsync(LockedTable.ResponseUnits, units.Select(u => u.Id), ct);
        foreach (var unit in units.OrderBy(u => u.Id))
        {
            if (await CurrentStatusAsync(w, unit.Id, ct) != status)
            {
                await UnitDb.SetStatusAsync(w, unit.Id, status, null, ct);
            }
        }

        await using var cmd = w.Command("INSERT INTO readiness_reports (service_id, units, personnel, vehicles, reported_by) VALUES ($1, $2, $3, $4::jsonb, $5)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = service.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = composition.Personnel });
        cmd.Parameters.Add(new NpgsqlParameter { Value = UnitDb.VehiclesJson(composition.Vehicles) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        await cmd.ExecuteNonQueryAsync(ct);
        w.Add(new NewEvent("READINESS_REPORTED", "DutyService", service.Id.ToString(),
            new { service = service.Code, status = DbEnum.Text(status), units = units.Count, composition.Personnel, composition.Vehicles }, null, service.TerritoryKato));
    }

    private static async Task<UnitStatus> CurrentStatusAsync(UnitOfWork w, Guid unit, CancellationToken ct)
    {
        await using var cmd = w.Command("SELECT status FROM response_units WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = unit });
        return DbEnum.Parse<UnitStatus>((string)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>
    /// For each territory in HIGH_READINESS or EMERGENCY, the partners that field units (police, ambulance, medical
    /// aviation: Rules §5.2 excludes kinds 5–8) in, over or under it that have not reported readiness since the regime
    /// came in force. Two queries for any number of territories.
    /// </summary>
    public static async Task<IDictionary<string, ReadinessState>> ByKatoAsync(NpgsqlDataSource db, IReadOnlyList<string> katos, CancellationToken ct)
    {
        var regimes = await RegimeDb.StateByKatoAsync(db, katos, ct);
        var result = new Dictionary<string, ReadinessState>();
        var asking = new List<(string Kato, Regime Effective, DateTime Since)>();
        foreach (var kato in katos)
        {
            if (!regimes.TryGetValue(kato, out var state))
            {
                continue;
            }

            if (state.Effective == Regime.Daily || state.Decisive is not { } decisive)
            {
                result[kato] = new ReadinessState(kato, state.Effective, null, []);
            }
            else
            {
                asking.Add((kato, state.Effective, decisive.ValidFrom));
            }
        }

        if (asking.Count == 0)
        {
            return result;
        }

        await using var cmd = db.CreateCommand($"""
            SELECT q.kato, {ServiceSql.Columns}
            FROM unnest($1::text[], $2::timestamptz[]) AS q(kato, since)
            JOIN duty_services s ON s.kind IN ('POLICE', 'AMBULANCE', 'MEDICAL_AVIATION')
             AND (s.territory_kato = q.kato OR substr(s.territory_kato, 1, 2) || '0000000' = q.kato OR s.territory_kato = substr(q.kato, 1, 2) || '0000000')
            WHERE NOT EXISTS (SELECT 1 FROM readiness_reports r WHERE r.service_id = s.id AND r.reported_at >= q.since)
            ORDER BY q.kato, s.code
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = asking.Select(a => a.Kato).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = asking.Select(a => a.Since).ToArray() });
        var missing = new List<(string Kato, DutyService Service)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                missing.Add((reader.GetString(0), ServiceDb.Map(reader, 1)));
            }
        }

        var byKato = missing.ToLookup(m => m.Kato, m => m.Service);
        foreach (var (kato, effective, since) in asking)
        {
            result[kato] = new ReadinessState(kato, effective, since, byKato[kato].ToList());
        }

        return result;
    }
}
