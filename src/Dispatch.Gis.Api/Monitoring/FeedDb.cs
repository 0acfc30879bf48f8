using System.Text.Json;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Monitoring;

internal sealed record FeedFilter(FeedFormat? Format, bool? Enabled, bool SilentOnly, Auth.TerritoryScope Scope, Paging Paging);

internal sealed record FeedChange(string Code, string Name, FeedFormat Format, string? Url, int? IntervalSeconds, int TimeoutSeconds, int SourceCrs,
    FeedMapping Mapping, int SilenceSeconds, int RetryAttempts, int RetryBackoffSeconds, string? TerritoryKato, bool Enabled);

/// <summary>Feeds, their health and their runs: the commands that configure them and record how they fare, and their events.</summary>
internal static class FeedDb
{
    private const string Columns = """
        f.id, f.code, f.name, f.format, f.url, f.interval_seconds, f.timeout_seconds, f.source_crs, f.mapping::text, f.silence_seconds,
        f.retry_attempts, f.retry_backoff_seconds, f.territory_kato, f.enabled, f.updated_at
        """;

    private const string RunColumns = """
        r.id, r.feed_id, r.job_run_id, r.actor, r.attempt, r.started_at, r.ended_at, r.outcome, r.http_status, r.bytes, r.received, r.stored,
        r.duplicates, r.updated, r.rejected, r.newest_observed_at, r.error
        """;

