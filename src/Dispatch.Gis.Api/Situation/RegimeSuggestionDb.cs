using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>Regime suggestions: the officer's decision on them (never the service's), and reading them.</summary>
internal static class RegimeSuggestionDb
{
    private const string Columns = "s.id, s.territory_kato, s.regime, s.domains, s.level, s.reason, s.evidence::text, s.status, s.created_at, s.decided_by, s.decided_at, s.note, s.declaration_id";

    /// <summary>
    /// Accepts a pending suggestion: declares the regime through the same command as declareRegime (REGIME_DECLARED),
    /// and marks the suggestion ACCEPTED (REGIME_SUGGESTION_ACCEPTED). Under the judgement lock, so a judgement running
    /// at the same moment sees either the suggestion pending or accepted with its regime, never one without the other.
    /// </summary>
    public static async Task<RegimeDeclaration> AcceptAsync(UnitOfWork w, Guid id, string basis, CancellationToken ct)
    {
        var suggestion = await LockPendingAsync(w, id, ct);
        var declaration = await RegimeDb.DeclareAsync(w, suggestion.TerritoryKato, suggestion.Regime, basis, ct);
        await DecideAsync(w, id, SuggestionStatus.Accepted, basis, declaration.Id, ct);
        w.Add(new NewEvent("REGIME_SUGGESTION_ACCEPTED", "RegimeSuggestion", id.ToString(),
            new { suggestionId = id, territory = suggestion.TerritoryKato, regime = DbEnum.Text(suggestion.Regime), declarationId = declaration.Id, basis },
            null, suggestion.TerritoryKato));
        return declaration;
    }

    /// <summary>Dismisses a pending suggestion with the officer's reason: REGIME_SUGGESTION_DISMISSED; not suggested again for the same episode.</summary>
    public static async Task DismissAsync(UnitOfWork w, Guid id, string reason, CancellationToken ct)
    {
        var suggestion = await LockPendingAsync(w, id, ct);
        await DecideAsync(w, id, SuggestionStatus.Dismissed, reason, null, ct);
        w.Add(new NewEvent("REGIME_SUGGESTION_DISMISSED", "RegimeSuggestion", id.ToString(),
            new { suggestionId = id, territory = suggestion.TerritoryKato, regime = DbEnum.Text(suggestion.Regime), reason }, null, suggestion.TerritoryKato));
    }

    private static async Task<RegimeSuggestion> LockPendingAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await w.AdvisoryLockAsync(SituationLevelDb.JudgementLock, shared: false, ct);
        await w.LockAsync(LockedTable.RegimeSuggestions, [id], ct);
        var suggestion = (await Db.ReadAllAsync(w, $"SELECT {Columns} FROM regime_suggestions s WHERE s.id = $1", Map, ct, new NpgsqlParameter { Value = id }))
            .SingleOrDefault() ?? throw new NotFoundException("no such regime suggestion", "suggestion");
        return suggestion.Status == SuggestionStatus.Pending ? suggestion
            : throw new ConflictException($"the suggestion is {DbEnum.Text(suggestion.Status)} already ({suggestion.DecidedBy}, {suggestion.DecidedAt:O})", "suggestion");
    }

    private static async Task DecideAsync(UnitOfWork w, Guid id, SuggestionStatus status, string note, long? declaration, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            UPDATE regime_suggestions SET status = $2, decided_by = $3, decided_at = clock_timestamp(), note = $4, declaration_id = $5 WHERE id = $1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(status) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = note });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)declaration ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IDictionary<Guid, RegimeSuggestion>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM regime_suggestions s WHERE s.id = ANY($1)", Map, ct, Db.Ids(ids))).ToDictionary(s => s.Id);

    /// <summary>Newest first; a region's list includes its districts' suggestions.</summary>
    public static Task<List<RegimeSuggestion>> ListAsync(NpgsqlDataSource db, TerritoryScope scope, string? kato, SuggestionStatus? status, int first, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddScope("s.territory_kato", scope.SqlCodes);
        where.AddScope("s.territory_kato", kato is null ? null : [kato]);
        where.AddEqual("s.status", status);
        var limit = where.Parameter(first);
        return Db.ReadAllAsync(db, $"SELECT {Columns} FROM regime_suggestions s{where.Sql} ORDER BY s.created_at DESC, s.id LIMIT {limit}", Map, ct, where.Parameters);
    }

    private static RegimeSuggestion Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), DbEnum.Parse<Regime>(r.GetString(2)),
        r.GetFieldValue<string[]>(3).Select(DbEnum.Parse<SituationDomain>).ToList(), DbEnum.Parse<SituationLevel>(r.GetString(4)), r.GetString(5),
        JsonSerializer.Deserialize<List<Evidence>>(r.GetString(6), Evidence.Json) ?? [], DbEnum.Parse<SuggestionStatus>(r.GetString(7)), r.GetDateTime(8),
        r.TextOrNull(9), r.IsDBNull(10) ? null : r.GetDateTime(10), r.TextOrNull(11), r.IsDBNull(12) ? null : r.GetInt64(12));
}
