using System.Globalization;
using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Monitoring.Adapters;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Monitoring;

/// <summary>How a run started: when, which attempt, which ledger firing, what the HTTP answer was.</summary>
internal sealed record RunStart(DateTime StartedAt, int Attempt, string? FireInstanceId, int? HttpStatus, long? Bytes);

/// <summary>What a run wrote, and which territories it may have changed (null: every territory, for earthquakes and warnings).</summary>
internal sealed record IngestOutcome(long RunId, int Received, int Stored, int Updated, int Duplicates, int Rejected, DateTime? NewestObservedAt,
    IReadOnlyCollection<string>? Territories)
{
    public bool Changed => Stored + Updated > 0;

    public string Detail => $"received {Received}, stored {Stored}, updated {Updated}, duplicates {Duplicates}, rejected {Rejected}";
}

/// <summary>
/// Ingestion, the same for a feed's poll and a sensor's push: every row checked (station, parameter, unit, physical
/// range, clock, place), the bad ones quarantined with where and why, the good ones judged against their thresholds
/// and written in this one transaction — observations by binary COPY into the day partitions, a re-sent row skipped
/// by its key — with the run, the feed's health and the events.
/// </summary>
internal static class ObservationDb
{
    /// <param name="Threshold">Index into the run's distinct thresholds (as JSON), or -1 for NORMAL: staged as a number, not a copy per row.</param>
    private sealed record Accepted(Guid Station, string Parameter, DateTime ObservedAt, double Value, SituationLevel Level, int Threshold);

    /// <summary>The thresholds a run's rows met, once each, in the order of their indexes.</summary>
    private sealed class ThresholdTable
    {
        private readonly Dictionary<LevelThreshold, int> _index = new(ReferenceEqualityComparer.Instance);

        public List<string> Json { get; } = [];

        public int IndexOf(LevelThreshold? threshold)
        {
            if (threshold is null)
            {
                return -1;
            }

            if (!_index.TryGetValue(threshold, out var i))
            {
                i = _index[threshold] = Json.Count;
                Json.Add(JsonSerializer.Serialize(threshold, Situation.Evidence.Json));
            }

            return i;
        }
    }

    private sealed record StationRow(Guid Id, string Code, string? Territory, HashSet<string> Parameters, Point Location);

