using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Regimes;

internal static class RegimeDb
{
    /// <summary>Writes within the caller's transaction; the caller commits.</summary>
    public static async Task<RegimeDeclaration> DeclareAsync(WriteTransaction tx, string kato, Regime regime, string basis, string actor, CancellationToken ct)
    {
        string geometryJson;
        await using (var lockCmd = tx.Command(RegimeSql.LockTerritory))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = kato });
            geometryJson = await lockCmd.ExecuteScalarAsync(ct) as string
                ?? throw new DispatchException(ErrorCodes.NotFound, $"no territory with KATO {kato}", "territory");
        }

        Regime? previous = null;
        await using (var close = tx.Command(RegimeSql.CloseOpen))
        {
            close.Parameters.Add(new NpgsqlParameter { Value = kato });
            if (await close.ExecuteScalarAsync(ct) is string closed)
            {
                previous = DbEnum.Parse<Regime>(closed);
            }
        }

        RegimeDeclaration declaration;
        await using (var insert = tx.Command(RegimeSql.Insert))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = kato });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(regime) });
            insert.Parameters.Add(new NpgsqlParameter { Value = basis });
            insert.Parameters.Add(new NpgsqlParameter { Value = actor });
            await using var reader = await insert.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            declaration = Map(reader, 0);
        }

        var area = GeoJson.Read(GeoJson.Parse(geometryJson));
        await EventLog.AppendAsync(tx.Connection, tx.Transaction,
        [
            new NewEvent("REGIME_DECLARED", "Territory", kato,
                new { regime = DbEnum.Text(regime), previous = previous is { } p ? DbEnum.Text(p) : "DAILY", basis, declarationId = declaration.Id },
                area, kato, actor),
        ], ct);
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
