namespace Dispatch.Gis.Http;

/// <summary>
/// Gives GET answers of the data APIs (<c>/graphql</c>, <c>/ogc</c>) an ETag computed from the body, and turns a
/// matching If-None-Match into 304. The query still runs, but an unchanged answer costs no transfer. Endpoints that
/// know their version before doing the work (tiles) set their own ETag and are passed through untouched.
/// </summary>
internal sealed class BodyETagMiddleware(RequestDelegate next)
{
    private static readonly PathString[] Paths = ["/graphql", "/ogc"];

    public async Task InvokeAsync(HttpContext http)
    {
        if (!(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            || http.WebSockets.IsWebSocketRequest || !Paths.Any(p => http.Request.Path.StartsWithSegments(p)))
        {
            await next(http);
            return;
        }

        var original = http.Response.Body;
        await using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }

        if (http.Response.StatusCode == StatusCodes.Status200OK && string.IsNullOrEmpty(http.Response.Headers.ETag)
            && ConditionalGet.TryNotModified(http, ConditionalGet.WeakTag(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))))
        {
            return;
        }

        http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }
}
