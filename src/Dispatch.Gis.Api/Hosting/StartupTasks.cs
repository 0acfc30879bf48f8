using Dispatch.Gis.DemoData;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.ReferenceData;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.Hosting;

/// <summary>
/// Migrates and, on an empty database, imports reference data before the server takes requests:
/// hosted services start before Kestrel, so nobody sees a half-built schema.
/// </summary>
internal sealed class StartupTasks(Migrator migrator, ReferenceImporter importer, DemoDataLoader demo, MonitoringDemoLoader monitoring, IOptions<DispatchOptions> options,
    ILogger<StartupTasks> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
        }

        if (options.Value.ImportReferenceDataOnStart)
        {
            var report = await importer.ImportIfEmptyAsync(cancellationToken);
            if (report is not null)
            {
                logger.LogInformation("Reference data imported: {@Report}", report);
            }
        }

        if (options.Value.MigrateOnStart)
        {
            // Stations registered under a code of thresholds.json get the file's levels of this version.
            await monitoring.SyncPostLevelsAsync(cancellationToken);
        }

        if (options.Value.LoadDemoData)
        {
            await demo.LoadAsync(cancellationToken);
            await monitoring.LoadAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
