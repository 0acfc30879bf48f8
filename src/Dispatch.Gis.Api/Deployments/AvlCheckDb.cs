using Dispatch.Gis.Incidents;
using Npgsql;

namespace Dispatch.Gis.Deployments;

internal static class AvlCheckDb
{
    /// <summary>
    /// Reconciles reported arrivals with AVL: within the deployment's window, when did the unit's track first enter
    /// the incident's active zones (or come within the arrival radius of its point, without zones)?
    /// </summary>
    public static async Task<IDictionary<Guid, AvlCheck>> ByDeploymentAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, IncidentOptions options, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT d.id, d.arrived_at, count(t.at), min(t.at) FILTER (WHERE
                   CASE WHEN z.area IS NULL THEN ST_DWithin(t.geom::geography, i.location::geography, $2) ELSE ST_Intersects(t.geom, z.area) END)
            FROM deployments d
            JOIN incidents i ON i.id = d.incident_id
            LEFT JOIN LATERAL (SELECT ST_Union(geom) AS area FROM emergency_zones WHERE incident_id = d.incident_id AND status = 'ACTIVE') z ON true
            LEFT JOIN unit_track t ON t.unit_id = d.unit_id AND t.at >= d.dispatched_at AND t.at <= coalesce(d.left_at, clock_timestamp() + $3)
            WHERE d.id = ANY($1)
            GROUP BY d.id, d.arrived_at
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.ArrivalRadiusMeters });
        // Devices and reports may run ahead of our clock by the allowed skew.
        cmd.Parameters.Add(new NpgsqlParameter { Value = options.ClockSkew });
        var result = new Dictionary<Guid, AvlCheck>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            DateTime? arrived = reader.IsDBNull(1) ? null : reader.GetDateTime(1);
            var fixes = (int)reader.GetInt64(2);
            DateTime? firstInside = reader.IsDBNull(3) ? null : reader.GetDateTime(3);
            var flags = new List<string>();
            if (arrived is { } reported)
            {
                if (fixes == 0)
                {
                    flags.Add("NO_AVL_DATA");
                }
                else if (firstInside is null)
                {
                    flags.Add("ARRIVAL_NOT_IN_TRACK");
                }
                else if (firstInside < reported - options.ArrivalTolerance)
                {
                    flags.Add("TRACK_ARRIVED_EARLIER");
                }
                else if (firstInside > reported + options.ArrivalTolerance)
                {
                    flags.Add("TRACK_ARRIVED_LATER");
                }
            }

            result[reader.GetGuid(0)] = new AvlCheck(fixes, firstInside, flags);
        }

        return result;
    }
}
