using System.Text.Json;
using Dispatch.Gis.Hosting;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.ReferenceData;

/// <summary><c>Dispatch.Gis.Api import</c>: migrate, import data/reference, print the report as JSON.</summary>
internal static class ReferenceImportCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = DispatchApp.Create(args);
        var migrator = app.Services.GetRequiredService<Migrator>();
        await migrator.MigrateAsync(CancellationToken.None);
        var report = await app.Services.GetRequiredService<ReferenceImporter>().ImportAsync(CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(report, Indented));
        return 0;
    }
}
