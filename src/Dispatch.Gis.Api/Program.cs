using Dispatch.Gis.Auth;
using Dispatch.Gis.Hosting;
using Dispatch.Gis.ReferenceData;
using Serilog;

Log.Logger = new LoggerConfiguration().WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateBootstrapLogger();
try
{
    // `import` runs migrations and the reference import, prints what changed, and exits.
    if (args.Length > 0 && args[0] == "import")
    {
        return await ReferenceImportCommand.RunAsync(args[1..]);
    }

    // `token` prints a locally signed access token for the given role and territories.
    if (args.Length > 0 && args[0] == "token")
    {
        return await TokenCommand.RunAsync(args[1..]);
    }

    await DispatchApp.Create(args).RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "Dispatch.Gis stopped on an unhandled error");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Visible to the tests, which start the same service on a real port.</summary>
public partial class Program;
