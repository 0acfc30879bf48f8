using Microsoft.AspNetCore.Http;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dispatch.Gis.Hosting;

internal sealed class TelemetryOptions
{
    public const string Section = "Dispatch:Telemetry";

    /// <summary>
    /// Where /metrics listens (e.g. http://0.0.0.0:9464), in addition to the service's own addresses; it is answered
    /// on this address only. Unset: no /metrics.
    /// </summary>
    public string? MetricsUrl { get; set; }

    /// <summary>OTLP endpoint traces are exported to (HTTP → GraphQL → SQL). Unset: no traces are recorded at all.</summary>
    public string? OtlpEndpoint { get; set; }
}

internal static class TelemetrySetup
{
    private const string RuntimeMeter = "System.Runtime";

    /// <summary>
    /// Metrics for Prometheus on a port of their own: the scrape needs no token, so it must not be reachable where the
    /// API is (a load balancer or ingress forwards the API's port only). Traces only with an exporter: without one,
    /// every request and statement would still pay for its activities.
    /// </summary>
    public static void AddDispatchTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = options.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(options.MetricsUrl) && string.IsNullOrWhiteSpace(otlp))
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("dispatch-gis"));
        if (!string.IsNullOrWhiteSpace(options.MetricsUrl))
        {
            var urls = (builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries);
            builder.WebHost.UseUrls([.. urls, options.MetricsUrl]);
            // System.Runtime: the runtime's own meter (GC heap after the last collection, pauses, thread pool), so a
            // memory question is answered by the managed heap rather than by RSS, which the GC sizes as it likes.
            telemetry.WithMetrics(m => m.AddMeter(DispatchMetrics.MeterName, RuntimeMeter).AddAspNetCoreInstrumentation().AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        }

        if (!string.IsNullOrWhiteSpace(otlp))
        {
            telemetry.WithTracing(t => t.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }
    }

    public static void MapDispatchMetrics(this WebApplication app)
    {
        DispatchMetrics.Observe(app.Services.GetRequiredService<Events.EventHub>());
        var url = app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.MetricsUrl;
        if (!string.IsNullOrWhiteSpace(url))
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{BindingAddress.Parse(url).Port}");
        }
    }
}
