using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;

namespace Dispatch.Gis.FeedSimulator;

/// <summary>
/// A scenario file (data/monitoring/scenarios): feeds whose values follow piecewise-linear curves over a looping
/// scenario clock, earthquakes and CAP warnings at scenario times, and feeds that stop (keep answering with the
/// same stale data, the way a feed fails quietly). Payloads are generated for the real clock, so their times are now.
/// </summary>
public sealed record Scenario(string Name, string? Description, double LoopSeconds, IReadOnlyList<ScenarioFeed> Feeds)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static Scenario Load(string path)
    {
        using var stream = File.OpenRead(path);
        var scenario = JsonSerializer.Deserialize<Scenario>(stream, Options) ?? throw new InvalidDataException($"{path} is empty");
        return scenario.LoopSeconds > 0 ? scenario : throw new InvalidDataException($"{path}: loopSeconds must be positive");
    }
}

public sealed record ScenarioFeed(string Path, string Format, double WindowSeconds = 3600, double? StopsAt = null, CsvLayout? Csv = null,
    IReadOnlyList<Series>? Series = null, IReadOnlyList<QuakeEvent>? Events = null, IReadOnlyList<CapAlert>? Alerts = null)
{
    public string ContentType => Format switch
    {
        "CSV" => "text/csv; charset=utf-8",
        "JSON" => "application/json; charset=utf-8",
        "GEOJSON_QUAKES" => "application/geo+json; charset=utf-8",
        "CAP" => "application/atom+xml; charset=utf-8",
        _ => "application/octet-stream",
    };
}

/// <summary>One station's parameter: a value every <see cref="EverySeconds"/>, from [scenario second, value] points, with deterministic noise.</summary>
public sealed record Series(string Station, string Parameter, string Unit, double EverySeconds, IReadOnlyList<double[]> Points, double Noise = 0, int Decimals = 2,
    string? JsonField = null)
{
    public double ValueAt(double t, long slot)
    {
        var points = Points;
        var value = points[^1][1];
        if (t <= points[0][0])
        {
            value = points[0][1];
        }
        else
        {
            for (var i = 1; i < points.Count; i++)
            {
                if (t <= points[i][0])
                {
                    var (t0, v0, t1, v1) = (points[i - 1][0], points[i - 1][1], points[i][0], points[i][1]);
                    value = v0 + (v1 - v0) * (t - t0) / (t1 - t0);
                    break;
                }
            }
        }

        // The same slot always gets the same noise: a re-poll serves the same reading, as a real feed does.
        var hash = (uint)HashCode.Combine(Station, Parameter, slot);
        return Math.Round(value + Noise * ((hash % 2001) / 1000.0 - 1), Decimals);
    }
}

/// <summary>Header names, delimiter and time style of a CSV feed (Russian-locale bulletins write ; and dd.MM.yyyy HH:mm in local time).</summary>
public sealed record CsvLayout(string Delimiter = ",", IReadOnlyList<string>? Header = null, string TimeStyle = "iso", string Offset = "+05:00", bool DecimalComma = false);

public sealed record QuakeEvent(double At, string Id, double Magnitude, double Lon, double Lat, double DepthKm, string Place, string MagType = "mww",
    string Status = "reviewed");

public sealed record CapAlert(double At, double Until, string Identifier, string Sender, string Event, string Severity, string Urgency, string Certainty,
    string Category, string Headline, string Description, string AreaDesc, IReadOnlyList<double[]> Polygon, string Language = "ru-KZ");