    public static async Task<IngestOutcome> IngestAsync(UnitOfWork w, Feed feed, ParsedPayload payload, RunStart run, MonitoringRules rules,
        MonitoringOptions options, DateTime now, TerritoryScope? scope, CancellationToken ct)
    {
        await w.LockAsync(LockedTable.Feeds, [feed.Id], ct);
        var rejections = new List<Rejection>(payload.Rejections);
        var places = new List<Geometry>();
        var territories = new HashSet<string>(StringComparer.Ordinal);
        var thresholds = new ThresholdTable();
        var accepted = await CheckObservationsAsync(w, payload.Observations, rules, options, now, scope, rejections, places, territories, thresholds, ct);
        var quakes = CheckQuakes(payload.Quakes, rules, options, now, rejections, places);
        var warnings = CheckWarnings(payload.Warnings, options, now, rejections, places);

        long runId;
        await using (var open = w.Command("""
            INSERT INTO feed_runs (feed_id, job_run_id, actor, attempt, started_at, outcome, http_status, bytes, received)
            VALUES ($1, (SELECT max(id) FROM job_runs WHERE fire_instance_id = $2), $3, $4, $5, 'SUCCEEDED', $6, $7, $8) RETURNING id
            """))
        {
            open.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
            open.Parameters.Add(Db.Nullable(run.FireInstanceId));
            open.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            open.Parameters.Add(new NpgsqlParameter { Value = run.Attempt });
            open.Parameters.Add(new NpgsqlParameter { Value = run.StartedAt });
            open.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)run.HttpStatus ?? DBNull.Value });
            open.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)run.Bytes ?? DBNull.Value });
            open.Parameters.Add(new NpgsqlParameter { Value = payload.Received });
            runId = (long)(await open.ExecuteScalarAsync(ct))!;
        }

        var stored = await WriteObservationsAsync(w, feed, runId, accepted, thresholds, ct);
        var (quakesNew, quakesUpdated) = await WriteQuakesAsync(w, feed, runId, quakes, ct);
        var warningsNew = await WriteWarningsAsync(w, feed, runId, warnings, ct);
        await WriteRejectionsAsync(w, runId, rejections, options.MaxRejectionsKeptPerRun, ct);

        var newest = Max(accepted.Count == 0 ? null : accepted.Max(a => a.ObservedAt), quakes.Count == 0 ? null : quakes.Max(q => q.OccurredAt),
            warnings.Count == 0 ? null : warnings.Max(x => x.SentAt));
        var outcome = new IngestOutcome(runId, payload.Received, stored + quakesNew + warningsNew, quakesUpdated,
            accepted.Count + quakes.Count + warnings.Count - stored - quakesNew - quakesUpdated - warningsNew, rejections.Count, newest,
            quakesNew + quakesUpdated + warningsNew > 0 ? null : territories);
        var extent = places.Count == 0 ? null : GeoJson.Factory.BuildGeometry(places).Envelope;
        await CloseRunAsync(w, feed, outcome, extent, ct);
        w.Add(new NewEvent("OBSERVATIONS_INGESTED", "FeedRun", runId.ToString(CultureInfo.InvariantCulture),
            new { feedId = feed.Id, feed = feed.Code, format = DbEnum.Text(feed.Format), runId, outcome.Received, outcome.Stored, outcome.Updated,
                outcome.Duplicates, outcome.Rejected, newestObservedAt = newest },
            extent, feed.TerritoryKato ?? (territories.Count == 1 ? territories.First() : null)));
        return outcome;
    }

    private static DateTime? Max(params DateTime?[] times) => times.Where(t => t is not null).DefaultIfEmpty(null).Max();

    private static async Task<List<Accepted>> CheckObservationsAsync(UnitOfWork w, List<RawObservation> rows, MonitoringRules rules, MonitoringOptions options,
        DateTime now, TerritoryScope? scope, List<Rejection> rejections, List<Geometry> places, HashSet<string> territories, ThresholdTable thresholds,
        CancellationToken ct)
    {
        var accepted = new List<Accepted>(rows.Count);
        if (rows.Count == 0)
        {
            return accepted;
        }

        var codes = rows.Select(r => r.Station).Distinct(StringComparer.Ordinal).ToArray();
        var stations = (await Db.ReadAllAsync(w, "SELECT id, code, territory_kato, parameters, geom FROM monitoring_stations WHERE code = ANY($1)",
            r => new StationRow(r.GetGuid(0), r.GetString(1), r.TextOrNull(2), r.GetFieldValue<string[]>(3).ToHashSet(StringComparer.Ordinal), r.GetFieldValue<Point>(4)),
            ct, new NpgsqlParameter { Value = codes })).ToDictionary(s => s.Code, StringComparer.Ordinal);
        var levels = (await Db.ReadAllAsync(w, """
            SELECT station_id, parameter, level, valid_from, value, label, citation, verified, source FROM station_thresholds WHERE station_id = ANY($1)
            """, StationDb.MapThreshold, ct, Db.Ids(stations.Values.Select(s => s.Id))))
            .GroupBy(t => (t.StationId, t.Parameter)).ToDictionary(g => g.Key, g => (IReadOnlyList<LevelThreshold>)g.Select(t => t.ToLevel()).ToList());

        var placed = new HashSet<Guid>();
        // The ladder is the same for every reading of a station, parameter and day: found once, then each reading is a few comparisons.
        var ladders = new Dictionary<(Guid, string, DateOnly), IReadOnlyList<LevelThreshold>>();
        foreach (var row in rows)
        {
            var reason = Check(row, stations, rules, options, now, scope, out var station, out var rule, out var value);
            if (reason is not null)
            {
                rejections.Add(new Rejection(row.Line, row.Pointer, reason, row.Raw is null ? null : FeedAdapters.Excerpt(row.Raw)));
                continue;
            }

            var day = DateOnly.FromDateTime(row.ObservedAt);
            var key = (station!.Id, rule!.Code, day);
            if (!ladders.TryGetValue(key, out var ladder))
            {
                levels.TryGetValue((station.Id, rule.Code), out var own);
                ladder = ladders[key] = MonitoringRules.Ladder(rule, own, day);
            }

            var threshold = MonitoringRules.Judge(ladder, value);
            accepted.Add(new Accepted(station.Id, rule.Code, row.ObservedAt, value, threshold?.Level ?? SituationLevel.Normal, thresholds.IndexOf(threshold)));
            if (placed.Add(station.Id))
            {
                places.Add(station.Location);
                if (station.Territory is { } kato)
                {
                    territories.Add(kato);
                }
            }
        }

        return accepted;
    }

    private static string? Check(RawObservation row, Dictionary<string, StationRow> stations, MonitoringRules rules, MonitoringOptions options, DateTime now,
        TerritoryScope? scope, out StationRow? station, out ParameterRule? rule, out double value)
    {
        value = 0;
        rule = null;
        if (!stations.TryGetValue(row.Station, out station))
        {
            return $"unknown station \"{row.Station}\"";
        }

        if (scope is not null && !scope.Covers(station.Territory))
        {
            return $"station {station.Code} lies outside the territories this call may report for";
        }

        rule = rules.Parameter(row.Parameter);
        if (rule is null)
        {
            return $"unknown parameter \"{row.Parameter}\"";
        }

        if (!station.Parameters.Contains(rule.Code))
        {
            return $"station {station.Code} does not measure {rule.Code} (it measures {string.Join(", ", station.Parameters.Order(StringComparer.Ordinal))})";
        }

        if (rule.Factor(row.Unit) is not { } factor)
        {
            return $"unit \"{row.Unit}\" does not match {rule.Code} (give {string.Join(", ", rule.Units.Keys)})";
        }

        // Rounded after a conversion, so 10.2 m is 1020 cm and not 1019.9999999999999 (nine decimals keep every sensor's precision).
        value = factor == 1 ? row.Value : Math.Round(row.Value * factor, 9);
        if (value < rule.Min || value > rule.Max)
        {
            return $"{value.ToString(CultureInfo.InvariantCulture)} {rule.Unit} is outside the physical range of {rule.Code} " +
                $"({rule.Min.ToString(CultureInfo.InvariantCulture)} to {rule.Max.ToString(CultureInfo.InvariantCulture)} {rule.Unit})";
        }

        return TimeFault(row.ObservedAt, now, options);
    }

    private static string? TimeFault(DateTime at, DateTime now, MonitoringOptions options) =>
        at > now + options.ClockSkew ? $"time {at:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the future beyond the clock skew of {options.ClockSkew}"
        : at < now - options.MaxObservationAge ? $"time {at:yyyy-MM-dd'T'HH:mm:ss'Z'} is older than {options.MaxObservationAge.TotalDays} days"
        : null;

    private static List<RawQuake> CheckQuakes(List<RawQuake> rows, MonitoringRules rules, MonitoringOptions options, DateTime now, List<Rejection> rejections,
        List<Geometry> places)
    {
        var accepted = new Dictionary<string, RawQuake>(StringComparer.Ordinal);
        foreach (var q in rows)
        {
            var reason = q.Magnitude is not { } m ? "no magnitude"
                : m < rules.MagnitudeRange.Min || m > rules.MagnitudeRange.Max ? $"magnitude {m.ToString(CultureInfo.InvariantCulture)} is outside {rules.MagnitudeRange.Min} to {rules.MagnitudeRange.Max}"
                : q.DepthKm is { } d && (d < rules.DepthRangeKm.Min || d > rules.DepthRangeKm.Max) ? $"depth {d.ToString(CultureInfo.InvariantCulture)} km is outside {rules.DepthRangeKm.Min} to {rules.DepthRangeKm.Max} km"
                : !double.IsFinite(q.X) || !double.IsFinite(q.Y) || !options.IsInNeighbourhood(q.X, q.Y)
                    ? $"epicentre {q.Y.ToString(CultureInfo.InvariantCulture)}° N {q.X.ToString(CultureInfo.InvariantCulture)}° E lies outside Kazakhstan's neighbourhood"
                : TimeFault(q.OccurredAt, now, options);
            if (reason is not null)
            {
                rejections.Add(new Rejection(null, q.Pointer, reason, q.Raw));
                continue;
            }

            // One version per event id: a catalogue that lists an event twice keeps the later update.
            if (!accepted.TryGetValue(q.ExternalId, out var seen) || seen.UpdatedAt < q.UpdatedAt)
            {
                accepted[q.ExternalId] = q;
            }
        }

        places.AddRange(accepted.Values.Select(q => (Geometry)GeoJson.Factory.CreatePoint(new Coordinate(q.X, q.Y))));
        return [.. accepted.Values];
    }

    private static List<RawWarning> CheckWarnings(List<RawWarning> rows, MonitoringOptions options, DateTime now, List<Rejection> rejections, List<Geometry> places)
    {
        var n = options.NeighbourhoodBox;
        var neighbourhood = new Envelope(n[0], n[2], n[1], n[3]);
        var accepted = new Dictionary<(string, string, int), RawWarning>();
        foreach (var x in rows)
        {
            var reason = x.Area is { } area && !neighbourhood.Intersects(area.EnvelopeInternal) ? "the warning area lies outside Kazakhstan's neighbourhood"
                : x.SentAt > now + options.ClockSkew ? $"sent {x.SentAt:yyyy-MM-dd'T'HH:mm:ss'Z'}, in the future beyond the clock skew of {options.ClockSkew}"
                : x.ExpiresAt is { } expires && expires < (x.OnsetAt ?? x.EffectiveAt ?? x.SentAt) ? "expires before it comes into force"
                : null;
            if (reason is not null)
            {
                rejections.Add(new Rejection(null, x.Pointer, reason, null));
                continue;
            }

            accepted.TryAdd((x.Sender, x.Identifier, x.InfoIndex), x);
            if (x.Area is { } shape)
            {
                places.Add(shape);
            }
        }

        return [.. accepted.Values];
    }

    private static async Task<int> WriteObservationsAsync(UnitOfWork w, Feed feed, long runId, List<Accepted> rows, ThresholdTable thresholds, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        await using (var stage = w.Command("""
            CREATE TEMP TABLE staged_observations (station_id uuid, parameter text, observed_at timestamptz, value float8, level text, threshold integer)
            ON COMMIT DROP
            """))
        {
            await stage.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await w.Connection.BeginBinaryImportAsync(
            "COPY staged_observations (station_id, parameter, observed_at, value, level, threshold) FROM STDIN (FORMAT BINARY)", ct))
        {
            // The synchronous writes fill Npgsql's buffer and only touch the socket when it is full: an await per field
            // costs more than the row (measured: 100,000 rows took seconds that way, milliseconds this way).
            foreach (var r in rows)
            {
                copy.StartRow();
                copy.Write(r.Station, NpgsqlDbType.Uuid);
                copy.Write(r.Parameter, NpgsqlDbType.Text);
                copy.Write(r.ObservedAt, NpgsqlDbType.TimestampTz);
                copy.Write(r.Value, NpgsqlDbType.Double);
                copy.Write(LevelText(r.Level), NpgsqlDbType.Text);
                if (r.Threshold >= 0)
                {
                    copy.Write(r.Threshold, NpgsqlDbType.Integer);
                }
                else
                {
                    copy.WriteNull();
                }
            }

            await copy.CompleteAsync(ct);
        }

        int stored;
        await using (var insert = w.Command("""
            INSERT INTO observations (station_id, parameter, observed_at, value, level, feed_id, run_id)
            SELECT station_id, parameter, observed_at, value, level, $1, $2 FROM staged_observations
            ON CONFLICT DO NOTHING
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = runId });
            stored = await insert.ExecuteNonQueryAsync(ct);
        }

        // Only ever forward in time, and in key order, so two batches for the same stations queue instead of deadlocking.
        // Every CTE reads the same snapshot, so "before" is the level the upsert replaces. A station whose worst reading
        // moves is announced (the map repaints it, alert subscriptions see it); a first reading only when it is not
        // NORMAL, so a new feed's first poll of hundreds of quiet posts does not flood the event log.
        await using (var latest = w.Command("""
            WITH newest AS (
                SELECT DISTINCT ON (station_id, parameter) station_id, parameter, observed_at, value, level, threshold
                FROM staged_observations ORDER BY station_id, parameter, observed_at DESC
            ), before AS (
                SELECT l.station_id, l.parameter, l.level FROM station_latest l JOIN newest n USING (station_id, parameter)
            ), moved AS (
                INSERT INTO station_latest AS l (station_id, parameter, observed_at, value, level, threshold, feed_id)
                SELECT station_id, parameter, observed_at, value, level, ($2::jsonb[])[threshold + 1], $1::uuid FROM newest
                ORDER BY station_id, parameter
                ON CONFLICT (station_id, parameter) DO UPDATE SET observed_at = EXCLUDED.observed_at, value = EXCLUDED.value, level = EXCLUDED.level,
                    threshold = EXCLUDED.threshold, feed_id = EXCLUDED.feed_id
                WHERE l.observed_at < EXCLUDED.observed_at
                RETURNING l.station_id, l.parameter, l.level, l.value, l.observed_at
            )
            SELECT m.station_id, m.parameter, b.level, m.level, m.value, m.observed_at, s.code, s.name, s.geom, s.territory_kato
            FROM moved m LEFT JOIN before b USING (station_id, parameter) JOIN monitoring_stations s ON s.id = m.station_id
            WHERE (b.level IS NULL AND m.level <> 'NORMAL') OR b.level <> m.level
            ORDER BY m.station_id, m.parameter
            """))
        {
            latest.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
            latest.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = thresholds.Json.ToArray() });
            await using var reader = await latest.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                w.Add(new NewEvent("STATION_LEVEL_CHANGED", "MonitoringStation", reader.GetGuid(0).ToString(),
                    new
                    {
                        code = reader.GetString(6), name = reader.GetString(7), parameter = reader.GetString(1), previousLevel = reader.TextOrNull(2) ?? "NO_DATA",
                        level = reader.GetString(3), value = reader.GetDouble(4), observedAt = reader.GetDateTime(5),
                    },
                    reader.GetFieldValue<Geometry>(8), reader.TextOrNull(9)));
            }
        }

        return stored;
    }

    private static readonly string[] LevelTexts = Enum.GetValues<SituationLevel>().Select(l => DbEnum.Text(l)).ToArray();

    private static string LevelText(SituationLevel level) => LevelTexts[(int)level];

    private static async Task<(int Inserted, int Updated)> WriteQuakesAsync(UnitOfWork w, Feed feed, long runId, List<RawQuake> quakes, CancellationToken ct)
    {
        if (quakes.Count == 0)
        {
            return (0, 0);
        }

        await using var cmd = w.Command($"""
            INSERT INTO seismic_events AS q (feed_id, external_id, occurred_at, updated_at, magnitude, mag_type, depth_km, place, status, geom, territory_kato, run_id)
            SELECT $1, e.id, e.t, e.u, e.m, e.mt, e.d, e.p, e.s, e.g, {StationDb.TerritoryOfPoint("e.g")}, $2
            FROM (SELECT *, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g
                  FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::float8[], $7::text[], $8::float8[], $9::text[], $10::text[],
                              $11::float8[], $12::float8[]) AS e (id, t, u, m, mt, d, p, s, x, y)) e
            ON CONFLICT (feed_id, external_id) DO UPDATE SET occurred_at = EXCLUDED.occurred_at, updated_at = EXCLUDED.updated_at,
                magnitude = EXCLUDED.magnitude, mag_type = EXCLUDED.mag_type, depth_km = EXCLUDED.depth_km, place = EXCLUDED.place, status = EXCLUDED.status,
                geom = EXCLUDED.geom, territory_kato = EXCLUDED.territory_kato, run_id = EXCLUDED.run_id, received_at = clock_timestamp()
            WHERE q.updated_at < EXCLUDED.updated_at
            RETURNING (xmax = 0), q.id, q.external_id, q.magnitude, q.mag_type, q.depth_km, q.place, q.status, q.occurred_at, q.geom, q.territory_kato
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.ExternalId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.OccurredAt).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.UpdatedAt).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.Magnitude!.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = quakes.Select(q => q.MagType).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = quakes.Select(q => q.DepthKm).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = quakes.Select(q => q.Place).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.Status).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.X).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = quakes.Select(q => q.Y).ToArray() });
        var (inserted, updated) = (0, 0);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var isNew = reader.GetBoolean(0);
            _ = isNew ? inserted++ : updated++;
            w.Add(new NewEvent(isNew ? "EARTHQUAKE_REPORTED" : "EARTHQUAKE_UPDATED", "Earthquake", reader.GetGuid(1).ToString(),
                new { feed = feed.Code, externalId = reader.GetString(2), magnitude = reader.GetDouble(3), magType = reader.TextOrNull(4),
                    depthKm = reader.IsDBNull(5) ? (double?)null : reader.GetDouble(5), place = reader.TextOrNull(6), status = reader.GetString(7),
                    occurredAt = reader.GetDateTime(8) },
                reader.GetFieldValue<Point>(9), reader.TextOrNull(10)));
        }

        return (inserted, updated);
    }

    /// <summary>New alerts only (an alert never changes); an Update or Cancel marks the alerts it names as replaced.</summary>
    private static async Task<int> WriteWarningsAsync(UnitOfWork w, Feed feed, long runId, List<RawWarning> warnings, CancellationToken ct)
    {
        var inserted = 0;
        foreach (var x in warnings)
        {
            if (x.Area is { } area)
            {
                await using var cmd = w.Command("""
                    INSERT INTO warnings (feed_id, sender, identifier, info_index, sent_at, status, msg_type, category, event, severity, urgency, certainty,
                                          headline, description, instruction, area_desc, language, effective_at, onset_at, expires_at, geom, territory_kato, run_id)
                    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, g,
                           (SELECT kato FROM territories WHERE level = 'REGION' AND ST_Intersects(geom, g)
                            ORDER BY ST_Area(ST_Intersection(geom, g)) DESC, kato LIMIT 1), $22
                    FROM (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid($21::geometry), 3)) AS g) area
                    ON CONFLICT (sender, identifier, info_index) DO NOTHING
                    RETURNING id, territory_kato
                    """);
                cmd.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Sender });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Identifier });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.InfoIndex });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.SentAt });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Status });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.MsgType });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Category.ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Event });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Severity });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Urgency });
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.Certainty });
                cmd.Parameters.Add(Db.Nullable(x.Headline));
                cmd.Parameters.Add(Db.Nullable(x.Description));
                cmd.Parameters.Add(Db.Nullable(x.Instruction));
                cmd.Parameters.Add(new NpgsqlParameter { Value = x.AreaDesc });
                cmd.Parameters.Add(Db.Nullable(x.Language));
                cmd.Parameters.Add(Db.NullableTime(x.EffectiveAt));
                cmd.Parameters.Add(Db.NullableTime(x.OnsetAt));
                cmd.Parameters.Add(Db.NullableTime(x.ExpiresAt));
                cmd.Parameters.Add(new NpgsqlParameter { Value = area });
                cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    continue;
                }

                inserted++;
                w.Add(new NewEvent("WARNING_RECEIVED", "Warning", reader.GetGuid(0).ToString(),
                    new { feed = feed.Code, sender = x.Sender, identifier = x.Identifier, msgType = x.MsgType, status = x.Status, @event = x.Event,
                        severity = x.Severity, urgency = x.Urgency, certainty = x.Certainty, headline = x.Headline, onset = x.OnsetAt ?? x.EffectiveAt,
                        expires = x.ExpiresAt },
                    area, reader.TextOrNull(1)));
                await reader.DisposeAsync();
                await ReplaceAsync(w, x, ct);
            }
            else if (await ReplaceAsync(w, x, ct) > 0)
            {
                // An Update or Cancel without info of its own: it counts by what it replaced, the first time only.
                inserted++;
            }
        }

        return inserted;
    }

    private static async Task<int> ReplaceAsync(UnitOfWork w, RawWarning x, CancellationToken ct)
    {
        if (x.MsgType is not ("Update" or "Cancel") || x.References.Count == 0)
        {
            return 0;
        }

        await using var cmd = w.Command("""
            UPDATE warnings SET replaced_at = clock_timestamp(), replaced_by = $3 || ',' || $4
            WHERE (sender, identifier) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND replaced_at IS NULL
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = x.References.Select(r => r.Sender).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = x.References.Select(r => r.Identifier).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = x.Sender });
        cmd.Parameters.Add(new NpgsqlParameter { Value = x.Identifier });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteRejectionsAsync(UnitOfWork w, long runId, List<Rejection> rejections, int keep, CancellationToken ct)
    {
        if (rejections.Count == 0 || keep <= 0)
        {
            return;
        }

        // A reason quotes what it refused; bounded and cleaned like the raw row.
        var kept = rejections.Take(keep).Select(r => r with { Reason = FeedAdapters.Excerpt(r.Reason, 1000) }).ToList();
        await using var cmd = w.Command("""
            INSERT INTO feed_rejections (run_id, ordinal, line, pointer, reason, raw)
            SELECT $1, r.ordinality, r.line, r.pointer, r.reason, r.raw FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
                AS r (line, pointer, reason, raw, ordinality)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = kept.Select(r => r.Line).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = kept.Select(r => r.Pointer).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = kept.Select(r => r.Reason).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = kept.Select(r => r.Raw).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The run's counts and the feed's health; a feed that was silent and delivered something new is FEED_RECOVERED now.</summary>
    private static async Task CloseRunAsync(UnitOfWork w, Feed feed, IngestOutcome outcome, Geometry? extent, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            WITH run AS (
                UPDATE feed_runs SET stored = $2, updated = $3, duplicates = $4, rejected = $5, newest_observed_at = $6, ended_at = clock_timestamp() WHERE id = $1
            ), before AS (
                SELECT silent_since FROM feed_state WHERE feed_id = $7
            )
            UPDATE feed_state st SET last_polled_at = clock_timestamp(), last_success_at = clock_timestamp(), consecutive_failures = 0,
                last_new_data_at = CASE WHEN $8 THEN clock_timestamp() ELSE st.last_new_data_at END,
                newest_observed_at = greatest(st.newest_observed_at, $6),
                extent = CASE WHEN $9::geometry IS NULL THEN st.extent WHEN st.extent IS NULL THEN $9::geometry
                              ELSE ST_Envelope(ST_Collect(st.extent, $9::geometry)) END,
                silent_since = CASE WHEN $8 THEN NULL ELSE st.silent_since END
            WHERE st.feed_id = $7
            RETURNING (SELECT silent_since FROM before), st.last_new_data_at, st.newest_observed_at, st.extent
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.RunId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.Stored });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.Updated });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.Duplicates });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.Rejected });
        cmd.Parameters.Add(Db.NullableTime(outcome.NewestObservedAt));
        cmd.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.Changed });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Geometry, Value = (object?)extent ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct) && !reader.IsDBNull(0) && outcome.Changed)
        {
            w.Add(FeedDb.HealthEvent("FEED_RECOVERED", feed.Id, feed.Code, feed.Name, feed.TerritoryKato, feed.SilenceSeconds,
                reader.IsDBNull(1) ? null : reader.GetDateTime(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<Geometry>(3)));
        }
    }
}
