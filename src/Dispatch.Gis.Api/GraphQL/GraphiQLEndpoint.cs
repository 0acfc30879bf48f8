using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// GraphiQL served from the build output, no CDN: the csproj copies the npm-pinned UMD files and index.html
/// into <c>wwwroot/graphiql</c>.
/// </summary>
internal static class GraphiQLEndpoint
{
    // The only files served, as the csproj names them and index.html loads them; anything else is a 404,
    // which also rules out path tricks in {file}.
    private static readonly string[] Assets =
    [
        "graphiql.min.css",
        "graphiql.min.js",
        "graphql-ws.min.js",
        "react-dom.production.min.js",
        "react.production.min.js",
    ];

    private const string MissingAssets =
        "GraphiQL assets are missing from this build. Run `npm ci --prefix src/Dispatch.Gis.Api/GraphiQL`, then rebuild.\n";

    public static IEndpointRouteBuilder MapDispatchGraphiQL(this IEndpointRouteBuilder app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot", "graphiql");
        var contentTypes = new FileExtensionContentTypeProvider();

        app.MapGet("/graphiql", (HttpContext http) =>
        {
            // Checked per request, not at start-up: a rebuild after npm ci fills the folder under a running process.
            if (!Assets.Append("index.html").All(f => File.Exists(Path.Combine(root, f))))
            {
                return Results.Text(MissingAssets, "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // The page is tiny and decides which assets load, so browsers always revalidate it.
            http.Response.Headers.CacheControl = "no-cache";
            return ServeFile(Path.Combine(root, "index.html"), "text/html; charset=utf-8");
        });

        app.MapGet("/graphiql/assets/{file}", (string file, HttpContext http) =>
        {
            var path = Path.Combine(root, file);
            if (!Assets.Contains(file, StringComparer.Ordinal) || !File.Exists(path))
            {
                return Results.NotFound();
            }

            // Names carry no version, so an npm upgrade reuses them: keep the cache window short and let the ETag
            // turn later visits into cheap 304s.
            http.Response.Headers.CacheControl = "public, max-age=3600";
            contentTypes.TryGetContentType(file, out var contentType);
            return ServeFile(path, contentType ?? "application/octet-stream");
        });

        return app;
    }

    private static IResult ServeFile(string path, string contentType)
    {
        var info = new FileInfo(path);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        return Results.File(path, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag);
    }
}
