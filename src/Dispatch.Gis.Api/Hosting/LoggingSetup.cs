using Serilog;
using Serilog.Formatting.Compact;

namespace Dispatch.Gis.Hosting;

internal static class LoggingSetup
{
    public static void AddDispatchLogging(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        // preserveStaticLogger: each host (tests start several) owns its logger instead of freezing the global one.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (development)
            {
                logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
        }, preserveStaticLogger: true);
    }
}
