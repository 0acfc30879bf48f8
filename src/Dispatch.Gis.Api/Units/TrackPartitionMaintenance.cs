using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Units;

/// <summary>
/// Keeps daily unit_track partitions ready ahead of time (as the owner: partitions are DDL). Fixes for a day
/// without its partition land in the default partition, so a late run loses nothing.
/// </summary>
internal sealed class TrackPartitionMaintenance(OwnerDataSource owner, ILogger<TrackPartitionMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var cmd = owner.Source.CreateCommand("SELECT ensure_unit_track_partitions(current_date, current_date + 2)");
                var created = (int)(await cmd.ExecuteScalarAsync(stoppingToken))!;
                if (created > 0)
                {
                    logger.LogInformation("Created {Count} unit_track partition(s)", created);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not prepare unit_track partitions; retrying in {Interval}", Interval);
            }

            await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
