using Dispatch.Gis.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gis.Map;

/// <summary>Section "Dispatch:Map": what the operator map page starts with.</summary>
internal sealed class MapOptions
{
    public const string Section = "Dispatch:Map";

    /// <summary>A MapLibre style URL drawn under our layers (a site's own basemap); none: our territory tiles are the base.</summary>
    public string? BasemapStyleUrl { get; set; }

    /// <summary>Where the map opens: [longitude, latitude] and zoom (Kazakhstan as a whole by default).</summary>
    public double[] Center { get; set; } = [67.0, 48.0];

    public double Zoom { get; set; } = 4.2;

    /// <summary>Client id registered at Dispatch:Auth:Authority for the map's sign-in (authorization code + PKCE); none: paste a token.</summary>
    public string? OidcClientId { get; set; }

    public string OidcScope { get; set; } = "openid";
}

/// <summary>
/// The operator map at <c>/map</c>, served from the build output like GraphiQL: npm ci (Map/web/package-lock.json)
/// brings MapLibre GL JS and graphql-ws, and the csproj copies the files the page loads into <c>wwwroot/map</c>.
/// </summary>
internal static class MapEndpoint
{
    // The only files served; anything else is a 404, which also rules out path tricks in {file}.
    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["map.js"] = "text/javascript; charset=utf-8",
        ["i18n.js"] = "text/javascript; charset=utf-8",
        ["map.css"] = "text/css; charset=utf-8",
        ["maplibre-gl.mjs"] = "text/javascript; charset=utf-8",
        ["maplibre-gl-worker.mjs"] = "text/javascript; charset=utf-8",
        ["maplibre-gl.css"] = "text/css; charset=utf-8",
        ["graphql-ws.min.js"] = "text/javascript; charset=utf-8",
    };

    private const string MissingAssets =
        "Map assets are missing from this build. Run `npm ci --prefix src/Dispatch.Gis.Api/Map/web`, then rebuild.\n";

    public static IServiceCollection AddDispatchMap(this IServiceCollection services)
    {
        services.AddOptions<MapOptions>().BindConfiguration(MapOptions.Section)
            .Validate(o => o.Center.Length == 2 && o.Zoom is >= 0 and <= 22, "Dispatch:Map: Center is [lon, lat], Zoom 0–22")
            .Validate(o => o.BasemapStyleUrl is null || Uri.TryCreate(o.BasemapStyleUrl, UriKind.Absolute, out _), "Dispatch:Map:BasemapStyleUrl must be an absolute URL")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchMap(this IEndpointRouteBuilder app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "map");

        app.MapGet("/map", (HttpContext http) =>
        {
            // Checked per request: a rebuild after npm ci fills the folder under a running process.
            if (!Assets.Keys.Append("index.html").All(f => File.Exists(Path.Combine(root, f))))
            {
                return Results.Text(MissingAssets, "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            http.Response.Headers.CacheControl = "no-cache";
            return ServeFile(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
        });

        app.MapGet("/map/assets/{file}", (string file, HttpContext http) =>
        {
            var path = Path.Combine(root, file);
            if (!Assets.TryGetValue(file, out var contentType) || !File.Exists(path))
            {
                return Results.NotFound();
            }

            // Our own scripts change with every release under the same name: revalidate (cheap 304s by ETag).
            http.Response.Headers.CacheControl = file.StartsWith("maplibre", StringComparison.Ordinal) || file.StartsWith("graphql-ws", StringComparison.Ordinal)
                ? "public, max-age=3600" : "no-cache";
            return ServeFile(path, contentType);
        });

        app.MapGet("/map/config.json", (IOptions<MapOptions> map, IOptions<AuthOptions> auth) => Results.Json(new
        {
            basemapStyleUrl = map.Value.BasemapStyleUrl,
            center = map.Value.Center,
            zoom = map.Value.Zoom,
            anonymousRead = auth.Value.AllowAnonymousRead,
            oidc = auth.Value.Authority is { } authority && map.Value.OidcClientId is { } clientId
                ? new { authority, clientId, scope = map.Value.OidcScope }
                : null,
        }));
        return app;
    }

    private static IResult ServeFile(string path, string contentType)
    {
        var info = new FileInfo(path);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        return Results.File(path, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag);
    }
}
