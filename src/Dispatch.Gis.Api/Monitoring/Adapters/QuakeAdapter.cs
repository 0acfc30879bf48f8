using System.Text.Json;

namespace Dispatch.Gis.Monitoring.Adapters;

/// <summary>
/// Earthquake catalogues in the USGS GeoJSON layout (FeatureCollection; feature id = the event id; coordinates
/// [lon, lat, depth km]; properties mag, magType, place, status, time and updated in milliseconds since the epoch),
/// also as EMSC's FDSN GeoJSON writes it (times as ISO text, lastupdate, flynn_region, unid). A feature that cannot
/// be read is quarantined with its pointer; a document that is not a FeatureCollection fails the run.
/// </summary>
internal static class QuakeAdapter
{
    public static ParsedPayload Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.TrimStart('\uFEFF'));
        }
        catch (JsonException ex)
        {
            throw new FeedPayloadException($"the payload is not JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || type.GetString() != "FeatureCollection" || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                throw new FeedPayloadException("the payload is not a GeoJSON FeatureCollection with a features array");
            }

            var payload = new ParsedPayload();
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var pointer = $"/features/{index++}";
                payload.Received++;
                if (Read(feature, pointer, out var quake, out var fault) is { } reason)
                {
                    payload.Rejections.Add(new Rejection(null, fault, reason, FeedAdapters.Excerpt(feature.GetRawText())));
                }
                else
                {
                    payload.Quakes.Add(quake!);
                }
            }

            return payload;
        }
    }

    private static string? Read(JsonElement feature, string pointer, out RawQuake? quake, out string fault)
    {
        quake = null;
        fault = pointer;
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return "a feature needs properties";
        }

        var id = Text(feature, "id") ?? Text(p, "unid") ?? (Text(p, "net") is { } net && Text(p, "code") is { } code ? net + code : null);
        if (id is not { Length: > 0 })
        {
            fault = pointer + "/id";
            return "no event id";
        }

        fault = pointer + "/geometry/coordinates";
        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object
            || !geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array
            || coordinates.GetArrayLength() < 2 || coordinates[0].ValueKind != JsonValueKind.Number || coordinates[1].ValueKind != JsonValueKind.Number)
        {
            return "no point coordinates [lon, lat, depth]";
        }

        var x = coordinates[0].GetDouble();
        var y = coordinates[1].GetDouble();
        double? depth = coordinates.GetArrayLength() > 2 && coordinates[2].ValueKind == JsonValueKind.Number ? coordinates[2].GetDouble() : Number(p, "depth");

        fault = pointer + "/properties/time";
        if (!Time(p, "time", out var occurred))
        {
            return "no event time";
        }

        var updated = Time(p, "updated", out var u) || Time(p, "lastupdate", out u) ? u : occurred;
        fault = pointer;
        quake = new RawQuake(pointer, null, id, occurred, updated < occurred ? occurred : updated, x, y, depth, Number(p, "mag"),
            Text(p, "magType") ?? Text(p, "magtype"), Text(p, "place") ?? Text(p, "flynn_region"), (Text(p, "status") ?? "automatic").ToLowerInvariant());
        return null;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => FeedAdapters.Clean(v.GetString()),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static bool Time(JsonElement e, string name, out DateTime utc)
    {
        utc = default;
        if (!e.TryGetProperty(name, out var v))
        {
            return false;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => FeedAdapters.TryFromEpoch(v.GetDouble(), out utc),
            JsonValueKind.String => FeedAdapters.TryParseTime(v.GetString()!, TimeSpan.Zero, out utc),
            _ => false,
        };
    }
}
