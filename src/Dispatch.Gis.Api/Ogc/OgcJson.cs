using System.Text.Json;

namespace Dispatch.Gis.Ogc;

/// <summary>
/// GeoJSON documents from what PostGIS produced: geometry and properties are written as raw JSON, never parsed
/// and re-serialised, so a page of district outlines costs one copy.
/// </summary>
internal static class OgcJson
{
    private static readonly JsonSerializerOptions LinkOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] FeatureCollection(IReadOnlyList<OgcFeature> features, long numberMatched, IEnumerable<object> links)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var f in features)
            {
                WriteFeature(w, f, null);
            }

            w.WriteEndArray();
            w.WriteString("timeStamp", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("numberMatched", numberMatched);
            w.WriteNumber("numberReturned", features.Count);
            WriteLinks(w, links);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] Feature(OgcFeature feature, IEnumerable<object> links)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteFeature(w, feature, links);
        }

        return buffer.ToArray();
    }

    private static void WriteFeature(Utf8JsonWriter w, OgcFeature f, IEnumerable<object>? links)
    {
        w.WriteStartObject();
        w.WriteString("type", "Feature");
        w.WriteString("id", f.Id);
        w.WritePropertyName("geometry");
        if (f.Geometry is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(f.Geometry, skipInputValidation: true);
        }

        w.WritePropertyName("properties");
        w.WriteRawValue(f.Properties, skipInputValidation: true);
        if (links is not null)
        {
            WriteLinks(w, links);
        }

        w.WriteEndObject();
    }

    private static void WriteLinks(Utf8JsonWriter w, IEnumerable<object> links)
    {
        w.WritePropertyName("links");
        JsonSerializer.Serialize(w, links, LinkOptions);
    }
}
