using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Monitoring;

internal sealed record StationFilter(TerritoryScope Scope, string? Territory, StationKind? Kind, string? Parameter, SpatialFilter Spatial, Paging Paging);

/// <summary>A station as a change writes it; thresholds null keeps the station's own levels as they are.</summary>
internal sealed record StationChange(string Code, string Name, string Operator, StationKind Kind, Point Location, IReadOnlyList<string> Parameters,
    Guid? DangerousObjectId, string? WaterBody, IReadOnlyList<StationThreshold>? Thresholds);

internal static class StationDb
{
    private const string Columns = "s.id, s.code, s.name, s.operator, s.kind, s.geom, s.territory_kato, s.parameters, s.dangerous_object_id, s.water_body, s.updated_at";

    /// <summary>The district the point lies in (else the region), as incidents and objects are placed; <paramref name="point"/> is an SQL expression.</summary>
    public static string TerritoryOfPoint(string point) =>
        $"(SELECT kato FROM territories WHERE ST_Covers(geom, {point}) ORDER BY (level = 'DISTRICT') DESC, kato LIMIT 1)";

    public static async Task<string?> TerritoryOfAsync(NpgsqlDataSource db, Point point, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT " + TerritoryOfPoint("$1"));
        cmd.Parameters.Add(new NpgsqlParameter { Value = point });
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Registers or updates a station by code, under its row lock; given thresholds replace its own levels (a file's
    /// post levels for the code are added again by <see cref="SyncPostLevelsAsync"/>). STATION_REGISTERED or STATION_UPDATED.
    /// </summary>
    public static async Task<Guid> UpsertAsync(UnitOfWork w, StationChange change, string? territory, MonitoringRules rules, CancellationToken ct)
    {
        Guid? existing;
        await using (var find = w.Command("SELECT id FROM monitoring_stations WHERE code = $1"))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = change.Code });
            existing = await find.ExecuteScalarAsync(ct) as Guid?;
        }

        if (existing is { } found)
        {
            await w.LockAsync(LockedTable.MonitoringStations, [found], ct);
        }

