using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>The situation as last judged, what changed since, active warnings, recent earthquakes, and the reports 112 issued.</summary>
internal static class SituationReportDb
{
    public static async Task<IDictionary<string, TerritorySituation>> ByKatoAsync(NpgsqlDataSource db, IReadOnlyList<string> katos, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, """
            SELECT territory_kato, domain, level, since, previous_level, evidence::text, evaluated_at FROM situation_levels WHERE territory_kato = ANY($1)
            """, r => new DomainSituation(r.GetString(0), DbEnum.Parse<SituationDomain>(r.GetString(1)), DbEnum.Parse<SituationLevel>(r.GetString(2)),
                r.GetDateTime(3), r.IsDBNull(4) ? null : DbEnum.Parse<SituationLevel>(r.GetString(4)),
                JsonSerializer.Deserialize<List<Evidence>>(r.GetString(5), Evidence.Json) ?? [], r.GetDateTime(6)), ct,
            new NpgsqlParameter { Value = katos.ToArray() });
        var byCell = rows.ToDictionary(r => (r.TerritoryKato, r.Domain));
        return katos.Distinct().ToDictionary(k => k, k => new TerritorySituation(k, TerritorySituation.MonitoredDomains
            .Select(d => byCell.TryGetValue((k, d), out var row) ? row : new DomainSituation(k, d, SituationLevel.Normal, null, null, [], null)).ToList()));
    }

    /// <summary>SITUATION_CHANGED events of the territory and its districts after <paramref name="since"/>, in commit order.</summary>
    public static Task<List<SituationChange>> ChangesAsync(NpgsqlDataSource db, string kato, DateTime since, int max, CancellationToken ct) =>
        Db.ReadAllAsync(db, """
            SELECT e.id, e.territory_kato, e.payload->>'domain', e.payload->>'from', e.payload->>'to', e.occurred_at FROM events e
            WHERE e.kind = 'SITUATION_CHANGED' AND e.occurred_at > $2
              AND (e.territory_kato = $1 OR e.territory_kato IN (SELECT kato FROM territories WHERE parent_kato = $1))
            ORDER BY e.id LIMIT $3
            """, r => new SituationChange(r.GetInt64(0), r.GetString(1), DbEnum.Parse<SituationDomain>(r.GetString(2)), DbEnum.Parse<SituationLevel>(r.GetString(3)),
                DbEnum.Parse<SituationLevel>(r.GetString(4)), r.GetDateTime(5)), ct,
            new NpgsqlParameter { Value = kato }, new NpgsqlParameter { Value = since }, new NpgsqlParameter { Value = max });

    private const string WarningColumns = """
        x.id, x.feed_id, x.sender, x.identifier, x.sent_at, x.status, x.msg_type, x.category, x.event, x.severity, x.urgency, x.certainty, x.headline,
        x.description, x.instruction, x.area_desc, x.effective_at, x.onset_at, x.expires_at, x.geom, x.territory_kato, x.replaced_at, x.replaced_by
        """;

    /// <summary>Warnings whose area meets the territory (or all in scope), newest first; active only: in force now and not replaced.</summary>
    public static Task<List<Monitoring.Warning>> WarningsAsync(NpgsqlDataSource db, TerritoryScope scope, string? kato, bool activeOnly, DateTime now, int first,
        CancellationToken ct)
    {
        var where = new SqlConditions();
        if (kato is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM territories t WHERE t.kato = {0} AND ST_Intersects(t.geom, x.geom) AND NOT ST_Touches(t.geom, x.geom))", kato);
        }

        if (scope.SqlCodes is { } codes)
        {
            where.Add("EXISTS (SELECT 1 FROM territories t WHERE " + Territories.TerritorySql.ScopeCondition("t.kato") + " AND ST_Intersects(t.geom, x.geom))",
                (object)codes.ToArray());
        }

        if (activeOnly)
        {
            where.Add("x.replaced_at IS NULL AND x.msg_type IN ('Alert', 'Update') AND coalesce(x.onset_at, x.effective_at, x.sent_at) <= {0} " +
                "AND (x.expires_at IS NULL OR x.expires_at > {0})", now);
        }

        var limit = where.Parameter(first);
        return Db.ReadAllAsync(db, $"SELECT {WarningColumns} FROM warnings x{where.Sql} ORDER BY x.sent_at DESC, x.id LIMIT {limit}", MapWarning, ct, where.Parameters);
    }

    private static Monitoring.Warning MapWarning(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetDateTime(4),
        r.GetString(5), r.GetString(6), r.GetFieldValue<string[]>(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetString(11), r.TextOrNull(12),
        r.TextOrNull(13), r.TextOrNull(14), r.GetString(15), Time(r, 16), Time(r, 17), Time(r, 18), r.GetFieldValue<Geometry>(19), r.TextOrNull(20), Time(r, 21),
        r.TextOrNull(22));

    private static DateTime? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);

    /// <summary>Earthquakes since a time, strongest first; near a territory: within <paramref name="withinKm"/> of it.</summary>
    /// <summary>
    /// Earthquakes near the territory, and for a scoped caller near one of its territories: a quake across a border
    /// still shakes the district beside it, so nearness, not the epicentre's territory, decides who sees it (as the
    /// warnings' areas do).
    /// </summary>
    public static Task<List<Earthquake>> EarthquakesAsync(NpgsqlDataSource db, TerritoryScope scope, string? kato, DateTime since, double? minMagnitude,
        double withinKm, int first, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.Add("q.occurred_at > {0} AND q.status <> 'deleted'", since);
        if (minMagnitude is { } m)
        {
            where.Add("q.magnitude >= {0}", m);
        }

        if (kato is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM territories t WHERE t.kato = {0} AND ST_DWithin(t.geom::geography, q.geom::geography, {1}))", kato, withinKm * 1000);
        }

        if (scope.SqlCodes is { } codes)
        {
            where.Add("EXISTS (SELECT 1 FROM territories t WHERE " + Territories.TerritorySql.ScopeCondition("t.kato") +
                " AND ST_DWithin(t.geom::geography, q.geom::geography, {1}))", (object)codes.ToArray(), withinKm * 1000);
        }

        var limit = where.Parameter(first);
        return Db.ReadAllAsync(db, $"""
            SELECT q.id, q.feed_id, q.external_id, q.occurred_at, q.updated_at, q.magnitude, q.mag_type, q.depth_km, q.place, q.status, q.geom, q.territory_kato
            FROM seismic_events q{where.Sql} ORDER BY q.magnitude DESC, q.occurred_at DESC LIMIT {limit}
            """, r => new Earthquake(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetDateTime(3), r.GetDateTime(4), r.GetDouble(5), r.TextOrNull(6),
                r.IsDBNull(7) ? null : r.GetDouble(7), r.TextOrNull(8), r.GetString(9), r.GetFieldValue<Point>(10), r.TextOrNull(11)), ct, where.Parameters);
    }

    /// <summary>Silent feeds of the territory (its own or its region's) and of the whole country (feeds without a territory).</summary>
    public static Task<List<Feed>> SilentFeedsAsync(NpgsqlDataSource db, string kato, CancellationToken ct) =>
        Db.ReadAllAsync(db, """
            SELECT f.id, f.code, f.name, f.format, f.url, f.interval_seconds, f.timeout_seconds, f.source_crs, f.mapping::text, f.silence_seconds,
                   f.retry_attempts, f.retry_backoff_seconds, f.territory_kato, f.enabled, f.updated_at
            FROM feeds f JOIN feed_state st ON st.feed_id = f.id
            WHERE st.silent_since IS NOT NULL AND f.enabled
              AND (f.territory_kato IS NULL OR f.territory_kato IN ($1, substr($1, 1, 2) || '0000000')
                   OR substr(f.territory_kato, 1, 2) || '0000000' = $1)
            ORDER BY f.code
            """, FeedDb.Map, ct, new NpgsqlParameter { Value = kato });

    public static async Task<IssuedReport?> LastReportAsync(NpgsqlDataSource db, string kato, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, "SELECT id, territory_kato, issued_by, issued_at, levels::text FROM situation_reports WHERE territory_kato = $1 ORDER BY issued_at DESC LIMIT 1",
            MapReport, ct, new NpgsqlParameter { Value = kato })).SingleOrDefault();

    private static IssuedReport MapReport(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDateTime(3),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4))!.ToDictionary(p => DbEnum.Parse<SituationDomain>(p.Key), p => DbEnum.Parse<SituationLevel>(p.Value)));

    /// <summary>Records a report as issued (so the next one says what changed since) and announces it: SITUATION_REPORT_ISSUED.</summary>
    public static async Task<Guid> IssueAsync(UnitOfWork w, TerritorySituation situation, int activeWarnings, int silentFeeds, CancellationToken ct)
    {
        var levels = situation.Domains.ToDictionary(d => DbEnum.Text(d.Domain), d => DbEnum.Text(d.Level));
        await using var cmd = w.Command("INSERT INTO situation_reports (territory_kato, issued_by, levels) VALUES ($1, $2, $3::jsonb) RETURNING id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = situation.TerritoryKato });
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(levels) });
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        w.Add(new NewEvent("SITUATION_REPORT_ISSUED", "SituationReport", id.ToString(),
            new { reportId = id, territory = situation.TerritoryKato, highest = DbEnum.Text(situation.Highest), levels, activeWarnings, silentFeeds },
            null, situation.TerritoryKato));
        return id;
    }
}
