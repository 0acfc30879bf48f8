using System.Text.Json;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Events;

internal static class EventLog
{
    // Identity values are taken at INSERT but become visible at COMMIT, so two writers could commit ids out of
    // order and a reader that already passed id 7 would never see a late id 6. Holding this lock from the insert
    // to the commit makes id order equal commit order. A unit of work takes it only in its commit round trip,
    // after all its row locks, so commits queue behind each other for that round trip and nothing else waits.
    private const long AppendLockKey = 0x45_76_65_6E_74_73; // "Events"

    private const string Insert = """
        INSERT INTO events (kind, entity_type, entity_id, payload, geom, territory_kato, actor)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::geometry[], $6::text[], $7::text[])
        RETURNING id
        """;

    /// <summary>
    /// An event's weight in memory, from stored sizes (read without detoasting the geometry): an NTS coordinate takes
    /// about 4× its 16 stored bytes, a parsed payload about twice its text, plus the record and its strings.
    /// </summary>
    internal const string SizeSql = "(512 + 2 * pg_column_size(payload) + 4 * coalesce(pg_column_size(geom), 0))::bigint";

    private const string Columns = "id, kind, entity_type, entity_id, payload, geom, territory_kato, actor, occurred_at, " + SizeSql;

    // Payloads are camelCase whatever the C# names, so every event reads like the GraphQL API.
    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The event-log lock, for the commit of a unit of work (<see cref="UnitOfWork.CommitAsync"/>) only.</summary>
    public static NpgsqlBatchCommand LockCommand()
    {
        var cmd = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = AppendLockKey });
        return cmd;
    }

    /// <summary>One INSERT for all the events of a unit of work, returning their ids in order.</summary>
    public static NpgsqlBatchCommand InsertCommand(IReadOnlyList<NewEvent> events)
    {
        var cmd = new NpgsqlBatchCommand(Insert);
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Kind).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EntityType).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EntityId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = events.Select(e => PayloadText(e.Payload)).ToArray(),
        });
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Geometry).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = events.Select(e => e.TerritoryKato).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = events.Select(e => e.Actor).ToArray() });
        return cmd;
    }

    internal static string PayloadText(object? payload) => JsonSerializer.Serialize(payload ?? new { }, PayloadJson);

    /// <summary>Events after <paramref name="afterId"/> in id order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<StoredEvent>> ReadAfterAsync(NpgsqlDataSource db, long afterId, EventFilter filter, int limit, CancellationToken ct)
    {
        await using var cmd = After(db, Columns, afterId, filter, limit);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>The ids and sizes of the events <see cref="ReadAfterAsync"/> would read: a replay picks what fits, then reads it.</summary>
    public static async Task<List<(long Id, long Bytes)>> SizesAfterAsync(NpgsqlDataSource db, long afterId, EventFilter filter, int limit, CancellationToken ct)
    {
        await using var cmd = After(db, "id, " + SizeSql, afterId, filter, limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var sizes = new List<(long, long)>();
        while (await reader.ReadAsync(ct))
        {
            sizes.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return sizes;
    }

    private static NpgsqlCommand After(NpgsqlDataSource db, string columns, long afterId, EventFilter filter, int limit)
    {
        var where = new SqlConditions();
        where.Add("id > {0}", afterId);
        if (filter.Kinds is not null)
        {
            where.Add("kind = ANY({0})", (object)filter.Kinds.ToArray());
        }

        where.AddScope("territory_kato", filter.Scope.SqlCodes);

        if (filter.Area is { } area)
        {
            if (filter.AreaTerritories is { } territories)
            {
                where.Add("(ST_Intersects(geom, {0}) OR (geom IS NULL AND territory_kato = ANY({1})))", area, territories.ToArray());
            }
            else
            {
                where.Add("ST_Intersects(geom, {0})", area);
            }
        }

        where.AddScope("territory_kato", filter.Territory is { } territory ? [territory] : null);

        if (filter.Entity is { } entity)
        {
            where.Add("entity_type = {0} AND entity_id = {1}", entity.Type, entity.Id);
        }

        if (filter.Incident is { } incident)
        {
            where.Add("payload ->> 'incidentId' = {0}", incident.ToString());
        }

        var limitParameter = where.Parameter(limit);
        var cmd = db.CreateCommand($"SELECT {columns} FROM events{where.Sql} ORDER BY id LIMIT {limitParameter}");
        cmd.Parameters.AddRange(where.Parameters);
        return cmd;
    }

    private static async Task<List<StoredEvent>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(ct))
        {
            events.Add(new StoredEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement,
                reader.IsDBNull(5) ? null : reader.GetFieldValue<Geometry>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetDateTime(8)) { Bytes = reader.GetInt64(9) });
        }

        return events;
    }

    public static async Task<List<StoredEvent>> ByIdsAsync(NpgsqlDataSource db, long[] ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM events WHERE id = ANY($1) ORDER BY id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        return await ReadAsync(cmd, ct);
    }

    public static async Task<long> LastIdAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(max(id), 0) FROM events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