        Guid? id = null;
        var inserted = false;
        await using (var upsert = w.Command("""
            INSERT INTO monitoring_stations AS s (code, name, operator, kind, geom, territory_kato, parameters, dangerous_object_id, water_body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, operator = EXCLUDED.operator, kind = EXCLUDED.kind, geom = EXCLUDED.geom,
                territory_kato = EXCLUDED.territory_kato, parameters = EXCLUDED.parameters, dangerous_object_id = EXCLUDED.dangerous_object_id,
                water_body = EXCLUDED.water_body, updated_at = clock_timestamp()
            WHERE (s.name, s.operator, s.kind, ST_AsEWKB(s.geom), s.territory_kato, s.parameters, s.dangerous_object_id, s.water_body)
                IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.operator, EXCLUDED.kind, ST_AsEWKB(EXCLUDED.geom), EXCLUDED.territory_kato, EXCLUDED.parameters,
                                  EXCLUDED.dangerous_object_id, EXCLUDED.water_body)
            RETURNING id, (xmax = 0)
            """))
        {
            upsert.Parameters.Add(new NpgsqlParameter { Value = change.Code });
            upsert.Parameters.Add(new NpgsqlParameter { Value = change.Name });
            upsert.Parameters.Add(new NpgsqlParameter { Value = change.Operator });
            upsert.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(change.Kind) });
            upsert.Parameters.Add(new NpgsqlParameter { Value = change.Location });
            upsert.Parameters.Add(Db.Nullable(territory));
            upsert.Parameters.Add(new NpgsqlParameter { Value = change.Parameters.ToArray() });
            upsert.Parameters.Add(Db.NullableId(change.DangerousObjectId));
            upsert.Parameters.Add(Db.Nullable(change.WaterBody));
            try
            {
                await using var reader = await upsert.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    (id, inserted) = (reader.GetGuid(0), reader.GetBoolean(1));
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new NotFoundException("no such dangerous object", "input.dangerousObject");
            }
        }

        var changed = id is not null;
        var stationId = id ?? existing!.Value;
        if (change.Thresholds is { } thresholds)
        {
            var before = (await Db.ReadAllAsync(w, """
                SELECT station_id, parameter, level, valid_from, value, label, citation, verified, source FROM station_thresholds
                WHERE station_id = $1 AND source = 'api'
                """, MapThreshold, ct, new NpgsqlParameter { Value = stationId }))
                .Select(t => t with { StationId = Guid.Empty }).OrderBy(t => (t.Parameter, t.Level, t.ValidFrom)).ToList();
            if (!before.SequenceEqual(thresholds.OrderBy(t => (t.Parameter, t.Level, t.ValidFrom))))
            {
                await using (var clear = w.Command("DELETE FROM station_thresholds WHERE station_id = $1 AND source = 'api'"))
                {
                    clear.Parameters.Add(new NpgsqlParameter { Value = stationId });
                    await clear.ExecuteNonQueryAsync(ct);
                }

                await InsertThresholdsAsync(w, stationId, thresholds, "api", ct);
                changed = true;
            }
        }

        changed |= await SyncPostLevelsAsync(w, rules, [change.Code], ct) > 0;
        if (!changed)
        {
            return stationId;
        }

        w.Add(new NewEvent(inserted ? "STATION_REGISTERED" : "STATION_UPDATED", "MonitoringStation", stationId.ToString(),
            new { code = change.Code, name = change.Name, kind = DbEnum.Text(change.Kind), change.Operator, parameters = change.Parameters, thresholds = change.Thresholds?.Count },
            change.Location, territory));
        return stationId;
    }

    private static async Task InsertThresholdsAsync(UnitOfWork w, Guid station, IReadOnlyList<StationThreshold> rows, string source, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var insert = w.Command("""
            INSERT INTO station_thresholds (station_id, parameter, level, valid_from, value, label, citation, verified, source)
            SELECT $1, t.parameter, t.level, t.valid_from, t.value, t.label, t.citation, t.verified, $9
            FROM unnest($2::text[], $3::text[], $4::date[], $5::float8[], $6::text[], $7::text[], $8::bool[])
                 AS t (parameter, level, valid_from, value, label, citation, verified)
            ON CONFLICT (station_id, parameter, level, valid_from) DO UPDATE SET value = EXCLUDED.value, label = EXCLUDED.label,
                citation = EXCLUDED.citation, verified = EXCLUDED.verified, source = EXCLUDED.source
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = station });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Parameter).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => DbEnum.Text(r.Level)).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ValidFrom).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Value).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.Label).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.Citation).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Verified).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = source });
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Brings the file's hydro post levels (thresholds.json postLevels) onto the registered stations with those codes:
    /// rows of this version are written, rows of an earlier version of the file no longer in it are removed. Idempotent.
    /// </summary>
    public static async Task<int> SyncPostLevelsAsync(UnitOfWork w, MonitoringRules rules, IReadOnlyCollection<string>? codes, CancellationToken ct)
    {
        var levels = rules.PostLevels.Where(l => codes is null || codes.Contains(l.Station)).ToList();
        await using var cmd = w.Command("""
            WITH wanted AS (
                SELECT s.id AS station_id, f.parameter, f.level, f.valid_from, f.value, f.label, f.citation, f.verified
                FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::float8[], $6::text[], $7::text[], $8::bool[])
                     AS f (station, parameter, level, valid_from, value, label, citation, verified)
                JOIN monitoring_stations s ON s.code = f.station
            ), removed AS (
                DELETE FROM station_thresholds t
                WHERE t.source LIKE 'thresholds.json %' AND t.source <> $9
                  AND ($10::text[] IS NULL OR t.station_id IN (SELECT id FROM monitoring_stations WHERE code = ANY($10)))
                  AND NOT EXISTS (SELECT 1 FROM wanted x WHERE (x.station_id, x.parameter, x.level, x.valid_from) = (t.station_id, t.parameter, t.level, t.valid_from))
                RETURNING 1
            ), written AS (
                INSERT INTO station_thresholds (station_id, parameter, level, valid_from, value, label, citation, verified, source)
                SELECT station_id, parameter, level, valid_from, value, label, citation, verified, $9 FROM wanted
                ON CONFLICT (station_id, parameter, level, valid_from) DO UPDATE SET value = EXCLUDED.value, label = EXCLUDED.label,
                    citation = EXCLUDED.citation, verified = EXCLUDED.verified, source = EXCLUDED.source
                WHERE station_thresholds.source LIKE 'thresholds.json %'
                  AND (station_thresholds.value, station_thresholds.source) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.source)
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM removed) + (SELECT count(*) FROM written)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Station).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Parameter).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => DbEnum.Text(l.Threshold.Level)).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Threshold.ValidFrom!.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Threshold.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = levels.Select(l => l.Threshold.Label).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = levels.Select(l => l.Threshold.Citation).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Threshold.Verified).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = rules.FileSource });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = (object?)codes?.ToArray() ?? DBNull.Value });
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<Connection<Station>> ListAsync(NpgsqlDataSource db, StationFilter filter, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddScope("s.territory_kato", filter.Scope.SqlCodes);
        where.AddScope("s.territory_kato", filter.Territory is { } territory ? [territory] : null);
        where.AddEqual("s.kind", filter.Kind);
        if (filter.Parameter is { } parameter)
        {
            where.Add("{0} = ANY(s.parameters)", parameter);
        }

        filter.Spatial.AppendTo(where, "s.geom", "s.geom::geography");
        var countSql = $"SELECT count(*) FROM monitoring_stations s{where.Sql}";
        var countParameters = where.Parameters;
        var page = where.KeysetPage("s.code", filter.Paging.After, filter.Paging.First);
        var rows = await Db.ReadAllAsync(db, $"SELECT {Columns} FROM monitoring_stations s{where.Sql}{page}", Map, ct, where.Parameters);
        return Connection<Station>.Page(rows, filter.Paging, s => Paging.EncodeCursor(s.Code), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<IDictionary<string, Station>> ByCodeAsync(NpgsqlDataSource db, IReadOnlyList<string> codes, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM monitoring_stations s WHERE s.code = ANY($1)", Map, ct, new NpgsqlParameter { Value = codes.ToArray() }))
            .ToDictionary(s => s.Code, StringComparer.Ordinal);

    public static async Task<IDictionary<Guid, Station>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM monitoring_stations s WHERE s.id = ANY($1)", Map, ct, Db.Ids(ids))).ToDictionary(s => s.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<Station>>> ByDangerousObjectAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, $"SELECT {Columns} FROM monitoring_stations s WHERE s.dangerous_object_id = ANY($1) ORDER BY s.code", Map, ct, Db.Ids(ids)))
            .GroupBy(s => s.DangerousObjectId!.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<Station>)g.ToList());

    public static async Task<IDictionary<Guid, IReadOnlyList<StationThreshold>>> ThresholdsAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, """
            SELECT station_id, parameter, level, valid_from, value, label, citation, verified, source FROM station_thresholds
            WHERE station_id = ANY($1) ORDER BY parameter, valid_from DESC, value
            """, MapThreshold, ct, Db.Ids(ids)))
            .GroupBy(t => t.StationId).ToDictionary(g => g.Key, g => (IReadOnlyList<StationThreshold>)g.ToList());

    public static async Task<IDictionary<Guid, IReadOnlyList<LatestObservation>>> LatestAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, MonitoringRules rules,
        CancellationToken ct) =>
        (await Db.ReadAllAsync(db, "SELECT station_id, parameter, observed_at, value, level, feed_id FROM station_latest WHERE station_id = ANY($1) ORDER BY parameter",
            r => new LatestObservation(r.GetGuid(0), r.GetString(1), r.GetDateTime(2), r.GetDouble(3), rules.Parameter(r.GetString(1))?.Unit ?? "",
                DbEnum.Parse<SituationLevel>(r.GetString(4)), r.GetGuid(5)), ct, Db.Ids(ids)))
            .GroupBy(o => o.StationId).ToDictionary(g => g.Key, g => (IReadOnlyList<LatestObservation>)g.ToList());

    /// <summary>Each station's readings in a window, newest first, at most <paramref name="last"/> per station: one query for a page of stations.</summary>
    public static async Task<IDictionary<Guid, IReadOnlyList<Observation>>> ObservationsAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, string? parameter,
        DateTime from, DateTime to, int last, MonitoringRules rules, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, """
            SELECT o.station_id, o.parameter, o.observed_at, o.value, o.level, o.received_at, o.feed_id
            FROM unnest($1::uuid[]) AS s (id)
            CROSS JOIN LATERAL (
                SELECT * FROM observations o
                WHERE o.station_id = s.id AND ($2::text IS NULL OR o.parameter = $2) AND o.observed_at >= $3 AND o.observed_at < $4
                ORDER BY o.observed_at DESC LIMIT $5
            ) o
            """, r => new Observation(r.GetGuid(0), r.GetString(1), r.GetDateTime(2), r.GetDouble(3), rules.Parameter(r.GetString(1))?.Unit ?? "",
                DbEnum.Parse<SituationLevel>(r.GetString(4)), r.GetDateTime(5), r.GetGuid(6)), ct,
            Db.Ids(ids), Db.Nullable(parameter), new NpgsqlParameter { Value = from }, new NpgsqlParameter { Value = to }, new NpgsqlParameter { Value = last }))
            .GroupBy(o => o.StationId).ToDictionary(g => g.Key, g => (IReadOnlyList<Observation>)g.ToList());

    internal static Station Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), DbEnum.Parse<StationKind>(r.GetString(4)),
        r.GetFieldValue<Point>(5), r.TextOrNull(6), r.GetFieldValue<string[]>(7), r.IsDBNull(8) ? null : r.GetGuid(8), r.TextOrNull(9), r.GetDateTime(10));

    internal static StationThreshold MapThreshold(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), DbEnum.Parse<SituationLevel>(r.GetString(2)),
        r.GetFieldValue<DateOnly>(3), r.GetDouble(4), r.TextOrNull(5), r.TextOrNull(6), r.GetBoolean(7), r.GetString(8));

    public static LevelThreshold ToLevel(this StationThreshold t) => new(t.Level, t.Value, t.Label, t.Citation, t.Verified, t.Source, t.ValidFrom);
}
