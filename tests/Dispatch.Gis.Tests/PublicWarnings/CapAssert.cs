using System.Globalization;
using System.Xml.Linq;
using System.Xml.Schema;
using Dispatch.Gis.PublicWarnings;
using Xunit;

namespace Dispatch.Gis.Tests.PublicWarnings;

/// <summary>
/// What a CAP message must be before anyone may see it: valid against the shipped OASIS CAP 1.2 schema (data/cap, the
/// same copy the service uses), and within the public-alert aggregators' area rules (data/cap/README.md).
/// </summary>
internal static class CapAssert
{
    public static readonly XNamespace Cap = CapSchema.Namespace;
    public const int MaxPoints = 100;

    /// <summary>The identifiers /cap/feed.atom lists now, read from each entry's link as an aggregator follows it.</summary>
    public static async Task<List<string>> FeedIdentifiersAsync(Infrastructure.GraphQLClient anonymous)
    {
        var feed = XDocument.Parse(await anonymous.Http.GetStringAsync("/cap/feed.atom"));
        XNamespace atom = "http://www.w3.org/2005/Atom";
        return feed.Descendants(atom + "entry").Select(e => e.Element(atom + "link")!.Attribute("href")!.Value)
            .Select(href => Uri.UnescapeDataString(new Uri(href).AbsolutePath["/cap/".Length..^".xml".Length])).ToList();
    }

    public static XElement Valid(string xml)
    {
        var document = XDocument.Parse(xml);
        Assert.Equal(Cap + "alert", document.Root!.Name);
        var errors = new List<string>();
        document.Validate(CapSchema.Set, (_, e) => errors.Add(e.Message));
        Assert.True(errors.Count == 0, $"not CAP 1.2: {string.Join("; ", errors)}\n{xml}");

        foreach (var time in new[] { "sent", "effective", "expires" }.SelectMany(n => document.Descendants(Cap + n)))
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", time.Value);
        }

        foreach (var area in document.Descendants(Cap + "area"))
        {
            Assert.True(area.Element(Cap + "areaDesc")!.Value.Length < 50, "areaDesc must be under 50 characters");
            Assert.True(area.Elements(Cap + "polygon").Any() || area.Elements(Cap + "geocode").Any(), "an area needs a polygon or a geocode");
            var rings = area.Elements(Cap + "polygon").Select(polygon => Ring(polygon.Value)).ToList();
            Assert.True(Connected(rings), $"areas that do not touch must go in separate alerts: {string.Join(" | ", area.Elements(Cap + "polygon").Select(p => p.Value))}");

            foreach (var geocode in area.Elements(Cap + "geocode"))
            {
                Assert.Equal("KATO", geocode.Element(Cap + "valueName")!.Value);
                Assert.Matches("^[0-9]{9}$", geocode.Element(Cap + "value")!.Value);
            }
        }

        return document.Root;
    }

    /// <summary>A closed, simple (not self-intersecting) ring of at least 4 and at most <see cref="MaxPoints"/> "lat,lon" pairs, in range; returns the (lat, lon) pairs.</summary>
    public static List<(double Lat, double Lon)> Ring(string polygon)
    {
        var pairs = polygon.Split(' ').Select(p =>
        {
            var parts = p.Split(',');
            Assert.Equal(2, parts.Length);
            return (Lat: double.Parse(parts[0], CultureInfo.InvariantCulture), Lon: double.Parse(parts[1], CultureInfo.InvariantCulture));
        }).ToList();
        Assert.InRange(pairs.Count, 4, MaxPoints);
        Assert.Equal(pairs[0], pairs[^1]);
        Assert.All(pairs, p =>
        {
            Assert.InRange(p.Lat, -90, 90);
            Assert.InRange(p.Lon, -180, 180);
        });
        var ring = NetTopologySuite.Geometries.GeometryFactory.Default.CreateLinearRing(pairs.Select(p => new NetTopologySuite.Geometries.Coordinate(p.Lon, p.Lat)).ToArray());
        Assert.True(ring.IsSimple, $"the ring crosses itself: {polygon}");
        return pairs;
    }

    /// <summary>Whether the rings form one area: every ring reaches every other through rings that touch or overlap.</summary>
    private static bool Connected(List<List<(double Lat, double Lon)>> rings)
    {
        var factory = NetTopologySuite.Geometries.GeometryFactory.Default;
        var polygons = rings.Select(r => factory.CreatePolygon(r.Select(p => new NetTopologySuite.Geometries.Coordinate(p.Lon, p.Lat)).ToArray())).ToList();
        var reached = new HashSet<int> { 0 };
        var frontier = new Queue<int>([0]);
        while (polygons.Count > 0 && frontier.TryDequeue(out var i))
        {
            foreach (var j in Enumerable.Range(0, polygons.Count).Where(j => !reached.Contains(j) && polygons[i].Intersects(polygons[j])))
            {
                reached.Add(j);
                frontier.Enqueue(j);
            }
        }

        return polygons.Count == 0 || reached.Count == polygons.Count;
    }

    /// <summary>Every CAP message stored in the database, each checked by <see cref="Valid"/>; returns how many there were.</summary>
    public static async Task<int> AllStoredValidAsync(Npgsql.NpgsqlDataSource db)
    {
        var messages = new List<string>();
        await using (var cmd = db.CreateCommand("SELECT cap_xml FROM public_warning_messages"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                messages.Add(reader.GetString(0));
            }
        }

        Assert.All(messages, xml => Valid(xml));
        return messages.Count;
    }

    public static string Text(XElement alert, string name) => alert.Element(Cap + name)?.Value ?? "";
}
