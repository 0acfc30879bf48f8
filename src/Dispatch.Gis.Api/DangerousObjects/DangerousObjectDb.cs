using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.DangerousObjects;

internal sealed record DangerousObjectFilter(TerritoryScope Scope, SpatialFilter Spatial, HazardClass? HazardClass, Paging Paging);

/// <summary>An object as a change writes it: substances and contacts as checked JSON.</summary>
internal sealed record DangerousObjectChange(Guid? Id, string? ExternalRef, string Name, HazardClass HazardClass, string ObjectKind, string? Operator,
    Geometry Geometry, string SubstancesJson, string ContactsJson);

internal static class DangerousObjectDb
{
    private const string Geography = "o.geom::geography";

    public const string Columns = """
        o.id, o.external_ref, o.name, o.hazard_class, o.object_kind, o.operator, o.capacity_mw, o.geom, o.location_note,
        o.substances::text, o.contacts::text, o.territory_kato, o.source
        """;

    public static async Task<Connection<DangerousObject>> ListAsync(NpgsqlDataSource db, DangerousObjectFilter filter, CancellationToken ct)
    {
        var where = Conditions(filter);
        var countSql = $"SELECT count(*) FROM dangerous_objects o{where.Sql}";
        var countParameters = where.Parameters;
        var distance = filter.Spatial.DistanceSelect(where, Geography);
        var order = filter.Spatial.DistanceOrder(where, Geography, "o.id", filter.Paging, s => Guid.Parse(s));
        var page = order is null ? where.KeysetPage("o.id", filter.Paging.AfterGuid, filter.Paging.First) : $" {order} LIMIT {where.Parameter(filter.Paging.First + 1)}";
        var rows = await ReadAsync(db, $"SELECT {Columns}, {distance} FROM dangerous_objects o{where.Sql}{page}", where.Parameters, ct);

        return Connection<DangerousObject>.Page(rows, filter.Paging, o => filter.Spatial.CursorOf(o.Id.ToString(), o.DistanceMeters), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    private static SqlConditions Conditions(DangerousObjectFilter filter)
    {
        var where = new SqlConditions();
        where.AddScope("o.territory_kato", filter.Scope.SqlCodes);

        filter.Spatial.AppendTo(where, "o.geom", Geography);
        where.AddEqual("o.hazard_class", filter.HazardClass);

        return where;
    }

    public static async Task<IDictionary<Guid, DangerousObject>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await ReadAsync(db, $"SELECT {Columns}, NULL::float8 FROM dangerous_objects o WHERE o.id = ANY($1)", [new NpgsqlParameter { Value = ids.ToArray() }], ct))
            .ToDictionary(o => o.Id);

    public static async Task<IDictionary<Guid, IReadOnlyList<HazardZone>>> HazardZonesByObjectAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, object_id, kind, name, ST_AsGeoJSON(ST_ForcePolygonCCW(geom), 7), basis FROM hazard_zones WHERE object_id = ANY($1) ORDER BY name");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        var rows = new List<HazardZone>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new HazardZone(reader.GetGuid(0), reader.GetGuid(1), DbEnum.Parse<HazardZoneKind>(reader.GetString(2)), reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows.GroupBy(z => z.ObjectId).ToDictionary(g => g.Key, g => (IReadOnlyList<HazardZone>)g.ToList());
    }

    public static async Task<Guid> UpsertAsync(UnitOfWork w, DangerousObjectChange input, string? territory, CancellationToken ct)
    {
        const string Insert = """
            INSERT INTO dangerous_objects (external_ref, name, hazard_class, object_kind, operator, geom, substances, contacts, territory_kato, source)
            VALUES ($2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, 'entered by ' || $11)
            RETURNING id
            """;
        const string Update = """
            UPDATE dangerous_objects SET external_ref = coalesce($2, external_ref), name = $3, hazard_class = $4, object_kind = $5, operator = $6,
                geom = $7, substances = $8::jsonb, contacts = $9::jsonb, territory_kato = $10, location_note = NULL, updated_at = clock_timestamp()
            WHERE id = $1
            RETURNING id
            """;
        await using var cmd = w.Command(input.Id is null ? Insert : Update);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)input.Id ?? DBNull.Value });
        cmd.Parameters.Add(Db.Nullable(input.ExternalRef));
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(input.HazardClass) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.ObjectKind });
        cmd.Parameters.Add(Db.Nullable(input.Operator));
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.Geometry });
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.SubstancesJson });
        cmd.Parameters.Add(new NpgsqlParameter { Value = input.ContactsJson });
        cmd.Parameters.Add(Db.Nullable(territory));
        cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
        Guid id;
        try
        {
            id = await cmd.ExecuteScalarAsync(ct) as Guid? ?? throw new NotFoundException("no such dangerous object", "input.id");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ConflictException($"another object already has externalRef {input.ExternalRef}", "input.externalRef");
        }

        w.Add(new NewEvent(input.Id is null ? "DANGEROUS_OBJECT_CREATED" : "DANGEROUS_OBJECT_UPDATED", "DangerousObject", id.ToString(),
            new { objectId = id, name = input.Name, hazardClass = DbEnum.Text(input.HazardClass) }, input.Geometry, territory));
        return id;
    }

    public static async Task<Guid> AddHazardZoneAsync(UnitOfWork w, Guid objectId, HazardZoneKind kind, string name, Geometry shape, string? basis,
        string? territory, CancellationToken ct)
    {
        await using var cmd = w.Command("""
            INSERT INTO hazard_zones (object_id, kind, name, geom, basis) VALUES ($1, $2, $3, ST_Multi($4), $5) RETURNING id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = objectId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(kind) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = shape });
        cmd.Parameters.Add(Db.Nullable(basis));
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        w.Add(new NewEvent("HAZARD_ZONE_ADDED", "DangerousObject", objectId.ToString(), new { objectId, hazardZoneId = id, kind = DbEnum.Text(kind), name }, shape, territory));
        return id;
    }

    internal static async Task<List<DangerousObject>> ReadAsync(NpgsqlDataSource db, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(parameters);
        var rows = new List<DangerousObject>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, 0));
        }

        return rows;
    }

    /// <summary>Maps the <see cref="Columns"/> plus a distance column, starting at <paramref name="at"/>.</summary>
    internal static DangerousObject Map(NpgsqlDataReader r, int at) => new(
        r.GetGuid(at), Db.TextOrNull(r, at + 1), r.GetString(at + 2), DbEnum.Parse<HazardClass>(r.GetString(at + 3)), r.GetString(at + 4), Db.TextOrNull(r, at + 5),
        r.IsDBNull(at + 6) ? null : r.GetDouble(at + 6), r.IsDBNull(at + 7) ? null : r.GetFieldValue<Geometry>(at + 7), Db.TextOrNull(r, at + 8),
        JsonDocument.Parse(r.GetString(at + 9)).RootElement, JsonDocument.Parse(r.GetString(at + 10)).RootElement, Db.TextOrNull(r, at + 11), r.GetString(at + 12),
        r.IsDBNull(at + 13) ? null : r.GetDouble(at + 13));

}
