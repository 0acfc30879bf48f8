using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Units;

/// <param name="ChangedSince">Only units whose latest fix or status change is later than this.</param>
/// <param name="Fields">The GraphQL fields selected on the rows (<see cref="LookAhead.RowFields"/>); null reads every column.</param>
internal sealed record UnitFilter(TerritoryScope Scope, SpatialFilter Spatial, UnitProfile? Profile, UnitStatus? Status, Guid? Service, Paging Paging,
    DateTime? ChangedSince = null, IReadOnlySet<string>? Fields = null);

internal static class UnitSql
{
    public const string Geography = "u.location::geography";

    /// <summary>When a unit last changed on the map: its latest fix or its latest status change.</summary>
    public const string ChangedAt = "greatest(u.location_at, u.status_changed_at)";

    public const string Columns = """
        u.id, u.service_id, u.call_sign, u.profile, u.status, u.status_changed_at, u.personnel, u.vehicles::text, u.base_name, u.base,
        u.territory_kato, u.location, u.location_at, u.speed_kmh, u.heading_deg
        """;

    // The columns that cost something to read and send (jsonb as text, parsed again in .NET; geometries), with what
    // stands in for them when no selected field needs them. UnitDb.Map reads the stand-ins as empty values.
    private static readonly (string Column, string StandIn, string[] NeededBy)[] Optional =
    [
        ("u.vehicles::text", "'[]'", ["vehicles"]),
        ("u.base_name", "NULL::text", ["baseName"]),
        ("u.base", "NULL::geometry", ["base"]),
        ("u.location", "NULL::geometry", ["location", "position"]),
    ];

    /// <summary><see cref="Columns"/>, in the same order, reading only what <paramref name="fields"/> need.</summary>
    public static string ColumnsFor(IReadOnlySet<string>? fields) =>
        fields is null ? Columns : string.Join(", ", Columns.Split(',', StringSplitOptions.TrimEntries).Select(column =>
            Optional.FirstOrDefault(o => o.Column == column) is { Column: not null } optional && !optional.NeededBy.Any(fields.Contains)
                ? optional.StandIn
                : column));

    public const string ById = $"SELECT {Columns}, NULL::float8 FROM response_units u WHERE u.id = ANY($1)";

    public const string ByService = $"SELECT {Columns}, NULL::float8 FROM response_units u WHERE u.service_id = ANY($1) ORDER BY u.call_sign";

    public static (string Sql, NpgsqlParameter[] Parameters) List(UnitFilter filter)
    {
        var where = Conditions(filter);
        var distance = filter.Spatial.DistanceSelect(where, Geography);
        var order = filter.Spatial.DistanceOrder(where, Geography, "u.id", filter.Paging, s => Guid.Parse(s));
        var page = order is null ? where.KeysetPage("u.id", filter.Paging.AfterGuid, filter.Paging.First) : $" {order} LIMIT {where.Parameter(filter.Paging.First + 1)}";
        return ($"SELECT {ColumnsFor(filter.Fields)}, {distance} FROM response_units u{where.Sql}{page}", where.Parameters);
    }

    public static (string Sql, NpgsqlParameter[] Parameters) Count(UnitFilter filter)
    {
        var where = Conditions(filter);
        return ($"SELECT count(*) FROM response_units u{where.Sql}", where.Parameters);
    }

    /// <summary>
    /// KNN on the geography index picks candidates by sphere distance; the outer query orders them by the
    /// spheroid distance reported to the client, so near-ties come out in true order.
    /// </summary>
    /// <remarks>
    /// An exact two-step form (the planar KNN's first n bound the answer, then every unit inside the bound by
    /// <c>ST_DWithin</c>) was faster unfiltered but not with a filter: the planner cannot see the bound's size, and at 1M
    /// units a service's nearest took 1.45 s instead of 0.28 ms (README, "Growth").
    /// </remarks>
    public static (string Sql, NpgsqlParameter[] Parameters) Nearest(UnitFilter filter, NetTopologySuite.Geometries.Point point, int first, double? maxMeters)
    {
        var where = Conditions(filter with { Spatial = SpatialFilter.None });
        if (maxMeters is { } max)
        {
            where.Add($"ST_DWithin({Geography}, {{0}}::geography, {{1}})", point, max);
        }

        var p = where.Parameter(point);
        var candidates = where.Parameter(NearestCandidates(first));
        var limit = where.Parameter(first);
        return (NearestOf(ColumnsFor(filter.Fields), where.Sql, p, candidates, limit), where.Parameters);
    }

    /// <summary>How many KNN candidates <see cref="NearestOf"/> re-orders for <paramref name="first"/> answers.</summary>
    public static int NearestCandidates(int first) => first * 2 + 10;

    /// <summary>
    /// <see cref="Nearest"/>'s statement over any condition on <c>u</c>: <paramref name="matching"/> is " WHERE …" or
    /// empty; the other arguments name the parameters holding the point, the candidates and how many to return.
    /// </summary>
    public static string NearestOf(string columns, string matching, string point, string candidates, string limit) => $"""
        SELECT * FROM (
            SELECT {columns}, ST_Distance({Geography}, {point}::geography) AS distance
            FROM response_units u{matching}
            ORDER BY {Geography} <-> {point}::geography
            LIMIT {candidates}) nearest
        ORDER BY distance, id
        LIMIT {limit}
        """;

