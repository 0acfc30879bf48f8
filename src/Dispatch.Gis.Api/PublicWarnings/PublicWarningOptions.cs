using System.Globalization;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>How this service signs and shapes the CAP it sends ("Dispatch:PublicWarnings").</summary>
internal sealed class PublicWarningOptions
{
    public const string Section = "Dispatch:PublicWarnings";

    /// <summary>CAP sender: the domain 112 sends as; identifiers are this plus a uuid, so they are unique in time and space.</summary>
    public string Sender { get; set; } = "dispatch-112.example.kz";

    /// <summary>CAP senderName, shown by aggregators.</summary>
    public string SenderName { get; set; } = "112";

    /// <summary>The offset CAP times are written with. Kazakhstan keeps one zone, UTC+5, since 1 March 2024.</summary>
    public string UtcOffset { get; set; } = "+05:00";

    /// <summary>The most "lat,lon" pairs one CAP polygon may have (aggregators bound them; 100 is a common limit).</summary>
    public int MaxPolygonPoints { get; set; } = 100;

    /// <summary>The most polygons one area lists: the largest parts of a multipolygon; the KATO geocodes still name all of it.</summary>
    public int MaxPolygons { get; set; } = 10;

    /// <summary>
    /// The most separate alerts one step of a warning goes out as: parts of the area that do not touch each get their own
    /// (the aggregators' rule); past this many, the smallest go into one more, over their convex hull.
    /// </summary>
    public int MaxSeparateAreas { get; set; } = 10;

    /// <summary>
    /// Entries per page of /cap/feed.atom. More current warnings than this continue on further pages, linked rel="next"
    /// (RFC 5005 paged feed); the first page is what aggregators poll, newest first.
    /// </summary>
    public int FeedPageSize { get; set; } = 500;

    public TimeSpan Offset => ParseOffset(UtcOffset) ?? TimeSpan.Zero;

    public static TimeSpan? ParseOffset(string text) =>
        text.Length == 6 && (text[0] is '+' or '-')
        && TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var value) && value <= TimeSpan.FromHours(14)
            ? text[0] == '-' ? -value : value
            : null;

    /// <summary>CAP forbids spaces, commas and the XML-reserved &lt; and &amp; in sender and identifier.</summary>
    public bool IsValid =>
        Sender.Length is > 0 and <= 100 && !Sender.Any(c => char.IsWhiteSpace(c) || c is ',' or '<' or '&')
        && ParseOffset(UtcOffset) is not null && MaxPolygonPoints is >= 4 and <= 1000 && MaxPolygons is >= 1 and <= 100 && MaxSeparateAreas is >= 1 and <= 50 && FeedPageSize is >= 1 and <= 5000
        && !string.IsNullOrWhiteSpace(SenderName);
}
