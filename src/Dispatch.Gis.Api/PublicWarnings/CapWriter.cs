using System.Buffers.Text;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Dispatch.Gis.PublicWarnings;

/// <summary>A message about to be written: everything its CAP document says.</summary>
internal sealed record CapMessage(string Identifier, string Sender, DateTime Sent, WarningMessageStatus Status, CapMsgType MsgType,
    IReadOnlyList<string> References, string? Note, WarningContent Content, IReadOnlyList<string> Polygons, IReadOnlyList<string> Geocodes);

/// <summary>Writes CAP 1.2 alerts and the Atom feed of the current ones. Pure: the same message always gives the same bytes.</summary>
internal static class CapWriter
{
    public const string CapType = "application/cap+xml";
    public const string AtomType = "application/atom+xml";
    private static readonly XNamespace Cap = CapSchema.Namespace;
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The alert, elements in the order the XSD's sequences demand; one &lt;info&gt; per language.</summary>
    public static XDocument Alert(CapMessage m, PublicWarningOptions options)
    {
        var offset = options.Offset;
        var c = m.Content;
        var alert = new XElement(Cap + "alert",
            new XElement(Cap + "identifier", m.Identifier),
            new XElement(Cap + "sender", m.Sender),
            new XElement(Cap + "sent", CapText.Time(m.Sent, offset)),
            new XElement(Cap + "status", CapText.Status(m.Status)),
            new XElement(Cap + "msgType", CapText.Of(m.MsgType)),
            new XElement(Cap + "scope", "Public"),
            m.Note is null ? null : new XElement(Cap + "note", m.Note),
            m.References.Count == 0 ? null : new XElement(Cap + "references", string.Join(' ', m.References)),
            c.Texts.Select(t => new XElement(Cap + "info",
                new XElement(Cap + "language", CapText.Language(t.Language)),
                new XElement(Cap + "category", CapText.Of(c.Category)),
                new XElement(Cap + "event", c.Event),
                c.ResponseType is { } response ? new XElement(Cap + "responseType", CapText.Of(response)) : null,
                new XElement(Cap + "urgency", CapText.Of(c.Urgency)),
                new XElement(Cap + "severity", CapText.Of(c.Severity)),
                new XElement(Cap + "certainty", CapText.Of(c.Certainty)),
                new XElement(Cap + "effective", CapText.Time(c.Effective, offset)),
                new XElement(Cap + "expires", CapText.Time(c.Expires, offset)),
                new XElement(Cap + "senderName", options.SenderName),
                new XElement(Cap + "headline", t.Headline),
                t.Description is null ? null : new XElement(Cap + "description", t.Description),
                t.Instruction is null ? null : new XElement(Cap + "instruction", t.Instruction),
                new XElement(Cap + "area",
                    new XElement(Cap + "areaDesc", t.AreaDesc ?? c.Event),
                    m.Polygons.Select(p => new XElement(Cap + "polygon", p)),
                    m.Geocodes.Select(g => new XElement(Cap + "geocode", new XElement(Cap + "valueName", "KATO"), new XElement(Cap + "value", g)))))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), alert);
    }

    /// <summary>An entry of the feed: one current warning's latest message.</summary>
    internal sealed record FeedEntry(string Identifier, DateTime Sent, string Title, string? Summary);

    /// <summary>Where a page of the feed starts (null: the first page) and the cursor of the next one (null: the last page).</summary>
    internal sealed record FeedPage(string? Cursor, string? NextCursor);

    /// <summary>
    /// Atom 1.0 (RFC 4287), the CAP-feed convention aggregators poll: each entry links its alert as application/cap+xml.
    /// Paged as RFC 5005 section 3 says: every page has the feed's id, links rel="first" to the feed and rel="next" to the
    /// page after it while there is one.
    /// </summary>
    public static XDocument Feed(IReadOnlyList<FeedEntry> entries, string origin, PublicWarningOptions options, DateTime now, FeedPage? page = null)
    {
        var offset = options.Offset;
        var feed = $"{origin}/cap/feed.atom";
        var self = page?.Cursor is { } cursor ? PageUrl(feed, cursor) : feed;
        var updated = entries.Count == 0 ? now : entries.Max(e => e.Sent);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(Atom + "feed",
            new XElement(Atom + "id", feed),
            new XElement(Atom + "title", $"{options.SenderName}: public warnings (CAP 1.2)"),
            new XElement(Atom + "updated", CapText.Time(updated, offset)),
            new XElement(Atom + "author", new XElement(Atom + "name", options.SenderName)),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("type", AtomType), new XAttribute("href", self)),
            new XElement(Atom + "link", new XAttribute("rel", "first"), new XAttribute("type", AtomType), new XAttribute("href", feed)),
            page?.NextCursor is { } next
                ? new XElement(Atom + "link", new XAttribute("rel", "next"), new XAttribute("type", AtomType), new XAttribute("href", PageUrl(feed, next)))
                : null,
            entries.Select(e => new XElement(Atom + "entry",
                new XElement(Atom + "id", CapUrl(origin, e.Identifier)),
                new XElement(Atom + "title", e.Title),
                new XElement(Atom + "updated", CapText.Time(e.Sent, offset)),
                e.Summary is null ? null : new XElement(Atom + "summary", e.Summary),
                new XElement(Atom + "link", new XAttribute("rel", "alternate"), new XAttribute("type", CapType), new XAttribute("href", CapUrl(origin, e.Identifier)))))));
    }

    /// <summary>A page cursor: the last entry's sent time (UTC ticks) and identifier, base64url so it travels in a URL untouched.</summary>
    public static string FeedCursor(DateTime sent, string identifier) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{sent.ToUniversalTime().Ticks}~{identifier}")));

    public static (DateTime Sent, string Identifier)? ParseFeedCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var cut = text.IndexOf('~', StringComparison.Ordinal);
            return cut > 0 && long.TryParse(text[..cut], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks && cut < text.Length - 1
                ? (new DateTime(ticks, DateTimeKind.Utc), text[(cut + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string PageUrl(string feed, string cursor) => $"{feed}?after={cursor}";

    public static string CapPath(string identifier) => $"/cap/{Uri.EscapeDataString(identifier)}.xml";

    public static string CapUrl(string origin, string identifier) => origin + CapPath(identifier);

    public static string Text(XDocument document)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, OmitXmlDeclaration = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
