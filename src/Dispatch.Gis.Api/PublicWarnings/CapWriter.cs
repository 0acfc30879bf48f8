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

    /// <summary>Atom 1.0 (RFC 4287), the CAP-feed convention aggregators poll: each entry links its alert as application/cap+xml.</summary>
    public static XDocument Feed(IReadOnlyList<FeedEntry> entries, string origin, PublicWarningOptions options, DateTime now)
    {
        var offset = options.Offset;
        var self = $"{origin}/cap/feed.atom";
        var updated = entries.Count == 0 ? now : entries.Max(e => e.Sent);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(Atom + "feed",
            new XElement(Atom + "id", self),
            new XElement(Atom + "title", $"{options.SenderName}: public warnings (CAP 1.2)"),
            new XElement(Atom + "updated", CapText.Time(updated, offset)),
            new XElement(Atom + "author", new XElement(Atom + "name", options.SenderName)),
            new XElement(Atom + "link", new XAttribute("rel", "self"), new XAttribute("type", AtomType), new XAttribute("href", self)),
            entries.Select(e => new XElement(Atom + "entry",
                new XElement(Atom + "id", CapUrl(origin, e.Identifier)),
                new XElement(Atom + "title", e.Title),
                new XElement(Atom + "updated", CapText.Time(e.Sent, offset)),
                e.Summary is null ? null : new XElement(Atom + "summary", e.Summary),
                new XElement(Atom + "link", new XAttribute("rel", "alternate"), new XAttribute("type", CapType), new XAttribute("href", CapUrl(origin, e.Identifier)))))));
    }

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
