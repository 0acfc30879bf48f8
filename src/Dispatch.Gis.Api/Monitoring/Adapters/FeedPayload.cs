using System.Globalization;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Monitoring.Adapters;

/// <summary>A station reading as the feed gave it, before it is checked against stations, units, ranges and the clock.</summary>
internal sealed record RawObservation(int? Line, string? Pointer, string? Raw, string Station, string Parameter, DateTime ObservedAt, double Value,
    string Unit);

/// <summary>An earthquake as the catalogue gave it; coordinates in the feed's source CRS until ingestion transforms them.</summary>
internal sealed record RawQuake(string Pointer, string? Raw, string ExternalId, DateTime OccurredAt, DateTime UpdatedAt, double X, double Y, double? DepthKm,
    double? Magnitude, string? MagType, string? Place, string Status);

/// <summary>One info block of a CAP alert, its area as WGS 84 geometry, and the alerts an Update or Cancel replaces.</summary>
internal sealed record RawWarning(string Pointer, string Sender, string Identifier, int InfoIndex, DateTime SentAt, string Status, string MsgType,
    IReadOnlyList<string> Category, string Event, string Severity, string Urgency, string Certainty, string? Headline, string? Description,
    string? Instruction, string AreaDesc, string? Language, DateTime? EffectiveAt, DateTime? OnsetAt, DateTime? ExpiresAt, Geometry? Area,
    IReadOnlyList<(string Sender, string Identifier)> References);

/// <summary>What an adapter read: the rows it could read, and those it could not with where and why.</summary>
internal sealed class ParsedPayload
{
    public List<RawObservation> Observations { get; } = [];
    public List<RawQuake> Quakes { get; } = [];
    public List<RawWarning> Warnings { get; } = [];
    public List<Rejection> Rejections { get; } = [];

    /// <summary>Rows the payload held, read or not.</summary>
    public int Received { get; set; }
}

/// <summary>
/// The payload as a whole cannot be read (not CSV, not JSON, not CAP, a header without the mapped columns): the run
/// fails, nothing of it is written, and the feed is retried. A single bad row is a <see cref="Rejection"/> instead.
/// </summary>
internal sealed class FeedPayloadException(string message) : Exception(message);

internal static class FeedAdapters
{
    public static ParsedPayload Parse(Feed feed, string text) => feed.Format switch
    {
        FeedFormat.Csv => CsvAdapter.Parse(text, feed.Mapping),
        FeedFormat.Json => JsonAdapter.Parse(text, feed.Mapping),
        FeedFormat.GeojsonQuakes => QuakeAdapter.Parse(text),
        FeedFormat.Cap => CapAdapter.Parse(text),
        _ => throw new FeedPayloadException($"{feed.Format} feeds are not fetched"),
    };

    private static readonly string[] IsoWithOffset = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>
    /// ISO 8601 with or without an offset, "yyyy-MM-dd HH:mm[:ss]", "dd.MM.yyyy HH:mm[:ss]" (as Russian-language
    /// bulletins write it), or a Unix time in seconds or milliseconds. Local times take <paramref name="offset"/>.
    /// </summary>
    public static bool TryParseTime(string text, TimeSpan offset, out DateTime utc)
    {
        text = text.Trim();
        utc = default;
        if (text.Length == 0)
        {
            return false;
        }

        // The common case first, exactly: ISO 8601 with Z or an offset, as USGS, CAP and most machine feeds write it.
        if (text.Length >= 20 && text[4] == '-' && text[10] == 'T'
            && DateTimeOffset.TryParseExact(text, IsoWithOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso))
        {
            utc = iso.UtcDateTime;
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return TryFromEpoch(number, out utc);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var withOffset) && HasOffset(text))
        {
            utc = withOffset.UtcDateTime;
            return true;
        }

        string[] local = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "dd.MM.yyyy HH:mm:ss",
            "dd.MM.yyyy HH:mm", "dd.MM.yyyy"];
        if (DateTime.TryParseExact(text, local, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var plain))
        {
            utc = DateTime.SpecifyKind(plain - offset, DateTimeKind.Utc);
            return true;
        }

        return false;
    }

    /// <summary>USGS gives milliseconds; other catalogues seconds. Anything after 5138 in seconds is taken as milliseconds.</summary>
    public static bool TryFromEpoch(double number, out DateTime utc)
    {
        utc = default;
        if (!double.IsFinite(number))
        {
            return false;
        }

        var ms = Math.Abs(number) >= 1e11 ? number : number * 1000;
        if (ms is < -62135596800000 or > 253402300799000)
        {
            return false;
        }

        utc = DateTime.UnixEpoch.AddMilliseconds(ms);
        return true;
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }

        var t = text.IndexOf('T') is var i and > 0 ? i : text.IndexOf(' ');
        return t > 0 && (text.IndexOf('+', t) > 0 || text.IndexOf('-', t) > 0);
    }

    /// <summary>A decimal with a point, or with a comma where the feed's delimiter is not a comma (semicolon CSV from Russian-locale software).</summary>
    public static bool TryParseNumber(string text, bool commaDecimal, out double value)
    {
        text = text.Trim();
        if (commaDecimal && text.Contains(',', StringComparison.Ordinal) && !text.Contains('.', StringComparison.Ordinal))
        {
            text = text.Replace(',', '.');
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>A bounded copy of a bad row for the quarantine: enough to recognise it, never a whole payload.</summary>
    public static string Excerpt(string text, int max = 500) => Clean(text.Length <= max ? text : text[..max] + "…")!;

    /// <summary>Text from a feed as PostgreSQL can store it: a NUL (JSON may carry \u0000) becomes U+FFFD instead of failing the run.</summary>
    public static string? Clean(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
}
