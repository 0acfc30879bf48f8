using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Dispatch.Gis.Geo;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Monitoring.Adapters;

/// <summary>
/// Incoming CAP 1.2 alerts (storm warnings): a single alert document, or any container of them (an Atom feed with
/// the alerts in its entries). Each alert is checked against the OASIS CAP 1.2 schema (data/cap, <see cref="PublicWarnings.CapSchema"/>) and the
/// area rules (a polygon is "lat,lon" pairs, closed, at least four; a circle is "lat,lon radius-km"); an alert that
/// fails is quarantined with its line and path. A payload that is not XML, or holds no CAP 1.2 alert, fails the run.
/// </summary>
internal static class CapAdapter
{
    public const string Namespace = PublicWarnings.CapSchema.Namespace;
    private static readonly XNamespace Cap = Namespace;
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private const int CircleVertices = 64;
    private const double EarthRadiusKm = 6371.0088;

    public static ParsedPayload Parse(string text)
    {
        XDocument document;
        try
        {
            // No DTDs and no external resolution: a feed must not make the service fetch or expand anything.
            using var reader = XmlReader.Create(new StringReader(text.TrimStart('\uFEFF')),
                new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 256L * 1024 * 1024 });
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new FeedPayloadException($"the payload is not XML: {ex.Message}");
        }

        var alerts = document.Descendants().Where(e => e.Name.LocalName == "alert").ToList();
        var root = document.Root!.Name;
        if (alerts.Count == 0 && !(root == Atom + "feed" || root.LocalName is "rss" or "alerts"))
        {
            // An empty Atom or RSS feed is a quiet day; any other document without an alert is not a CAP feed.
            throw new FeedPayloadException($"the payload holds no CAP alert and is no feed of them (root element \"{root.LocalName}\")");
        }

        var payload = new ParsedPayload();
        foreach (var alert in alerts)
        {
            payload.Received++;
            var pointer = PathOf(alert);
            int? line = ((IXmlLineInfo)alert).HasLineInfo() ? ((IXmlLineInfo)alert).LineNumber : null;
            var reason = alert.Name.Namespace != Cap ? $"not a CAP 1.2 alert (namespace \"{alert.Name.NamespaceName}\")" : Validate(alert);
            if (reason is null)
            {
                try
                {
                    reason = Read(alert, pointer, payload.Warnings, out var faultPointer);
                    pointer = faultPointer;
                }
                catch (Exception ex) when (ex is NetTopologySuite.Geometries.TopologyException or ArgumentException or InvalidOperationException)
                {
                    // Shapes that pass each check and still cannot be combined (overlapping areas NTS cannot union).
                    reason = $"the alert's areas cannot be combined: {ex.Message}";
                }
            }

            if (reason is not null)
            {
                payload.Rejections.Add(new Rejection(line, pointer, reason, FeedAdapters.Excerpt(alert.ToString(SaveOptions.DisableFormatting))));
            }
        }

