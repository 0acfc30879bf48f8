using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Regimes;

internal static class RegimeDb
{
    /// <summary>Closes the declaration in force (if any) and opens the new one, under the territory's row lock.</summary>
    public static async Task<RegimeDeclaration> DeclareAsync(UnitOfWork w, string kato, Regime regime, string basis, CancellationToken ct)
    {
        string geometryJson;
        await using (var lockCmd = w.Command(RegimeSql.LockTerritory))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = kato });
            geometryJson = await lockCmd.ExecuteScalarAsync(ct) as string
                ?? throw new NotFoundException($"no territory with KATO {kato}", "territory");
        }

        Regime? previous = null;
        await using (var close = w.Command(RegimeSql.CloseOpen))
        {
            close.Parameters.Add(new NpgsqlParameter { Value = kato });
            if (await close.ExecuteScalarAsync(ct) is string closed)
            {
                previous = DbEnum.Parse<Regime>(closed);
            }
        }

        RegimeDeclaration declaration;
        await using (var insert = w.Command(RegimeSql.Insert))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = kato });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(regime) });
            insert.Parameters.Add(new NpgsqlParameter { Value = basis });
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            declaration = Map(reader, 0);
        }

        var area = GeoJson.Read(GeoJson.Parse(geometryJson));
        w.Add(new NewEvent("REGIME_DECLARED", "Territory", kato,
            new { regime = DbEnum.Text(regime), previous = previous is { } p ? DbEnum.Text(p) : "DAILY", basis, declarationId = declaration.Id },
            area, kato));
        return declaration;
    }

    public static async Task<IDictionary<string, RegimeState>> StateByKatoAsync(NpgsqlDataSource db, IReadOnlyList<string> katos, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(RegimeSql.StateByKato);
        cmd.Parameters.Add(new NpgsqlParameter { Value = katos.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var states = new Dictionary<string, RegimeState>();
        while (await reader.ReadAsync(ct))
        {
            var kato = reader.GetString(0);
            states[kato] = new RegimeState(kato,
                reader.IsDBNull(1) ? null : Map(reader, 1),
                reader.IsDBNull(8) ? null : Map(reader, 8));
        }

        return states;
    }

    public static async Task<IDictionary<string, IReadOnlyList<RegimeDeclaration>>> HistoryByKatoAsync(
        NpgsqlDataSource db, IReadOnlyList<string> katos, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(RegimeSql.HistoryByKato);
        cmd.Parameters.Add(new NpgsqlParameter { Value = katos.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<RegimeDeclaration>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, 0));
        }

        return rows.GroupBy(r => r.TerritoryKato).ToDictionary(g => g.Key, g => (IReadOnlyList<RegimeDeclaration>)g.ToList());
    }

    private static RegimeDeclaration Map(NpgsqlDataReader r, int at) => new(
        r.GetInt64(at), r.GetString(at + 1), DbEnum.Parse<Regime>(r.GetString(at + 2)), r.GetString(at + 3), r.GetString(at + 4),
        r.GetDateTime(at + 5), r.IsDBNull(at + 6) ? null : r.GetDateTime(at + 6));
}
