using Dispatch.Gis.Forecasts;
using Dispatch.Gis.Auth;
using Dispatch.Gis.DemoData;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Http;
using Dispatch.Gis.Map;
using Dispatch.Gis.Ogc;
using Dispatch.Gis.PublicWarnings;
using Dispatch.Gis.Alerts;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.ReferenceData;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Units;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Tiles;
using Serilog;

namespace Dispatch.Gis.Hosting;

/// <summary>Composition root, shared by Program and the tests so both run the same service.</summary>
internal static class DispatchApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        builder.AddDispatchLogging();
        builder.AddDispatchTelemetry();
        builder.Services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section);
        builder.Services.AddDispatchDatabase(builder.Configuration);
        builder.Services.AddDispatchReferenceData();
        builder.Services.AddDispatchDemoData();
        // Registered before anything that reads the schema: hosted services start in this order.
        builder.Services.AddHostedService<StartupTasks>();
        builder.Services.AddDispatchAuth(builder.Configuration, builder.Environment);
        builder.Services.AddDispatchEvents();
        builder.Services.AddDispatchGraphQL(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDispatchScheduling(builder.Configuration);
        builder.Services.AddDispatchUnitJobs(builder.Configuration);
        builder.Services.AddDispatchHttp(builder.Configuration);
        builder.Services.AddDispatchTiles();
        builder.Services.AddDispatchMap();
        builder.Services.AddDispatchMonitoring(builder.Configuration);
        builder.Services.AddDispatchPublicWarnings();
        builder.Services.AddDispatchAlerts(builder.Configuration);
        builder.Services.AddDispatchForecasts(builder.Configuration);

        var app = builder.Build();
        // The host's own logger, not the static bootstrap one, so configured levels apply to request logs too.
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetService<Serilog.ILogger>();
            o.GetLevel = RequestLogLevel;
        });
        app.UseWebSockets();
        app.UseDispatchHttp();
        app.UseAuthentication();
        app.MapDispatchHealth();
        app.MapDispatchMetrics();
        app.MapDispatchGraphQL();
        app.MapDispatchGraphiQL();
        app.MapDispatchTiles();
        app.MapDispatchOgc();
        app.MapDispatchMap();
        app.MapDispatchCap();
        return app;
    }

    // Error is for faults of the service; a 503 (the database is away, or not ready) is an outage, a 499 the client's.
    private static Serilog.Events.LogEventLevel RequestLogLevel(HttpContext http, double elapsedMs, Exception? ex) => (ex, http.Response.StatusCode) switch
    {
        (not null, _) => Serilog.Events.LogEventLevel.Error,
        (_, StatusCodes.Status503ServiceUnavailable) => Serilog.Events.LogEventLevel.Warning,
        (_, > 499) => Serilog.Events.LogEventLevel.Error,
        _ => Serilog.Events.LogEventLevel.Information,
    };
}

internal sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>Apply schema/*.sql at start-up. Off when migrations run as a separate deployment step.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Import data/reference at start-up when the database has no territories yet.</summary>
    public bool ImportReferenceDataOnStart { get; set; } = true;

    /// <summary>Load the synthetic Almaty demo set (data/demo) at start-up, after the reference import; idempotent.</summary>
    public bool LoadDemoData { get; set; }
}
