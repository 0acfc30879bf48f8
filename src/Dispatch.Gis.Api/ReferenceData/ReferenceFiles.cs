using System.Text.Json;

namespace Dispatch.Gis.ReferenceData;

/// <summary>Reads the GeoJSON files of data/reference into flat rows, applying the corrections data/README.md lists.</summary>
internal static class ReferenceFiles
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "data", "reference");

    public const string Regions = "kz_adm1_regions_2024.geojson";
    public const string Districts = "kz_adm2_districts_2024.geojson";
    public const string AdminCentres = "kz_admin_centres_2022.geojson";
    public const string Settlements = "kz_cities_geonames15000.geojson";
    public const string PowerPlants = "kz_power_plants_gppd.geojson";

    public static async Task<List<(JsonElement Properties, string GeometryJson)>> ReadFeaturesAsync(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(Path.Combine(Directory, file));
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.GetProperty("features").EnumerateArray()
            .Select(f => (f.GetProperty("properties").Clone(), f.GetProperty("geometry").GetRawText()))
            .ToList();
    }

    public static string Text(this JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    public static string? TextOrNull(this JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static double? NumberOrNull(this JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>
    /// The source writes a Latin "i" in some Kazakh names (e.g. "Солтүстiк"); Kazakh Cyrillic uses "і" (U+0456).
    /// Only letters between Cyrillic neighbours are changed, so Latin names stay as they are.
    /// </summary>
    public static string KazakhCyrillic(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is 'i' or 'I' && (IsCyrillic(chars, i - 1) || IsCyrillic(chars, i + 1)))
            {
                chars[i] = chars[i] == 'i' ? 'і' : 'І';
            }
        }

        return new string(chars);
    }

    private static bool IsCyrillic(char[] chars, int index) =>
        index >= 0 && index < chars.Length && chars[index] is >= '\u0400' and <= '\u04FF';
}
