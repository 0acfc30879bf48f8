using Dispatch.Gis.Auth;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using Npgsql;

namespace Dispatch.Gis.Statistics;

internal static class ResponseStatsDb
{
    public static async Task<ResponseStats> ComputeAsync(NpgsqlDataSource db, TerritoryScope scope, string? territory, DateTime from, DateTime to, UnitProfile? profile,
        IncidentOptions options, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.Add("i.received_at >= {0} AND i.received_at <= {1}", from, to);
        where.AddScope("i.territory_kato", scope.SqlCodes);

        where.AddScope("i.territory_kato", territory is null ? null : [territory]);

        if (profile is { } p)
        {
            where.Add("u.profile = {0}", DbEnum.Text(p));
        }

        // Norms by urgency 1–4; an incident without an urgency is held to category 2.
        int[]? norms = profile is { } pp && options.ArrivalNormMinutes.TryGetValue(DbEnum.Text(pp), out var n) && n.Length == 4 ? n : null;
        var normParameter = where.Parameter(norms ?? [0, 0, 0, 0]);
        await using var cmd = db.CreateCommand($"""
            SELECT count(*),
                   count(*), avg(extract(epoch FROM d.dispatched_at - i.received_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.dispatched_at - i.received_at)),
                   count(d.arrived_at), avg(extract(epoch FROM d.arrived_at - d.dispatched_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.arrived_at - d.dispatched_at)),
                   count(d.arrived_at), avg(extract(epoch FROM d.arrived_at - i.received_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.arrived_at - i.received_at)),
                   count(*) FILTER (WHERE d.arrived_at - i.received_at <= make_interval(mins => ({normParameter}::int[])[coalesce(i.urgency, 2)]))
            FROM deployments d JOIN incidents i ON i.id = d.incident_id JOIN response_units u ON u.id = d.unit_id{where.Sql}
            """);
        cmd.Parameters.AddRange(where.Parameters);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        IntervalStats Interval(int at) => new(r.GetInt64(at), r.IsDBNull(at + 1) ? null : Convert.ToDouble(r.GetValue(at + 1), System.Globalization.CultureInfo.InvariantCulture),
            r.IsDBNull(at + 2) ? null : r.GetDouble(at + 2));
        var arrivals = r.GetInt64(7);
        long? within = norms is null ? null : r.GetInt64(10);
        return new ResponseStats(r.GetInt64(0), Interval(1), Interval(4), Interval(7), within,
            within is { } w && arrivals > 0 ? Math.Round((double)w / arrivals, 4) : null);
    }
}
