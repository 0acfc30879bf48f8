using System.Text.Json;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Dispatch.Gis.Geo;

/// <summary>The one place GeoJSON text and NTS geometries meet (RFC 7946: lon/lat, WGS 84).</summary>
internal static class GeoJson
{
    public const int Wgs84 = 4326;

    public static readonly GeometryFactory Factory =
        NtsGeometryServices.Instance.CreateGeometryFactory(new PrecisionModel(), Wgs84);

    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(Factory));
        return options;
    }

    /// <summary>Reads a GeoJSON geometry object; structural faults become INVALID_GEOMETRY with the reason.</summary>
    public static Geometry Read(JsonElement element, string? argument = null)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new GraphQL.InvalidGeometryException("a GeoJSON geometry must be a JSON object with \"type\" and \"coordinates\"", argument);
        }

        if (!element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new GraphQL.InvalidGeometryException("GeoJSON geometry has no \"type\"", argument);
        }

        if (type.GetString() is "Feature" or "FeatureCollection")
        {
            throw new GraphQL.InvalidGeometryException("expected a GeoJSON geometry, not a Feature or FeatureCollection", argument);
        }

        var member = type.GetString() == "GeometryCollection" ? "geometries" : "coordinates";
        if (!element.TryGetProperty(member, out var body) || body.ValueKind != JsonValueKind.Array)
        {
            throw new GraphQL.InvalidGeometryException($"GeoJSON {type.GetString()} needs a \"{member}\" array", argument);
        }

        CheckPositions(element, argument);
        Geometry? geometry;
        try
        {
            geometry = element.Deserialize<Geometry>(Options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new GraphQL.InvalidGeometryException($"malformed GeoJSON geometry: {ex.Message}", argument);
        }

        if (geometry is null)
        {
            throw new GraphQL.InvalidGeometryException("GeoJSON geometry is null", argument);
        }

        geometry = Flat(geometry);
        geometry.SRID = Wgs84;
        return geometry;
    }

    /// <summary>
    /// RFC 7946 positions are [lon, lat] or [lon, lat, altitude] ("SHOULD NOT" have more); every column here is 2D, so an
    /// altitude is dropped (it is no part of the shape), and a longer position is refused as the malformed input it is.
    /// </summary>
    private static void CheckPositions(JsonElement geometry, string? argument)
    {
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (geometry.TryGetProperty("geometries", out var members) && members.ValueKind == JsonValueKind.Array)
        {
            foreach (var member in members.EnumerateArray())
            {
                CheckPositions(member, argument);
            }
        }

        if (geometry.TryGetProperty("coordinates", out var coordinates))
        {
            CheckNesting(coordinates, argument);
        }
    }

    private static void CheckNesting(JsonElement array, string? argument)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return;
        }

        if (array[0].ValueKind == JsonValueKind.Number)
        {
            if (array.GetArrayLength() > 3)
            {
                throw new GraphQL.InvalidGeometryException(
                    $"a position has {array.GetArrayLength()} numbers; GeoJSON positions are [longitude, latitude] or [longitude, latitude, altitude]", argument);
            }

            return;
        }

        foreach (var inner in array.EnumerateArray())
        {
            CheckNesting(inner, argument);
        }
    }

    private static Geometry Flat(Geometry geometry)
    {
        var hasMore = new HasMoreThanXy();
        geometry.Apply(hasMore);
        if (!hasMore.Found)
        {
            return geometry;
        }

        var editor = new NetTopologySuite.Geometries.Utilities.GeometryEditor(Factory);
        return editor.Edit(geometry, new NetTopologySuite.Geometries.Utilities.GeometryEditor.CoordinateSequenceOperation((sequence, _) =>
        {
            var xy = Factory.CoordinateSequenceFactory.Create(sequence.Count, 2, 0);
            for (var i = 0; i < sequence.Count; i++)
            {
                xy.SetX(i, sequence.GetX(i));
                xy.SetY(i, sequence.GetY(i));
            }

            return xy;
        }));
    }

    private sealed class HasMoreThanXy : ICoordinateSequenceFilter
    {
        public bool Found { get; private set; }

        public bool Done => Found;

        public bool GeometryChanged => false;

        public void Filter(CoordinateSequence seq, int i) => Found |= seq.Dimension > 2 || seq.Measures > 0;
    }

    /// <summary>Writes a geometry as GeoJSON, polygons wound as RFC 7946 asks.</summary>
    public static JsonElement Write(Geometry geometry) => JsonSerializer.SerializeToElement(Rfc7946Winding.Orient(geometry), Options);

    /// <summary>
    /// Writes a geometry as GeoJSON straight into <paramref name="writer"/>, the same text as <see cref="Write(Geometry)"/>.
    /// A list of units is hundreds of points per answer: building a JsonDocument for each one and copying it out again
    /// was a tenth of the service's time on such a list, so a plain 2D point is written here directly.
    /// </summary>
    public static void WriteTo(Utf8JsonWriter writer, Geometry geometry)
    {
        if (geometry is Point { IsEmpty: false } point && point.CoordinateSequence is { HasZ: false, HasM: false } xy)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Point");
            writer.WriteStartArray("coordinates");
            writer.WriteNumberValue(xy.GetX(0));
            writer.WriteNumberValue(xy.GetY(0));
            writer.WriteEndArray();
            writer.WriteEndObject();
            return;
        }

        JsonSerializer.Serialize(writer, Rfc7946Winding.Orient(geometry), Options);
    }

    /// <summary>GeoJSON already produced by PostGIS (ST_AsGeoJSON) passes through without an NTS round trip.</summary>
    public static JsonElement Parse(string geoJsonText)
    {
        using var document = JsonDocument.Parse(geoJsonText);
        return document.RootElement.Clone();
    }
}

/// <summary>A geometry in a GraphQL answer, written as GeoJSON when the answer is serialised (<see cref="GeoJson.WriteTo"/>).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(GeoJsonOutputConverter))]
internal sealed record GeoJsonOutput(Geometry Geometry);

internal sealed class GeoJsonOutputConverter : System.Text.Json.Serialization.JsonConverter<GeoJsonOutput>
{
    public override GeoJsonOutput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("GeoJsonOutput is written only; GeoJson.Read parses input");

    public override void Write(Utf8JsonWriter writer, GeoJsonOutput value, JsonSerializerOptions options) => GeoJson.WriteTo(writer, value.Geometry);
}
