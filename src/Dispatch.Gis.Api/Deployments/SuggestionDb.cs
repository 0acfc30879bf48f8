using Dispatch.Gis.Incidents;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Deployments;

internal static class SuggestionDb
{
    /// <summary>The nearest units free to go (AVAILABLE or HIGH_READINESS) of a profile, by spheroid distance (<see cref="UnitSql.NearestOf"/>).</summary>
    public static async Task<List<UnitSuggestion>> SuggestAsync(NpgsqlDataSource db, Point point, UnitProfile profile, int count, IncidentOptions options, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(UnitSql.NearestOf(UnitSql.Columns, """
             WHERE u.profile = $2 AND u.status IN ('AVAILABLE', 'HIGH_READINESS')
              AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.unit_id = u.id AND d.left_at IS NULL)
            """, "$1", "$3", "$4"));
        cmd.Parameters.Add(new NpgsqlParameter { Value = point });
        cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(profile) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = UnitSql.NearestCandidates(count) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = count });
        var result = new List<UnitSuggestion>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var unit = UnitDb.Map(reader, 0);
            var meters = unit.DistanceMeters!.Value;
            result.Add(new UnitSuggestion(unit, meters, Math.Round(options.EtaMinutes(profile, meters), 1)));
        }

        return result;
    }
}
