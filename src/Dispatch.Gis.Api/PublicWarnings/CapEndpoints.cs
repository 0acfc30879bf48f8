using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>
/// The public face of the warnings: <c>/cap/{identifier}.xml</c> (one CAP 1.2 message) and <c>/cap/feed.atom</c> (the
/// current ones). Public without a token, like a siren: what is here has been sent to the population already.
/// </summary>
internal static class CapEndpoints
{
    /// <summary>More current warnings than this at once would be a national emergency; the feed lists the newest.</summary>
    private const int MaxFeedEntries = 500;

    public static IServiceCollection AddDispatchPublicWarnings(this IServiceCollection services)
    {
        services.AddOptions<PublicWarningOptions>().BindConfiguration(PublicWarningOptions.Section)
            .Validate(o => o.IsValid,
                "Dispatch:PublicWarnings: Sender without spaces, commas, < or &; UtcOffset like +05:00; MaxPolygonPoints 4–1000; MaxPolygons 1–100; SenderName set")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapDispatchCap(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cap/feed.atom", FeedAsync);
        app.MapGet("/cap/{file}", AlertAsync);
        return app;
    }

    private static async Task<IResult> FeedAsync(HttpContext http, NpgsqlDataSource db, IOptions<PublicWarningOptions> options, TimeProvider clock)
    {
        var now = CapText.Seconds(clock.GetUtcNow().UtcDateTime);
        var messages = await PublicWarningDb.FeedAsync(db, now, MaxFeedEntries, http.RequestAborted);
        var entries = messages.Select(m => new CapWriter.FeedEntry(m.Identifier, m.Sent, m.Content.Texts[0].Headline, m.Content.Texts[0].Description)).ToList();
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Text(CapWriter.Text(CapWriter.Feed(entries, Tiles.TileEndpoints.Origin(http), options.Value, now)), CapWriter.AtomType + "; charset=utf-8");
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
