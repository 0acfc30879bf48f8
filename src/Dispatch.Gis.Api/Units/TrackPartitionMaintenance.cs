using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.Units;

/// <summary>
/// Keeps daily unit_track partitions ready ahead of time and drops those past the retention (as the owner:
/// partitions are DDL). Fixes for a day without its partition land in the default partition, so a late run loses
/// nothing; a day is dropped only once all of it is older than the retention.
/// </summary>
internal sealed class TrackPartitionMaintenance(OwnerDataSource owner, IOptions<UnitOptions> options, ILogger<TrackPartitionMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (created, dropped) = await RunOnceAsync(owner, options.Value.TrackRetention, DateTime.UtcNow, stoppingToken);
                if (created > 0 || dropped > 0)
                {
                    logger.LogInformation("unit_track: created {Created} and dropped {Dropped} daily partition(s) (retention {Retention})",
                        created, dropped, options.Value.TrackRetention);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not maintain unit_track partitions; retrying in {Interval}", Interval);
            }

            await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Prepares today and the next two days, and drops days that ended more than <paramref name="retention"/> before now.</summary>
    public static async Task<(int Created, int Dropped)> RunOnceAsync(OwnerDataSource owner, TimeSpan retention, DateTime nowUtc, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        await using var cmd = owner.Source.CreateCommand("SELECT ensure_unit_track_partitions($1, $1 + 2), drop_unit_track_partitions($2)");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = today });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = DateOnly.FromDateTime(nowUtc - retention) });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
