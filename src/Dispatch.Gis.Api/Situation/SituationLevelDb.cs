using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Situation;

internal sealed record EvaluationResult(int Territories, int Changes, int UpdatesSent, int Suggested, int Lapsed);

/// <summary>
/// Judges the situation per territory and domain from the evidence in it — stations' latest readings (in the territory
/// and its districts), earthquakes near its settlements, warnings whose area meets it — and writes what changed: the
/// level (SITUATION_CHANGED), a situation update to the partners the domain routes to, and regime suggestions.
/// </summary>
internal static class SituationLevelDb
{
    /// <summary>Judgements run one at a time (exclusive, taken first): each sees the levels the one before wrote.</summary>
    public const long JudgementLock = 0x53_69_74_75_61_74_69_6E; // "Situatin"

    public static async Task<EvaluationResult> EvaluateAsync(UnitOfWork w, MonitoringRules rules, ClassificationRules routing, MonitoringOptions options,
        IReadOnlyCollection<string>? katos, DateTime now, CancellationToken ct)
    {
        await w.AdvisoryLockAsync(JudgementLock, shared: false, ct);
        var territories = (await Db.ReadAllAsync(w, """
            SELECT t.kato, t.level = 'REGION', t.parent_kato, t.name_ru FROM territories t
            WHERE $1::text[] IS NULL OR t.kato = ANY($1) OR t.kato IN (SELECT parent_kato FROM territories WHERE kato = ANY($1))
            ORDER BY t.kato
            """, r => new TerritoryRef(r.GetString(0), r.GetBoolean(1), r.TextOrNull(2), r.GetString(3)), ct,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)katos?.ToArray() ?? DBNull.Value }))
            .ToDictionary(t => t.Kato, StringComparer.Ordinal);
        var set = territories.Keys.ToArray();
        var evidence = new List<(string Kato, SituationDomain Domain, Evidence Evidence)>();
        evidence.AddRange(await ObservationEvidenceAsync(w, rules, set, now, ct));
        evidence.AddRange(await QuakeEvidenceAsync(w, rules, set, now, ct));
        evidence.AddRange(await WarningEvidenceAsync(w, rules, set, now, ct));
        var byCell = evidence.ToLookup(e => (e.Kato, e.Domain), e => e.Evidence);

        var current = (await Db.ReadAllAsync(w, """
            SELECT territory_kato, domain, level, since, evidence::text, place FROM situation_levels WHERE territory_kato = ANY($1) FOR UPDATE
            """, r => (Kato: r.GetString(0), Domain: DbEnum.Parse<SituationDomain>(r.GetString(1)), Level: DbEnum.Parse<SituationLevel>(r.GetString(2)),
                Evidence: JsonSerializer.Deserialize<List<Evidence>>(r.GetString(4), Evidence.Json) ?? [], Place: r.IsDBNull(5) ? null : r.GetFieldValue<Geometry>(5)),
            ct, new NpgsqlParameter { Value = set })).ToDictionary(c => (c.Kato, c.Domain));

        var changed = new List<(TerritoryRef Territory, SituationDomain Domain, SituationLevel From, SituationLevel To, List<Evidence> Evidence)>();
        foreach (var territory in territories.Values)
        {
            foreach (var domain in TerritorySituation.MonitoredDomains)
            {
                var (level, kept) = SituationJudge.Judge(byCell[(territory.Kato, domain)]);
                var had = current.TryGetValue((territory.Kato, domain), out var row);
                var before = had ? row.Level : SituationLevel.Normal;
                if (!had && level == SituationLevel.Normal)
                {
                    continue;
                }

                // Compared as stored (the place is kept per row, not per item), so unchanged evidence writes nothing.
                if (had && before == level && JsonSerializer.Serialize(row.Evidence, Evidence.Json) == JsonSerializer.Serialize(kept, Evidence.Json))
                {
                    continue;
                }

                var place = kept.Count == 0 ? row.Place : GeoJson.Factory.BuildGeometry(kept.Select(e => e.Place).OfType<Geometry>().ToList());
                await WriteLevelAsync(w, territory.Kato, domain, level, before, before != level, kept, place is { IsEmpty: false } ? place : null, now, ct);
                if (before != level)
                {
                    changed.Add((territory, domain, before, level, kept));
                    w.Add(new NewEvent("SITUATION_CHANGED", "Territory", territory.Kato,
                        new { territory = territory.Kato, name = territory.Name, domain = DbEnum.Text(domain), from = DbEnum.Text(before), to = DbEnum.Text(level),
                            since = now, evidence = kept.Take(5).Select(e => e.Summary).ToList(), evidenceCount = kept.Count },
                        place is { IsEmpty: false } ? place : null, territory.Kato));
                }
            }
        }

        var sent = options.SendSituationUpdates ? await AnnounceAsync(w, routing, changed, ct) : 0;
        var (suggested, lapsed) = await SuggestAsync(w, options, territories, now, ct);
        return new EvaluationResult(territories.Count, changed.Count, sent, suggested, lapsed);
    }

    private static async Task WriteLevelAsync(UnitOfWork w, string kato, SituationDomain domain, SituationLevel level, SituationLevel before, bool moved,
        List<Evidence> evidence, Geometry? place, DateTime now, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO situation_levels AS s (territory_kato, domain, level, since, previous_level, evidence, place, evaluated_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $4)
            ON CONFLICT (territory_kato, domain) DO UPDATE SET level = EXCLUDED.level, evidence = EXCLUDED.evidence, place = EXCLUDED.place,
                evaluated_at = EXCLUDED.evaluated_at,
                since = CASE WHEN $8 THEN EXCLUDED.since ELSE s.since END,
                previous_level = CASE WHEN $8 THEN EXCLUDED.previous_level ELSE s.previous_level END
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = kato });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(domain) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(level) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(before) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(evidence, Evidence.Json) });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Geometry, Value = (object?)place ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = moved });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The stations' latest readings above NORMAL that are still fresh, for each territory they lie in (district and region).</summary>
    private static async Task<List<(string, SituationDomain, Evidence)>> ObservationEvidenceAsync(UnitOfWork w, MonitoringRules rules, string[] set, DateTime now,
        CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(w, """
            SELECT t.kato, s.code, s.name, s.geom, l.parameter, l.observed_at, l.value, l.level, l.threshold::text
            FROM station_latest l
            JOIN monitoring_stations s ON s.id = l.station_id
            JOIN territories d ON d.kato = s.territory_kato
            JOIN territories t ON t.kato IN (d.kato, d.parent_kato)
            WHERE l.level <> 'NORMAL' AND t.kato = ANY($1)
            """, r => (Kato: r.GetString(0), Code: r.GetString(1), Name: r.GetString(2), Point: r.GetFieldValue<Point>(3), Parameter: r.GetString(4),
                At: r.GetDateTime(5), Value: r.GetDouble(6), Level: DbEnum.Parse<SituationLevel>(r.GetString(7)), Threshold: r.TextOrNull(8)), ct,
            new NpgsqlParameter { Value = set });
        var result = new List<(string, SituationDomain, Evidence)>(rows.Count);
        foreach (var row in rows)
        {
            if (rules.Parameter(row.Parameter) is not { } rule || row.At < now - rule.FreshFor)
            {
                // A reading that went stale is no longer evidence: the level falls back unless something newer holds it.
                continue;
            }

            var threshold = row.Threshold is null ? null : JsonSerializer.Deserialize<LevelThreshold>(row.Threshold, Evidence.Json);
            var met = threshold is null ? "."
                : string.Create(CultureInfo.InvariantCulture, $", at or above {threshold.Value:0.###} {rule.Unit} ({threshold.Label ?? DbEnum.Text(threshold.Level)}).");
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{row.Name} ({row.Code}): {rule.Code} {row.Value:0.###} {rule.Unit} at {row.At:yyyy-MM-dd HH:mm} UTC{met}");
            result.Add((row.Kato, rule.Domain, new Evidence(EvidenceKind.Observation, row.Level, summary, row.At, row.Code, row.Name, rule.Code, row.Value, rule.Unit,
                threshold?.Value, threshold?.Label, threshold?.Citation, threshold?.Verified, threshold?.Source) { Place = row.Point }));
        }

        return result;
    }

    /// <summary>Recent earthquakes, for every territory with a settlement (or, without one, its own area) within the widest rule's distance; the level by the nearest.</summary>
    private static async Task<List<(string, SituationDomain, Evidence)>> QuakeEvidenceAsync(UnitOfWork w, MonitoringRules rules, string[] set, DateTime now,
        CancellationToken ct)
    {
        if (rules.QuakeRules.Count == 0)
        {
            return [];
        }

        // A district without a settlement of the reference set (a city's districts, a thinly settled one) is measured to
        // itself; otherwise the nearest settlement counts. A region takes the nearest of its districts'.
        var rows = await Db.ReadAllAsync(w, """
            WITH q AS (
                SELECT id, external_id, magnitude, place, occurred_at, geom FROM seismic_events WHERE occurred_at > $2 AND status <> 'deleted'
            ), near AS (
                SELECT st.territory_kato AS district, q.id, st.name AS what, ST_Distance(q.geom::geography, st.geom::geography) / 1000 AS km
                FROM q JOIN settlements st ON ST_DWithin(q.geom::geography, st.geom::geography, $3 * 1000)
                UNION ALL
                SELECT d.kato, q.id, d.name_ru, ST_Distance(q.geom::geography, d.geom::geography) / 1000
                FROM q JOIN territories d ON d.level = 'DISTRICT' AND ST_DWithin(d.geom, q.geom, $3 / 70.0)
                WHERE NOT EXISTS (SELECT 1 FROM settlements s WHERE s.territory_kato = d.kato)
            )
            SELECT DISTINCT ON (t.kato, q.id) t.kato, q.id, q.external_id, q.magnitude, q.place, q.occurred_at, q.geom, n.what, n.km
            FROM near n JOIN q ON q.id = n.id
            JOIN territories d ON d.kato = n.district
            JOIN territories t ON t.kato IN (d.kato, d.parent_kato)
            WHERE n.km <= $3 AND t.kato = ANY($1)
            ORDER BY t.kato, q.id, n.km
            """, r => (Kato: r.GetString(0), Id: r.GetGuid(1), External: r.GetString(2), Magnitude: r.GetDouble(3), Place: r.TextOrNull(4), At: r.GetDateTime(5),
                Point: r.GetFieldValue<Point>(6), Settlement: r.GetString(7), Km: r.GetDouble(8)), ct,
            new NpgsqlParameter { Value = set }, new NpgsqlParameter { Value = now - rules.QuakeFreshFor }, new NpgsqlParameter { Value = rules.MaxQuakeKm });
        var result = new List<(string, SituationDomain, Evidence)>();
        foreach (var q in rows)
        {
            var level = rules.QuakeLevel(q.Magnitude, q.Km, out var rule);
            if (rule is null)
            {
                continue;
            }

            var summary = string.Create(CultureInfo.InvariantCulture,
                $"M{q.Magnitude:0.0} earthquake{(q.Place is null ? "" : " " + q.Place)} at {q.At:yyyy-MM-dd HH:mm} UTC, {q.Km:0} km from {q.Settlement}.");
            result.Add((q.Kato, SituationDomain.Seismic, new Evidence(EvidenceKind.Earthquake, level, summary, q.At, Citation: rule.Citation, Verified: rule.Verified,
                EarthquakeId: q.External, Magnitude: q.Magnitude, Settlement: q.Settlement, DistanceKm: Math.Round(q.Km, 1)) { Place = q.Point }));
        }

        return result;
    }

    /// <summary>Actual warnings in force now (not replaced by an Update or Cancel) whose area meets the territory.</summary>
    private static async Task<List<(string, SituationDomain, Evidence)>> WarningEvidenceAsync(UnitOfWork w, MonitoringRules rules, string[] set, DateTime now,
        CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(w, """
            SELECT t.kato, x.id, x.sender, x.identifier, x.event, x.severity, x.certainty, x.category, x.headline, coalesce(x.onset_at, x.effective_at, x.sent_at),
                   x.expires_at, x.geom
            FROM warnings x JOIN territories t ON ST_Intersects(t.geom, x.geom) AND NOT ST_Touches(t.geom, x.geom)
            WHERE t.kato = ANY($1) AND x.status = 'Actual' AND x.msg_type IN ('Alert', 'Update') AND x.replaced_at IS NULL
              AND coalesce(x.onset_at, x.effective_at, x.sent_at) <= $2 AND (x.expires_at IS NULL OR x.expires_at > $2)
            """, r => (Kato: r.GetString(0), Id: r.GetGuid(1), Sender: r.GetString(2), Identifier: r.GetString(3), Event: r.GetString(4), Severity: r.GetString(5),
                Certainty: r.GetString(6), Category: r.GetFieldValue<string[]>(7), Headline: r.TextOrNull(8), From: r.GetDateTime(9),
                Expires: r.IsDBNull(10) ? (DateTime?)null : r.GetDateTime(10), Area: r.GetFieldValue<Geometry>(11)), ct,
            new NpgsqlParameter { Value = set }, new NpgsqlParameter { Value = now });
        var result = new List<(string, SituationDomain, Evidence)>();
        foreach (var x in rows)
        {
            if (rules.Warnings.IgnoredCertainties.Contains(x.Certainty) || !rules.Warnings.Severities.TryGetValue(x.Severity, out var level)
                || level == SituationLevel.Normal)
            {
                continue;
            }

            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{x.Event} ({x.Severity}){(x.Expires is { } e ? $" until {e:yyyy-MM-dd HH:mm} UTC" : "")}{(x.Headline is null ? "" : ": " + x.Headline)} [{x.Sender}].");
            foreach (var domain in x.Category.Select(c => rules.Warnings.Categories.TryGetValue(c, out var d) ? d : (SituationDomain?)null).OfType<SituationDomain>().Distinct())
            {
                result.Add((x.Kato, domain, new Evidence(EvidenceKind.Warning, level, summary, x.From, Citation: rules.Warnings.Citation,
                    Verified: rules.Warnings.Verified, WarningId: $"{x.Sender},{x.Identifier}", WarningEvent: x.Event, Severity: x.Severity, Expires: x.Expires)
                    { Place = x.Area }));
            }
        }

        return result;
    }

    /// <summary>Each change to the partners its domain routes to, through the situation-update flow (one update per change, see <see cref="SituationJudge.AnnounceFor"/>).</summary>
    private static async Task<int> AnnounceAsync(UnitOfWork w, ClassificationRules routing,
        List<(TerritoryRef Territory, SituationDomain Domain, SituationLevel From, SituationLevel To, List<Evidence> Evidence)> changed, CancellationToken ct)
    {
        var sent = 0;
        foreach (var domain in changed.GroupBy(c => c.Domain))
        {
            var byKato = domain.ToDictionary(c => c.Territory.Kato, StringComparer.Ordinal);
            foreach (var kato in SituationJudge.AnnounceFor(domain.Select(c => c.Territory).ToList()))
            {
                var c = byKato[kato];
                await SituationDb.SendAsync(w, kato, null, null, null, domain.Key, SituationJudge.UpdateText(c.Territory, c.Domain, c.From, c.To, c.Evidence),
                    routing.Recipients(domain.Key), ct);
                sent++;
            }
        }

        return sent;
    }

    /// <summary>
    /// Regime suggestions for the regions judged: one open per territory and regime, for the smallest territory covering
    /// the qualifying evidence, never for a territory whose effective regime is already that high, and not again for an
    /// episode an officer already decided on. Open suggestions the situation no longer calls for lapse.
    /// </summary>
    private static async Task<(int Suggested, int Lapsed)> SuggestAsync(UnitOfWork w, MonitoringOptions options, Dictionary<string, TerritoryRef> territories,
        DateTime now, CancellationToken ct)
    {
        var regions = territories.Values.Select(t => t.Region).Distinct().ToArray();
        var cells = await Db.ReadAllAsync(w, """
            SELECT t.kato, t.level = 'REGION', t.parent_kato, t.name_ru, s.domain, s.level, s.since, s.evidence::text,
                   greatest(own.regime_rank, coalesce(reg.regime_rank, 0)), s.place
            FROM territories t
            JOIN situation_levels s ON s.territory_kato = t.kato AND s.level <> 'NORMAL'
            LEFT JOIN LATERAL (SELECT CASE regime WHEN 'EMERGENCY' THEN 2 WHEN 'HIGH_READINESS' THEN 1 ELSE 0 END AS regime_rank FROM regime_declarations
                               WHERE territory_kato = t.kato AND valid_to IS NULL) own ON true
            LEFT JOIN LATERAL (SELECT CASE regime WHEN 'EMERGENCY' THEN 2 WHEN 'HIGH_READINESS' THEN 1 ELSE 0 END AS regime_rank FROM regime_declarations
                               WHERE territory_kato = t.parent_kato AND valid_to IS NULL) reg ON true
            WHERE t.kato = ANY($1) OR t.parent_kato = ANY($1)
            """, r => (Territory: new TerritoryRef(r.GetString(0), r.GetBoolean(1), r.TextOrNull(2), r.GetString(3)), Domain: DbEnum.Parse<SituationDomain>(r.GetString(4)),
                Level: DbEnum.Parse<SituationLevel>(r.GetString(5)), Since: r.GetDateTime(6),
                Evidence: JsonSerializer.Deserialize<List<Evidence>>(r.GetString(7), Evidence.Json) ?? [], Regime: r.IsDBNull(8) ? 0 : r.GetInt32(8),
                Place: r.IsDBNull(9) ? null : r.GetFieldValue<Geometry>(9)), ct, new NpgsqlParameter { Value = regions });
        var open = await Db.ReadAllAsync(w, """
            SELECT s.id, s.territory_kato, s.regime FROM regime_suggestions s JOIN territories t ON t.kato = s.territory_kato
            WHERE s.status = 'PENDING' AND (t.kato = ANY($1) OR t.parent_kato = ANY($1)) ORDER BY s.id
            """, r => (Id: r.GetGuid(0), Kato: r.GetString(1), Regime: DbEnum.Parse<Regimes.Regime>(r.GetString(2))), ct, new NpgsqlParameter { Value = regions });
        await w.LockAsync(LockedTable.RegimeSuggestions, open.Select(o => o.Id), ct);

        var wanted = new Dictionary<(string Kato, Regimes.Regime Regime), (TerritoryRef Territory, List<(SituationDomain Domain, SituationLevel Level, DateTime Since,
            List<Evidence> Evidence, Geometry? Place)> Cells)>();
        foreach (var regime in new[] { Regimes.Regime.HighReadiness, Regimes.Regime.Emergency })
        {
            var trigger = regime == Regimes.Regime.Emergency ? options.SuggestEmergencyAt : options.SuggestHighReadinessAt;
            foreach (var region in cells.Where(c => c.Level >= trigger).GroupBy(c => c.Territory.Region))
            {
                var districts = region.Where(c => !c.Territory.IsRegion).Select(c => c.Territory.Kato).Distinct().ToList();
                var target = SituationJudge.SuggestionTarget(region.Key, region.Any(c => c.Territory.IsRegion), districts);
                var targetCells = region.Where(c => c.Territory.Kato == target).ToList();
                if (target is null || targetCells.Count == 0 || targetCells[0].Regime >= (int)regime)
                {
                    continue;
                }

                wanted[(target, regime)] = (targetCells[0].Territory, targetCells.Select(c => (c.Domain, c.Level, c.Since, c.Evidence, c.Place)).ToList());
            }
        }

        var lapsed = 0;
        foreach (var stale in open.Where(o => !wanted.ContainsKey((o.Kato, o.Regime))))
        {
            await using var lapse = w.Command("""
                UPDATE regime_suggestions SET status = 'LAPSED', decided_at = clock_timestamp(), decided_by = $2,
                    note = 'the situation no longer calls for it (levels fell, the regime is already in force, or a wider territory now qualifies)'
                WHERE id = $1 RETURNING territory_kato, regime
                """);
            lapse.Parameters.Add(new NpgsqlParameter { Value = stale.Id });
            lapse.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await lapse.ExecuteNonQueryAsync(ct);
            lapsed++;
            w.Add(new NewEvent("REGIME_SUGGESTION_LAPSED", "RegimeSuggestion", stale.Id.ToString(),
                new { suggestionId = stale.Id, territory = stale.Kato, regime = DbEnum.Text(stale.Regime) }, null, stale.Kato));
        }

        var suggested = 0;
        foreach (var ((kato, regime), (territory, targetCells)) in wanted)
        {
            if (open.Any(o => o.Kato == kato && o.Regime == regime))
            {
                continue;
            }

            var episode = targetCells.Max(c => c.Since);
            var top = targetCells.Max(c => c.Level);
            var domains = targetCells.OrderByDescending(c => c.Level).Select(c => c.Domain).Distinct().ToList();
            var evidence = targetCells.OrderByDescending(c => c.Level).SelectMany(c => c.Evidence).Take(SituationJudge.MaxEvidence).ToList();
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(", ", targetCells.OrderByDescending(c => c.Level).Select(c => $"{DbEnum.Text(c.Domain)} {DbEnum.Text(c.Level)}"))} in {territory.Name} ({kato}) " +
                $"reached the level at which the service suggests {DbEnum.Text(regime)}; the decision is the officer's.");
            await using var insert = w.Command("""
                INSERT INTO regime_suggestions (territory_kato, regime, domains, level, reason, evidence)
                SELECT $1, $2, $3, $4, $5, $6::jsonb
                WHERE NOT EXISTS (SELECT 1 FROM regime_suggestions WHERE territory_kato = $1 AND regime = $2 AND decided_at >= $7)
                RETURNING id
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = kato });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(regime) });
            insert.Parameters.Add(new NpgsqlParameter { Value = domains.Select(d => DbEnum.Text(d)).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(top) });
            insert.Parameters.Add(new NpgsqlParameter { Value = reason });
            insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(evidence, Evidence.Json) });
            insert.Parameters.Add(new NpgsqlParameter { Value = episode });
            if (await insert.ExecuteScalarAsync(ct) is not Guid id)
            {
                // Decided on (accepted, dismissed or lapsed) since this episode began: people have spoken, not again until it changes.
                continue;
            }

            suggested++;
            var places = targetCells.Select(c => c.Place).OfType<Geometry>().ToList();
            w.Add(new NewEvent("REGIME_SUGGESTED", "RegimeSuggestion", id.ToString(),
                new { suggestionId = id, territory = kato, name = territory.Name, regime = DbEnum.Text(regime), level = DbEnum.Text(top),
                    domains = domains.Select(d => DbEnum.Text(d)).ToList(), reason },
                places.Count == 0 ? null : GeoJson.Factory.BuildGeometry(places), kato));
        }

        return (suggested, lapsed);
    }
}