    /// <summary>
    /// Creates or changes a feed by code, under its row lock. Unchanged settings change nothing and announce nothing;
    /// otherwise FEED_CONFIGURED. Enabling a feed restarts its silence clock (a feed that was off was not silent).
    /// </summary>
    public static async Task<(Guid Id, bool Changed)> UpsertAsync(UnitOfWork w, FeedChange change, CancellationToken ct)
    {
        Guid? existing;
        await using (var find = w.Command("SELECT id FROM feeds WHERE code = $1"))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = change.Code });
            existing = await find.ExecuteScalarAsync(ct) as Guid?;
        }

        if (existing is { } found)
        {
            await w.LockAsync(LockedTable.Feeds, [found], ct);
        }

        await using var upsert = w.Command("""
            WITH before AS (SELECT enabled FROM feeds WHERE code = $1)
            INSERT INTO feeds AS f (code, name, format, url, interval_seconds, timeout_seconds, source_crs, mapping, silence_seconds, retry_attempts,
                                    retry_backoff_seconds, territory_kato, enabled)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, format = EXCLUDED.format, url = EXCLUDED.url, interval_seconds = EXCLUDED.interval_seconds,
                timeout_seconds = EXCLUDED.timeout_seconds, source_crs = EXCLUDED.source_crs, mapping = EXCLUDED.mapping,
                silence_seconds = EXCLUDED.silence_seconds, retry_attempts = EXCLUDED.retry_attempts, retry_backoff_seconds = EXCLUDED.retry_backoff_seconds,
                territory_kato = EXCLUDED.territory_kato, enabled = EXCLUDED.enabled, updated_at = clock_timestamp()
            WHERE (f.name, f.format, f.url, f.interval_seconds, f.timeout_seconds, f.source_crs, f.mapping, f.silence_seconds, f.retry_attempts,
                   f.retry_backoff_seconds, f.territory_kato, f.enabled)
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.format, EXCLUDED.url, EXCLUDED.interval_seconds, EXCLUDED.timeout_seconds, EXCLUDED.source_crs,
                   EXCLUDED.mapping, EXCLUDED.silence_seconds, EXCLUDED.retry_attempts, EXCLUDED.retry_backoff_seconds, EXCLUDED.territory_kato, EXCLUDED.enabled)
            RETURNING f.id, (xmax = 0), (SELECT enabled FROM before)
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.Code });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.Name });
        upsert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(change.Format) });
        upsert.Parameters.Add(Db.Nullable(change.Url));
        upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)change.IntervalSeconds ?? DBNull.Value });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.TimeoutSeconds });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.SourceCrs });
        upsert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(change.Mapping, FeedMapping.Json) });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.SilenceSeconds });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.RetryAttempts });
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.RetryBackoffSeconds });
        upsert.Parameters.Add(Db.Nullable(change.TerritoryKato));
        upsert.Parameters.Add(new NpgsqlParameter { Value = change.Enabled });
        Guid id;
        bool inserted;
        bool? wasEnabled;
        await using (var reader = await upsert.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return (existing!.Value, false);
            }

            (id, inserted, wasEnabled) = (reader.GetGuid(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetBoolean(2));
        }

        await using (var state = w.Command(inserted
            ? "INSERT INTO feed_state (feed_id) VALUES ($1)"
            : "UPDATE feed_state SET watched_from = clock_timestamp(), silent_since = NULL WHERE feed_id = $1 AND $2 AND NOT coalesce($3, true)"))
        {
            state.Parameters.Add(new NpgsqlParameter { Value = id });
            if (!inserted)
            {
                state.Parameters.Add(new NpgsqlParameter { Value = change.Enabled });
                state.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = (object?)wasEnabled ?? DBNull.Value });
            }

            await state.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("FEED_CONFIGURED", "Feed", id.ToString(),
            new { code = change.Code, name = change.Name, format = DbEnum.Text(change.Format), change.Url, change.IntervalSeconds, change.SilenceSeconds,
                change.Enabled, created = inserted }, null, change.TerritoryKato));
        return (id, true);
    }

    /// <summary>An operator asked for a poll now (the poll itself runs on the scheduler, as any other).</summary>
    public static void RequestPoll(UnitOfWork w, Feed feed) =>
        w.Add(new NewEvent("FEED_POLL_REQUESTED", "Feed", feed.Id.ToString(), new { code = feed.Code, format = DbEnum.Text(feed.Format) }, null, feed.TerritoryKato));

    /// <summary>A run that failed (HTTP error, timeout, unreadable payload): its row and the feed's health, and nothing else.</summary>
    public static async Task<long> RecordFailureAsync(UnitOfWork w, Feed feed, DateTime startedAt, int attempt, string? fireInstanceId, int? httpStatus,
        long? bytes, string error, CancellationToken ct)
    {
        await w.LockAsync(LockedTable.Feeds, [feed.Id], ct);
        await using var cmd = w.Command("""
            WITH run AS (
                INSERT INTO feed_runs (feed_id, job_run_id, actor, attempt, started_at, outcome, http_status, bytes, error)
                VALUES ($1, (SELECT max(id) FROM job_runs WHERE fire_instance_id = $2), $3, $4, $5, 'FAILED', $6, $7, $8)
                RETURNING id
            ), state AS (
                UPDATE feed_state SET last_polled_at = clock_timestamp(), last_error_at = clock_timestamp(), last_error = $8,
                    consecutive_failures = consecutive_failures + 1
                WHERE feed_id = $1
            )
            SELECT id FROM run
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = feed.Id });
        cmd.Parameters.Add(Db.Nullable(fireInstanceId));
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = attempt });
        cmd.Parameters.Add(new NpgsqlParameter { Value = startedAt });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)httpStatus ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)bytes ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = error });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The silence watch: a feed that delivered nothing new within its window is announced once as FEED_SILENT; one
    /// that delivers again is announced once as FEED_RECOVERED (normally at once by its ingest; here as a safety net).
    /// </summary>
    public static async Task<(int Silent, int Recovered)> WatchSilenceAsync(UnitOfWork w, CancellationToken ct)
    {
        const string Due = """
            SELECT f.id FROM feeds f JOIN feed_state st ON st.feed_id = f.id
            WHERE (st.silent_since IS NULL) = (f.enabled AND greatest(st.last_new_data_at, st.watched_from) < clock_timestamp() - make_interval(secs => f.silence_seconds))
            ORDER BY f.id
            """;
        var due = await Db.ReadAllAsync(w, Due, r => r.GetGuid(0), ct);
        if (due.Count == 0)
        {
            return (0, 0);
        }

        await w.LockAsync(LockedTable.Feeds, due, ct);
        await using var cmd = w.Command("""
            UPDATE feed_state st SET silent_since = CASE WHEN st.silent_since IS NULL THEN clock_timestamp() END
            FROM feeds f
            WHERE f.id = st.feed_id AND f.id = ANY($1)
              AND (st.silent_since IS NULL) = (f.enabled AND greatest(st.last_new_data_at, st.watched_from) < clock_timestamp() - make_interval(secs => f.silence_seconds))
            RETURNING f.id, f.code, f.name, f.territory_kato, f.silence_seconds, st.silent_since, st.last_new_data_at, st.newest_observed_at, st.extent, f.enabled
            """);
        cmd.Parameters.Add(Db.Ids(due));
        var (silent, recovered) = (0, 0);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var nowSilent = !reader.IsDBNull(5);
            if (!nowSilent && !reader.GetBoolean(9))
            {
                // Switched off while silent: not a recovery, just no longer watched.
                continue;
            }

            _ = nowSilent ? silent++ : recovered++;
            w.Add(HealthEvent(nowSilent ? "FEED_SILENT" : "FEED_RECOVERED", reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.TextOrNull(3),
                reader.GetInt32(4), reader.IsDBNull(6) ? null : reader.GetDateTime(6), reader.IsDBNull(7) ? null : reader.GetDateTime(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<Geometry>(8)));
        }

        return (silent, recovered);
    }

    public static NewEvent HealthEvent(string kind, Guid feed, string code, string name, string? territory, int silenceSeconds, DateTime? lastNewDataAt,
        DateTime? newestObservedAt, Geometry? extent) =>
        new(kind, "Feed", feed.ToString(),
            new { code, name, silenceSeconds, lastNewDataAt, newestObservedAt, lagSeconds = newestObservedAt is { } n ? (DateTime.UtcNow - n).TotalSeconds : (double?)null },
            extent, territory);

    public static async Task<Connection<Feed>> ListAsync(NpgsqlDataSource db, FeedFilter filter, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddEqual("f.format", filter.Format);
        if (filter.Enabled is { } enabled)
        {
            where.Add("f.enabled = {0}", enabled);
        }

        if (filter.SilentOnly)
        {
            where.Add("EXISTS (SELECT 1 FROM feed_state st WHERE st.feed_id = f.id AND st.silent_since IS NOT NULL)");
        }

        if (filter.Scope.SqlCodes is { } codes)
        {
            // Feeds without a territory serve the whole country: nationwide tokens only, like events without one.
            where.Add("f.territory_kato IS NOT NULL");
            where.AddScope("f.territory_kato", codes);
        }

        var countSql = $"SELECT count(*) FROM feeds f{where.Sql}";
        var countParameters = where.Parameters;
        var page = where.KeysetPage("f.code", filter.Paging.After, filter.Paging.First);
        var rows = await Db.ReadAllAsync(db, $"SELECT {Columns} FROM feeds f{where.Sql}{page}", Map, ct, where.Parameters);
        return Connection<Feed>.Page(rows, filter.Paging, f => Paging.EncodeCursor(f.Code), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<IDictionary<string, Feed>> ByCodeAsync(NpgsqlDataSource db, IReadOnlyList<string> codes, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM feeds f WHERE f.code = ANY($1)", Map, ct, new NpgsqlParameter { Value = codes.ToArray() }))
            .ToDictionary(f => f.Code, StringComparer.Ordinal);

    public static async Task<IDictionary<Guid, Feed>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM feeds f WHERE f.id = ANY($1)", Map, ct, Db.Ids(ids))).ToDictionary(f => f.Id);

    public static async Task<List<Feed>> AllAsync(NpgsqlDataSource db, CancellationToken ct) =>
        await Db.ReadAllAsync(db, $"SELECT {Columns} FROM feeds f ORDER BY f.code", Map, ct);

    public static async Task<IDictionary<Guid, FeedHealth>> HealthAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, """
            SELECT st.feed_id, st.watched_from, st.last_polled_at, st.last_success_at, st.last_error_at, st.last_error, st.consecutive_failures,
                   st.last_new_data_at, st.newest_observed_at, st.silent_since, f.enabled
            FROM feed_state st JOIN feeds f ON f.id = st.feed_id WHERE st.feed_id = ANY($1)
            """, r => new FeedHealth(r.GetGuid(0), r.GetDateTime(1), Time(r, 2), Time(r, 3), Time(r, 4), r.TextOrNull(5), r.GetInt32(6), Time(r, 7), Time(r, 8),
                Time(r, 9), r.GetBoolean(10)), ct, Db.Ids(ids))).ToDictionary(h => h.FeedId);

    /// <summary>Each feed's newest runs (before a run id, when paging back), at most <paramref name="first"/> per feed: one query for a page of feeds.</summary>
    public static async Task<IDictionary<Guid, IReadOnlyList<FeedRun>>> RunsAsync(NpgsqlDataSource db, IReadOnlyList<Guid> feeds, int first, long? before,
        FeedRunOutcome? outcome, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"""
            SELECT {RunColumns} FROM unnest($1::uuid[]) AS f (id)
            CROSS JOIN LATERAL (
                SELECT * FROM feed_runs r WHERE r.feed_id = f.id AND ($2::bigint IS NULL OR r.id < $2) AND ($3::text IS NULL OR r.outcome = $3)
                ORDER BY r.id DESC LIMIT $4
            ) r
            """, MapRun, ct, Db.Ids(feeds), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)before ?? DBNull.Value },
            Db.Nullable(outcome is { } o ? DbEnum.Text(o) : null), new NpgsqlParameter { Value = first }))
            .GroupBy(r => r.FeedId).ToDictionary(g => g.Key, g => (IReadOnlyList<FeedRun>)g.ToList());

    public static async Task<FeedRun?> RunAsync(NpgsqlDataSource db, long id, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {RunColumns} FROM feed_runs r WHERE r.id = $1", MapRun, ct, new NpgsqlParameter { Value = id })).SingleOrDefault();

    public static async Task<IDictionary<long, IReadOnlyList<Rejection>>> RejectionsAsync(NpgsqlDataSource db, IReadOnlyList<long> runs, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, "SELECT run_id, line, pointer, reason, raw FROM feed_rejections WHERE run_id = ANY($1) ORDER BY run_id, ordinal",
            r => (Run: r.GetInt64(0), Row: new Rejection(r.IsDBNull(1) ? null : r.GetInt32(1), r.TextOrNull(2), r.GetString(3), r.TextOrNull(4))), ct,
            new NpgsqlParameter { Value = runs.ToArray() }))
            .GroupBy(x => x.Run).ToDictionary(g => g.Key, g => (IReadOnlyList<Rejection>)g.Select(x => x.Row).ToList());

    private static DateTime? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);

    internal static Feed Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), DbEnum.Parse<FeedFormat>(r.GetString(3)), r.TextOrNull(4),
        r.IsDBNull(5) ? null : r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), JsonSerializer.Deserialize<FeedMapping>(r.GetString(8), FeedMapping.Json) ?? FeedMapping.Empty,
        r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.TextOrNull(12), r.GetBoolean(13), r.GetDateTime(14));

    internal static FeedRun MapRun(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3), r.GetInt32(4),
        r.GetDateTime(5), r.GetDateTime(6), DbEnum.Parse<FeedRunOutcome>(r.GetString(7)), r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetInt64(9),
        r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14), Time(r, 15), r.TextOrNull(16));
}
