using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.Http;

/// <summary>What browsers and map clients expect of the HTTP layer: CORS, compression, conditional GET.</summary>
internal static class HttpSetup
{
    public const string CorsPolicy = "dispatch";

    /// <summary>Response types worth compressing beyond ASP.NET Core's defaults (MVT is protobuf and shrinks by half).</summary>
    private static readonly string[] CompressedTypes =
    [
        "application/graphql-response+json", "application/geo+json", "application/vnd.mapbox-vector-tile",
        "application/vnd.oai.openapi+json", "image/svg+xml", "text/javascript",
    ];

    public static IServiceCollection AddDispatchHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section)
            .Validate(o => !(o.CorsAllowCredentials && o.CorsOrigins.Contains("*")),
                "Dispatch:Http: CorsAllowCredentials cannot be combined with the origin \"*\"; list the origins")
            .Validate(o => o.CorsOrigins.All(IsOrigin), "Dispatch:Http:CorsOrigins entries must be \"*\" or scheme://host[:port] without a path")
            .ValidateOnStart();

        var options = configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        // Loaded now, so a bad bundle stops the service at start rather than at the first webhook.
        services.AddSingleton(OutboundTrust.Load(options.OutboundTrustedRootsFile));
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            if (options.CorsOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(options.CorsOrigins);
                if (options.CorsAllowCredentials)
                {
                    policy.AllowCredentials();
                }
            }

            // Exactly what the API's clients send; anything else a preflight asks for is refused.
            policy.WithMethods("GET", "POST")
                .WithHeaders("Authorization", "Content-Type", "Accept", "If-None-Match", "X-Request-Id")
                .WithExposedHeaders("ETag", "WWW-Authenticate", "Link", "Content-Crs")
                .SetPreflightMaxAge(options.CorsMaxAge);
        }));

        services.AddResponseCompression(o =>
        {
            // BREACH needs a secret reflected next to attacker-chosen text in one compressed body; tokens travel in
            // headers only and responses carry none, so HTTPS responses are compressed too.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(CompressedTypes);
        });
        // Fastest levels: a tile or a page of features is compressed per request, and CPU is what the map shares.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return services;
    }

    /// <summary>Outages and client aborts said as such, compression (never on WebSocket upgrades), CORS, then ETags for GET responses that set none themselves.</summary>
    public static WebApplication UseDispatchHttp(this WebApplication app)
    {
        app.UseMiddleware<FaultMiddleware>();
        if (app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.Compression)
        {
            app.UseWhen(http => !http.WebSockets.IsWebSocketRequest, branch => branch.UseResponseCompression());
        }

        app.UseCors(CorsPolicy);
        app.UseMiddleware<BodyETagMiddleware>();
        return app;
    }

    private static bool IsOrigin(string origin) =>
        origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.AbsolutePath == "/" && !origin.EndsWith('/') && string.IsNullOrEmpty(uri.Query));
}
