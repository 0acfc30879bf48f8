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

        geometry.SRID = Wgs84;
        return geometry;
    }

    /// <summary>Writes a geometry as GeoJSON, polygons wound as RFC 7946 asks.</summary>
    public static JsonElement Write(Geometry geometry) => JsonSerializer.SerializeToElement(Rfc7946Winding.Orient(geometry), Options);

    /// <summary>GeoJSON already produced by PostGIS (ST_AsGeoJSON) passes through without an NTS round trip.</summary>
    public static JsonElement Parse(string geoJsonText)
    {
        using var document = JsonDocument.Parse(geoJsonText);
        return document.RootElement.Clone();
    }
}