        return payload;
    }

    private static string? Validate(XElement alert)
    {
        string? first = null;
        new XDocument(new XElement(alert)).Validate(PublicWarnings.CapSchema.Set, (_, e) => first ??= $"does not conform to CAP 1.2: {e.Message}");
        return first;
    }

    /// <summary>Adds the alert's info blocks; an Update or Cancel without info still names what it replaces.</summary>
    private static string? Read(XElement alert, string pointer, List<RawWarning> warnings, out string faultPointer)
    {
        faultPointer = pointer;
        string Text(XElement parent, string name) => parent.Element(Cap + name)?.Value.Trim() ?? "";
        var sender = Text(alert, "sender");
        var identifier = Text(alert, "identifier");
        var sent = Time(Text(alert, "sent"))!.Value;
        var msgType = Text(alert, "msgType");
        var references = Text(alert, "references").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.Split(',')).Where(r => r.Length >= 2).Select(r => (r[0], r[1])).ToList();
        var infos = alert.Elements(Cap + "info").ToList();
        var added = new List<RawWarning>();
        if (infos.Count == 0)
        {
            if (msgType is "Update" or "Cancel" && references.Count > 0)
            {
                added.Add(new RawWarning(pointer, sender, identifier, 0, sent, Text(alert, "status"), msgType, [], msgType, "Unknown", "Unknown", "Unknown",
                    null, null, null, "", null, null, null, null, null, references));
                warnings.AddRange(added);
                return null;
            }

            return "an alert without info names no event and no area";
        }

        for (var i = 0; i < infos.Count; i++)
        {
            var info = infos[i];
            faultPointer = $"{pointer}/info[{i + 1}]";
            Geometry? area = null;
            var descriptions = new List<string>();
            foreach (var (element, a) in info.Elements(Cap + "area").Select((e, a) => (e, a)))
            {
                descriptions.Add(Text(element, "areaDesc"));
                var shapes = new List<Geometry>();
                foreach (var (polygon, k) in element.Elements(Cap + "polygon").Select((e, k) => (e, k)))
                {
                    if (Polygon(polygon.Value, out var shape) is { } fault)
                    {
                        faultPointer = $"{pointer}/info[{i + 1}]/area[{a + 1}]/polygon[{k + 1}]";
                        return fault;
                    }

                    shapes.Add(shape!);
                }

                foreach (var (circle, k) in element.Elements(Cap + "circle").Select((e, k) => (e, k)))
                {
                    if (Circle(circle.Value, out var shape) is { } fault)
                    {
                        faultPointer = $"{pointer}/info[{i + 1}]/area[{a + 1}]/circle[{k + 1}]";
                        return fault;
                    }

                    shapes.Add(shape!);
                }

                if (shapes.Count == 0)
                {
                    faultPointer = $"{pointer}/info[{i + 1}]/area[{a + 1}]";
                    return "the area has no polygon or circle (geocodes alone cannot be placed on the map)";
                }

                var areaShape = GeoJson.Factory.BuildGeometry(shapes).Union();
                area = area is null ? areaShape : area.Union(areaShape);
            }

            if (area is null)
            {
                return "the info block has no area";
            }

            added.Add(new RawWarning(faultPointer, sender, identifier, i, sent, Text(alert, "status"), msgType,
                info.Elements(Cap + "category").Select(c => c.Value.Trim()).ToList(), Text(info, "event"), Text(info, "severity"), Text(info, "urgency"),
                Text(info, "certainty"), Optional(Text(info, "headline")), Optional(Text(info, "description")), Optional(Text(info, "instruction")),
                string.Join("; ", descriptions), Optional(Text(info, "language")), Time(Text(info, "effective")), Time(Text(info, "onset")),
                Time(Text(info, "expires")), area, references));
        }

        faultPointer = pointer;
        warnings.AddRange(added);
        return null;
    }

    private static string? Optional(string text) => text.Length == 0 ? null : text;

    private static DateTime? Time(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.UtcDateTime : null;

    /// <summary>"lat,lon lat,lon …", first = last, at least four pairs, a valid simple ring.</summary>
    internal static string? Polygon(string text, out Geometry? shape)
    {
        shape = null;
        var pairs = text.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var coordinates = new List<Coordinate>(pairs.Length);
        foreach (var pair in pairs)
        {
            var parts = pair.Split(',');
            if (parts.Length != 2 || !FeedAdapters.TryParseNumber(parts[0], false, out var lat) || !FeedAdapters.TryParseNumber(parts[1], false, out var lon)
                || lat is < -90 or > 90 || lon is < -180 or > 180)
            {
                return $"polygon point \"{pair}\" is not \"lat,lon\" in degrees";
            }

            coordinates.Add(new Coordinate(lon, lat));
        }

        if (coordinates.Count < 4 || !coordinates[0].Equals2D(coordinates[^1]))
        {
            return "a polygon needs at least four \"lat,lon\" pairs, the first repeated last";
        }

        var polygon = GeoJson.Factory.CreatePolygon(coordinates.ToArray());
        if (!polygon.IsValid)
        {
            return "the polygon crosses itself";
        }

        shape = polygon;
        return null;
    }

    /// <summary>"lat,lon radius" with the radius in kilometres: a 64-vertex ring on the sphere around the centre.</summary>
    internal static string? Circle(string text, out Geometry? shape)
    {
        shape = null;
        var parts = text.Trim().Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || !FeedAdapters.TryParseNumber(parts[0], false, out var lat) || !FeedAdapters.TryParseNumber(parts[1], false, out var lon)
            || !FeedAdapters.TryParseNumber(parts[2], false, out var radiusKm) || lat is < -90 or > 90 || lon is < -180 or > 180 || radiusKm is <= 0 or > 2000)
        {
            return $"circle \"{text.Trim()}\" is not \"lat,lon radius-km\"";
        }

        var ring = new Coordinate[CircleVertices + 1];
        var (phi1, lambda1, delta) = (lat * Math.PI / 180, lon * Math.PI / 180, radiusKm / EarthRadiusKm);
        for (var i = 0; i < CircleVertices; i++)
        {
            var theta = 2 * Math.PI * i / CircleVertices;
            var phi2 = Math.Asin(Math.Sin(phi1) * Math.Cos(delta) + Math.Cos(phi1) * Math.Sin(delta) * Math.Cos(theta));
            var lambda2 = lambda1 + Math.Atan2(Math.Sin(theta) * Math.Sin(delta) * Math.Cos(phi1), Math.Cos(delta) - Math.Sin(phi1) * Math.Sin(phi2));
            ring[i] = new Coordinate(lambda2 * 180 / Math.PI, phi2 * 180 / Math.PI);
        }

        ring[CircleVertices] = ring[0].Copy();
        shape = GeoJson.Factory.CreatePolygon(ring);
        return null;
    }

    private static string PathOf(XElement element)
    {
        var steps = new List<string>();
        for (var e = element; e is not null; e = e.Parent)
        {
            var same = e.Parent?.Elements(e.Name).ToList();
            steps.Add(same is { Count: > 1 } ? $"{e.Name.LocalName}[{same.IndexOf(e) + 1}]" : e.Name.LocalName);
        }

        steps.Reverse();
        return "/" + string.Join('/', steps);
    }
}