/// <summary>Generates a feed's payload at one moment of the scenario clock.</summary>
public static class Payloads
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <param name="now">The real time the payload is for.</param>
    /// <param name="t">The scenario second at <paramref name="now"/> (within the loop).</param>
    /// <param name="loop">Which pass of the loop this is: events of each pass are new events.</param>
    /// <param name="speed">Scenario seconds per real second.</param>
    public static string Generate(ScenarioFeed feed, DateTimeOffset now, double t, long loop, double speed)
    {
        if (feed.StopsAt is { } stop && t > stop)
        {
            // Stopped: everything as it was when it stopped, so the data grows old while the feed still answers 200.
            now -= TimeSpan.FromSeconds((t - stop) / speed);
            t = stop;
        }

        return feed.Format switch
        {
            "CSV" => Csv(feed, now, t, speed),
            "JSON" => Json(feed, now, t, speed),
            "GEOJSON_QUAKES" => Quakes(feed, now, t, loop, speed),
            "CAP" => Cap(feed, now, t, loop, speed),
            _ => throw new InvalidDataException($"unknown format {feed.Format}"),
        };
    }

    private static IEnumerable<(Series Series, DateTimeOffset At, double Value)> Readings(ScenarioFeed feed, DateTimeOffset now, double t, double speed)
    {
        foreach (var series in feed.Series ?? [])
        {
            var every = TimeSpan.FromSeconds(series.EverySeconds);
            var newest = new DateTimeOffset(now.UtcTicks / every.Ticks * every.Ticks, TimeSpan.Zero);
            for (var at = newest; at > now - TimeSpan.FromSeconds(feed.WindowSeconds); at -= every)
            {
                var back = (now - at).TotalSeconds * speed;
                yield return (series, at, series.ValueAt(t - back, at.UtcTicks / every.Ticks));
            }
        }
    }

    private static string Csv(ScenarioFeed feed, DateTimeOffset now, double t, double speed)
    {
        var layout = feed.Csv ?? new CsvLayout();
        var offset = TimeSpan.Parse(layout.Offset.TrimStart('+'), Invariant) * (layout.Offset.StartsWith('-') ? -1 : 1);
        var text = new StringBuilder();
        text.Append(string.Join(layout.Delimiter, layout.Header ?? ["station", "time", "parameter", "value", "unit"])).Append('\n');
        foreach (var (series, at, value) in Readings(feed, now, t, speed).OrderBy(r => r.At).ThenBy(r => r.Series.Station, StringComparer.Ordinal))
        {
            var local = at.ToOffset(offset);
            var time = layout.TimeStyle == "ru" ? local.ToString("dd.MM.yyyy HH:mm", Invariant) : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);
            var number = value.ToString(Invariant);
            text.Append(string.Join(layout.Delimiter, series.Station, time, series.Parameter, layout.DecimalComma ? number.Replace('.', ',') : number, series.Unit))
                .Append('\n');
        }

        return text.ToString();
    }

    private static string Json(ScenarioFeed feed, DateTimeOffset now, double t, double speed)
    {
        var records = Readings(feed, now, t, speed).OrderBy(r => r.At).Select(r => new Dictionary<string, object>
        {
            ["post"] = r.Series.Station,
            ["measured"] = r.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant),
            [r.Series.JsonField ?? "reading"] = new { value = r.Value, unit = r.Series.Unit },
        });
        return JsonSerializer.Serialize(new { generated = now.ToString("O", Invariant), network = "demo sanitary radiation network", data = records });
    }

    private static string Quakes(ScenarioFeed feed, DateTimeOffset now, double t, long loop, double speed)
    {
        var features = (feed.Events ?? []).Where(e => e.At <= t).Select(e =>
        {
            var time = now - TimeSpan.FromSeconds((t - e.At) / speed);
            var ms = time.ToUnixTimeMilliseconds();
            var id = $"{e.Id}{loop}";
            return new
            {
                type = "Feature",
                properties = new
                {
                    mag = e.Magnitude, place = e.Place, time = ms, updated = ms + 60_000, tz = (int?)null, url = $"https://example.invalid/event/{id}",
                    felt = (int?)null, alert = e.Magnitude >= 5 ? "yellow" : null, status = e.Status, tsunami = 0, sig = (int)(e.Magnitude * 100), net = "demo",
                    code = id, ids = $",demo{id},", sources = ",demo,", types = ",origin,phase-data,", magType = e.MagType, type = "earthquake",
                    title = $"M {e.Magnitude.ToString("0.0", Invariant)} - {e.Place}",
                },
                geometry = new { type = "Point", coordinates = new[] { e.Lon, e.Lat, e.DepthKm } },
                id = $"demo{id}",
            };
        }).ToList();
        return JsonSerializer.Serialize(new
        {
            type = "FeatureCollection",
            metadata = new { generated = now.ToUnixTimeMilliseconds(), url = "http://127.0.0.1/feeds/" + feed.Path.TrimStart('/'), title = "Demo significant earthquakes", status = 200,
                api = "1.10.3", count = features.Count },
            features,
            bbox = new[] { 46.0, 40.0, -10.0, 88.0, 56.0, 700.0 },
        });
    }

    private static string Cap(ScenarioFeed feed, DateTimeOffset now, double t, long loop, double speed)
    {
        var kz = TimeSpan.FromHours(5);
        string Time(DateTimeOffset at) => at.ToOffset(kz).ToString("yyyy-MM-dd'T'HH:mm:sszzz", Invariant);
        var entries = new StringBuilder();
        foreach (var a in (feed.Alerts ?? []).Where(a => a.At <= t))
        {
            var onset = now - TimeSpan.FromSeconds((t - a.At) / speed);
            var expires = onset + TimeSpan.FromSeconds((a.Until - a.At) / speed);
            var polygon = string.Join(' ', a.Polygon.Select(p => $"{p[0].ToString(Invariant)},{p[1].ToString(Invariant)}"));
            var identifier = $"{a.Identifier}.{loop}";
            entries.Append(CultureInfo.InvariantCulture, $"""
                  <entry>
                    <id>{SecurityElement.Escape(identifier)}</id>
                    <title>{SecurityElement.Escape(a.Headline)}</title>
                    <updated>{Time(onset)}</updated>
                    <content type="text/xml">
                      <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
                        <identifier>{SecurityElement.Escape(identifier)}</identifier>
                        <sender>{SecurityElement.Escape(a.Sender)}</sender>
                        <sent>{Time(onset)}</sent>
                        <status>Actual</status>
                        <msgType>Alert</msgType>
                        <scope>Public</scope>
                        <info>
                          <language>{a.Language}</language>
                          <category>{a.Category}</category>
                          <event>{SecurityElement.Escape(a.Event)}</event>
                          <urgency>{a.Urgency}</urgency>
                          <severity>{a.Severity}</severity>
                          <certainty>{a.Certainty}</certainty>
                          <effective>{Time(onset)}</effective>
                          <onset>{Time(onset)}</onset>
                          <expires>{Time(expires)}</expires>
                          <senderName>Демо: РГП «Казгидромет»</senderName>
                          <headline>{SecurityElement.Escape(a.Headline)}</headline>
                          <description>{SecurityElement.Escape(a.Description)}</description>
                          <area>
                            <areaDesc>{SecurityElement.Escape(a.AreaDesc)}</areaDesc>
                            <polygon>{polygon}</polygon>
                          </area>
                        </info>
                      </alert>
                    </content>
                  </entry>

                """);
        }

        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>urn:demo:kazhydromet:warnings</id>
              <title>Демо: штормовые предупреждения</title>
              <updated>{Time(now)}</updated>
            {entries}</feed>

            """;
    }
}
