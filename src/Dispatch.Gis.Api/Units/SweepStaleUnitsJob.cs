using Dispatch.Gis.Events;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Units;

/// <summary>
/// The stale-AVL sweep: a unit whose latest fix is older than <see cref="UnitOptions.StaleAfter"/> is announced once
/// as UNIT_POSITION_STALE, and once as UNIT_POSITION_RESUMED when it reports again — a dispatch board must show that it
/// no longer knows where a unit is, not quietly keep an old dot. Idempotent: a repeated run finds nothing new.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SweepStaleUnitsJob(NpgsqlDataSource db, IOptions<UnitOptions> options, ILogger<SweepStaleUnitsJob> logger) : DispatchJob(db, logger)
{
    public const string Name = "sweep-stale-units";

    private const string Sweep = """
        WITH went_silent AS (
            INSERT INTO stale_units (unit_id, last_fix_at)
            SELECT u.id, u.location_at FROM response_units u
            WHERE u.location_at < clock_timestamp() - $1
            ON CONFLICT (unit_id) DO NOTHING
            RETURNING unit_id, last_fix_at
        ), reports_again AS (
            DELETE FROM stale_units s USING response_units u
            WHERE u.id = s.unit_id AND u.location_at >= clock_timestamp() - $1
            RETURNING s.unit_id, u.location_at AS last_fix_at
        )
        SELECT true, c.unit_id, c.last_fix_at, u.call_sign, u.location, u.territory_kato
        FROM went_silent c JOIN response_units u ON u.id = c.unit_id
        UNION ALL
        SELECT false, c.unit_id, c.last_fix_at, u.call_sign, u.location, u.territory_kato
        FROM reports_again c JOIN response_units u ON u.id = c.unit_id
        """;

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var staleAfter = options.Value.StaleAfter;
        var (silent, resumed) = await UnitOfWork.RunAsync(Db, Origin(context), async w =>
        {
            var (silent, resumed) = (0, 0);
            await using var cmd = w.Command(Sweep);
            cmd.Parameters.Add(new NpgsqlParameter { Value = staleAfter });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var stale = reader.GetBoolean(0);
                _ = stale ? silent++ : resumed++;
                w.Add(new NewEvent(stale ? "UNIT_POSITION_STALE" : "UNIT_POSITION_RESUMED", "Unit", reader.GetGuid(1).ToString(),
                    new { callSign = reader.GetString(3), lastFixAt = reader.GetDateTime(2), staleAfterSeconds = staleAfter.TotalSeconds },
                    reader.GetFieldValue<Point>(4), reader.TextOrNull(5)));
            }

            return (silent, resumed);
        }, ct);
        return new JobResult(silent + resumed, $"{silent} unit(s) went silent, {resumed} report again");
    }
}
