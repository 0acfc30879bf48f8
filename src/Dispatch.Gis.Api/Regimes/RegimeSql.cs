namespace Dispatch.Gis.Regimes;

internal static class RegimeSql
{
    public const string Columns = "id, territory_kato, regime, basis, declared_by, valid_from, valid_to";

    public const string StateByKato = """
        SELECT t.kato,
               own.id, own.territory_kato, own.regime, own.basis, own.declared_by, own.valid_from, own.valid_to,
               reg.id, reg.territory_kato, reg.regime, reg.basis, reg.declared_by, reg.valid_from, reg.valid_to
        FROM territories t
        LEFT JOIN regime_declarations own ON own.territory_kato = t.kato AND own.valid_to IS NULL
        LEFT JOIN regime_declarations reg ON reg.territory_kato = t.parent_kato AND reg.valid_to IS NULL
        WHERE t.kato = ANY($1)
        """;

    public const string HistoryByKato = $"""
        SELECT {Columns} FROM regime_declarations WHERE territory_kato = ANY($1) ORDER BY valid_from DESC, id DESC
        """;

    // The territory row lock serialises declarations for one territory, so two officers declaring at once
    // produce two ordered history entries instead of a unique-index violation. NO KEY UPDATE: events reference
    // territories, and their inserts (in other writers' commits) take KEY SHARE on the row, which this must not block.
    public const string LockTerritory = """
        SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.005), 5) FROM territories WHERE kato = $1 FOR NO KEY UPDATE
        """;

    public const string CloseOpen = """
        UPDATE regime_declarations SET valid_to = clock_timestamp()
        WHERE territory_kato = $1 AND valid_to IS NULL
        RETURNING regime
        """;

    public const string Insert = $"""
        INSERT INTO regime_declarations (territory_kato, regime, basis, declared_by)
        VALUES ($1, $2, $3, $4)
        RETURNING {Columns}
        """;
}
