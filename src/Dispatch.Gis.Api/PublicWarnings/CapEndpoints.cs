using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>
/// The public face of the warnings: <c>/cap/{identifier}.xml</c> (one CAP 1.2 message) and <c>/cap/feed.atom</c> (the
/// current ones). Public without a token, like a siren: what is here has been sent to the population already.
/// </summary>
internal static class CapEndpoints
{
    public static IServiceCollection AddDispatchPublicWarnings(this IServiceCollection services)
    {
        services.AddOptions<PublicWarningOptions>().BindConfiguration(PublicWarningOptions.Section)
            .Validate(o => o.IsValid,
                "Dispatch:PublicWarnings: Sender without spaces, commas, < or &; UtcOffset like +05:00; MaxPolygonPoints 4–1000; MaxPolygons 1–100; MaxSeparateAreas 1–50; FeedPageSize 1–5000; SenderName set")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchCap(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cap/feed.atom", FeedAsync);
        app.MapGet("/cap/{file}", AlertAsync);
        return app;
    }

    /// <summary>
    /// A page of the current warnings, newest first. Pages are cut by keyset (the last entry's sent time and identifier, in
    /// <c>?after=</c>), so a warning issued while a reader pages on cannot shift later pages and nothing is listed twice or
    /// skipped; each page links rel="next" when more follow and rel="first" back to the feed (RFC 5005, section 3).
    /// </summary>
    private static async Task<IResult> FeedAsync(HttpContext http, NpgsqlDataSource db, IOptions<PublicWarningOptions> options, TimeProvider clock)
    {
        (DateTime Sent, string Identifier)? after = null;
        if (http.Request.Query["after"] is { Count: > 0 } cursor)
        {
            after = CapWriter.ParseFeedCursor(cursor.ToString());
            if (after is null)
            {
                return Http.HttpCaller.Problem(StatusCodes.Status400BadRequest, GraphQL.ErrorCodes.BadUserInput,
                    "after: not a cursor of this feed; follow the rel=\"next\" link of the page before");
            }
        }

        var now = CapText.Seconds(clock.GetUtcNow().UtcDateTime);
        var pageSize = options.Value.FeedPageSize;
        var messages = await PublicWarningDb.FeedAsync(db, now, pageSize + 1, after, http.RequestAborted);
        var next = messages.Count > pageSize ? messages[pageSize - 1] : null;
        var entries = messages.Take(pageSize)
            .Select(m => new CapWriter.FeedEntry(m.Identifier, m.Sent, m.Content.Texts[0].Headline, m.Content.Texts[0].Description)).ToList();
        http.Response.Headers.CacheControl = "public, max-age=60";
        var page = new CapWriter.FeedPage(after is null ? null : CapWriter.FeedCursor(after.Value.Sent, after.Value.Identifier),
            next is null ? null : CapWriter.FeedCursor(next.Sent, next.Identifier));
        return Results.Text(CapWriter.Text(CapWriter.Feed(entries, Tiles.TileEndpoints.Origin(http), options.Value, now, page)), CapWriter.AtomType + "; charset=utf-8");
    }

    private static async Task<IResult> AlertAsync(string file, HttpContext http, NpgsqlDataSource db)
    {
        var xml = file.EndsWith(".xml", StringComparison.Ordinal) && file.Length > 4
            ? await PublicWarningDb.PublicXmlAsync(db, file[..^4], http.RequestAborted)
            : null;
        if (xml is null)
        {
            return Http.HttpCaller.Problem(StatusCodes.Status404NotFound, GraphQL.ErrorCodes.NotFound, $"no public CAP message '{file}'; /cap/feed.atom lists the current ones");
        }

        // A sent message never changes, so caches may keep it.
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(xml, CapWriter.CapType + "; charset=utf-8");
    }
}