    private static SqlConditions Conditions(UnitFilter filter)
    {
        var where = new SqlConditions();
        where.AddScope("u.territory_kato", filter.Scope.SqlCodes);

        filter.Spatial.AppendTo(where, "u.location", Geography);
        where.AddEqual("u.profile", filter.Profile);

        where.AddEqual("u.status", filter.Status);

        if (filter.Service is { } service)
        {
            where.Add("u.service_id = {0}", service);
        }

        if (filter.ChangedSince is { } since)
        {
            // A fix's time is the device's; a status change is the service's clock. Either newer counts.
            where.Add($"{ChangedAt} > {{0}}", since);
        }

        return where;
    }

    public const string Insert = """
        INSERT INTO response_units (service_id, call_sign, profile, personnel, vehicles, base_name, base, location, territory_kato)
        SELECT s.id, $2, $3, $4, $5::jsonb, $6, $7, $7, s.territory_kato FROM duty_services s WHERE s.id = $1
        RETURNING id
        """;

    public const string UpdateComposition = """
        UPDATE response_units SET personnel = $2, vehicles = $3::jsonb WHERE id = $1 RETURNING territory_kato
        """;

    public const string LockForStatus = "SELECT status, territory_kato, call_sign, location FROM response_units WHERE id = $1 FOR NO KEY UPDATE";

    public const string SetStatus = "UPDATE response_units SET status = $2, status_changed_at = clock_timestamp() WHERE id = $1";

    public const string Owners = "SELECT u.id, u.service_id, s.code, u.territory_kato FROM response_units u JOIN duty_services s ON s.id = u.service_id WHERE u.id = ANY($1)";

    public const string StagePositions = """
        CREATE TEMP TABLE staged_positions (unit_id uuid, at timestamptz, lon float8, lat float8, speed real, heading real) ON COMMIT DROP
        """;

    public const string CopyPositions = "COPY staged_positions (unit_id, at, lon, lat, speed, heading) FROM STDIN (FORMAT BINARY)";

    // A resend (same unit, same time) conflicts and is skipped: the track never holds a fix twice.
    public const string AppendTrack = """
        INSERT INTO unit_track (unit_id, at, geom, speed_kmh, heading_deg)
        SELECT unit_id, at, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading FROM staged_positions
        ON CONFLICT (unit_id, at) DO NOTHING
        """;

    // Latest wins: a unit moves only to a fix newer than the one it shows. Every newer fix is compared with the
    // fix before it (the first with where the unit was), so a unit that crosses a zone between two fixes of one
    // batch still enters and leaves it. Crossings come back as rows, to become events in the same transaction;
    // the one-row outer query also carries how many units moved when nothing crossed.
    public const string MoveUnits = """
        WITH fixes AS (
            SELECT DISTINCT ON (unit_id, at) unit_id, at, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom, speed, heading
            FROM staged_positions ORDER BY unit_id, at
        ), was AS (
            -- Locked beforehand, in id order (UnitDb.ReportPositionsAsync).
            SELECT u.id, u.location, u.location_at FROM response_units u
            WHERE u.id IN (SELECT unit_id FROM fixes)
        ), newer AS (
            SELECT f.unit_id, f.at, f.geom, f.speed, f.heading,
                   coalesce(lag(f.geom) OVER (PARTITION BY f.unit_id ORDER BY f.at), w.location) AS before,
                   row_number() OVER (PARTITION BY f.unit_id ORDER BY f.at DESC) AS recency
            FROM fixes f JOIN was w ON w.id = f.unit_id
            WHERE w.location_at IS NULL OR f.at > w.location_at
        ), moved AS (
            UPDATE response_units u SET location = n.geom, location_at = n.at, speed_kmh = n.speed, heading_deg = n.heading
            FROM newer n WHERE n.recency = 1 AND u.id = n.unit_id
            RETURNING u.id
        )
        SELECT c.unit_id, c.call_sign, c.at, c.geom, c.zone_id, c.version, c.kind, c.territory_kato, c.entered,
               (SELECT count(*) FROM moved) AS moved_count
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
            SELECT n.unit_id, u.call_sign, n.at, n.geom, z.id AS zone_id, z.version, z.kind, z.territory_kato, x.now_in AS entered
            FROM newer n
            JOIN response_units u ON u.id = n.unit_id
            -- One index probe per step: any zone holding either end overlaps the step's box.
            JOIN emergency_zones z ON z.status = 'ACTIVE' AND z.geom && ST_MakeLine(n.before, n.geom)
            CROSS JOIN LATERAL (SELECT ST_Intersects(z.geom, n.geom) AS now_in, ST_Intersects(z.geom, n.before) AS was_in) x
            WHERE x.now_in <> x.was_in
            ORDER BY n.unit_id, n.at
        ) c ON true
        """;
}
