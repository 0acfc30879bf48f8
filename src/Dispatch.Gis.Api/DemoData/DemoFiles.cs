using System.Text.Json;

namespace Dispatch.Gis.DemoData;

internal sealed record DemoChannel(string Kind, string Address, string? Label = null);

internal sealed record DemoService(string Code, string Kind, string Name, string TerritoryKato, string[] Phones, string[] CallSigns,
    DemoChannel[] Channels, string? DutyOfficer = null);

internal sealed record DemoUnit(string Service, string CallSign, string Profile, string Status, int Personnel, JsonElement Vehicles,
    string? BaseName, double Lon, double Lat);

internal sealed record DemoObject(string ExternalRef, string Name, string HazardClass, string ObjectKind, string? Operator,
    string GeometryJson, string SubstancesJson, string ContactsJson);

/// <summary>A hazard zone: <see cref="GeometryJson"/> as it is, or buffered by <see cref="BufferMeters"/> (around the object when absent).</summary>
internal sealed record DemoHazardZone(string Object, string Kind, string Name, string? Basis, string? GeometryJson, double? BufferMeters);

internal sealed record DemoEmergencyZone(string Name, string Kind, string Hazard, string? Note, string GeometryJson);

/// <summary>A HYDRAULIC object's valley line and dam figures for the dam-break forecast (dams.geojson).</summary>
internal sealed record DemoDam(string Object, string DamJson, string GeometryJson);

internal sealed record DemoSet(IReadOnlyList<DemoService> Services, IReadOnlyList<DemoUnit> Units, IReadOnlyList<DemoObject> Objects,
    IReadOnlyList<DemoHazardZone> HazardZones, IReadOnlyList<DemoEmergencyZone> EmergencyZones, IReadOnlyList<DemoDam> Dams);

/// <summary>Reads data/demo and rejects a file that breaks the set's own rules before anything reaches the database.</summary>
internal static class DemoFiles
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "data", "demo");

    /// <summary>Every code and external reference the files create carries this mark, so demo rows are never taken for real ones.</summary>
    public const string CodePrefix = "DEMO-";
    public const string ObjectPrefix = "DEMO:";

    // Fire, rescue and hazmat formations are MES units, and 112 is the MES service; every other profile has its own kind.
    private static readonly Dictionary<string, string> ServiceKindOfProfile = new(StringComparer.Ordinal)
    {
        ["FIRE"] = "UDDS_112",
        ["RESCUE"] = "UDDS_112",
        ["HAZMAT"] = "UDDS_112",
        ["POLICE"] = "POLICE",
        ["MEDICAL"] = "AMBULANCE",
        ["MEDICAL_AVIATION"] = "MEDICAL_AVIATION",
        ["UTILITY"] = "UTILITY_EMERGENCY",
    };

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private sealed record ServicesFile(DemoService[] Services);

    private sealed record UnitProperties(string Service, string CallSign, string Profile, string Status, int Personnel, JsonElement Vehicles,
        string? BaseName = null);

    private sealed record ObjectProperties(string ExternalRef, string Name, string HazardClass, string ObjectKind, JsonElement Substances,
        JsonElement Contacts, string? Operator = null);

    private sealed record HazardZoneProperties(string Object, string Kind, string Name, string? Basis = null, double? BufferMeters = null);

    private sealed record EmergencyZoneProperties(string Name, string Kind, string Hazard, string? Note = null);

    private sealed record DamProperties(string Object, JsonElement Dam);

    public static async Task<DemoSet> ReadAsync(CancellationToken ct)
    {
        ServicesFile services;
        await using (var stream = File.OpenRead(Path.Combine(Directory, "services.json")))
        {
            services = await JsonSerializer.DeserializeAsync<ServicesFile>(stream, Options, ct)
                ?? throw new InvalidDataException("services.json is empty");
        }

        var units = (await FeaturesAsync<UnitProperties>("units.geojson", ct)).Select(f =>
        {
            var coordinates = Point(f.Geometry, "units.geojson", f.Properties.CallSign);
            var p = f.Properties;
            return new DemoUnit(p.Service, p.CallSign, p.Profile, p.Status, p.Personnel, p.Vehicles, p.BaseName, coordinates.Lon, coordinates.Lat);
        }).ToList();
        var objects = (await FeaturesAsync<ObjectProperties>("dangerous_objects.geojson", ct)).Select(f =>
        {
            var p = f.Properties;
            return new DemoObject(p.ExternalRef, p.Name, p.HazardClass, p.ObjectKind, p.Operator,
                f.Geometry?.GetRawText() ?? throw Invalid("dangerous_objects.geojson", p.ExternalRef, "has no geometry"),
                p.Substances.GetRawText(), p.Contacts.GetRawText());
        }).ToList();
        var hazardZones = (await FeaturesAsync<HazardZoneProperties>("hazard_zones.geojson", ct))
            .Select(f => new DemoHazardZone(f.Properties.Object, f.Properties.Kind, f.Properties.Name, f.Properties.Basis, f.Geometry?.GetRawText(),
                f.Properties.BufferMeters))
            .ToList();
        var emergencyZones = (await FeaturesAsync<EmergencyZoneProperties>("emergency_zones.geojson", ct))
            .Select(f => new DemoEmergencyZone(f.Properties.Name, f.Properties.Kind, f.Properties.Hazard, f.Properties.Note,
                f.Geometry?.GetRawText() ?? throw Invalid("emergency_zones.geojson", f.Properties.Name, "has no geometry")))
            .ToList();

        var dams = (await FeaturesAsync<DamProperties>("dams.geojson", ct))
            .Select(f => new DemoDam(f.Properties.Object, f.Properties.Dam.GetRawText(),
                f.Geometry is { } g && g.GetProperty("type").GetString() == "LineString" ? g.GetRawText() : throw Invalid("dams.geojson", f.Properties.Object, "needs a LineString valley line")))
            .ToList();

        var set = new DemoSet(services.Services, units, objects, hazardZones, emergencyZones, dams);
        Validate(set);
        return set;
    }

    private static void Validate(DemoSet set)
    {
        var kindByCode = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in set.Services)
        {
            Require(s.Code.StartsWith(CodePrefix, StringComparison.Ordinal), "services.json", s.Code, $"code must start with {CodePrefix}");
            Require(kindByCode.TryAdd(s.Code, s.Kind), "services.json", s.Code, "appears twice");
            // A partner without a channel could never be confirmed at a shift's communications check.
            Require(s.Channels.Length > 0, "services.json", s.Code, "needs at least one channel");
        }

        var callSigns = new HashSet<(string, string)>();
        foreach (var u in set.Units)
        {
            Require(kindByCode.TryGetValue(u.Service, out var kind), "units.geojson", u.CallSign, $"names unknown service {u.Service}");
            Require(ServiceKindOfProfile.TryGetValue(u.Profile, out var expected) && expected == kind, "units.geojson", u.CallSign,
                $"profile {u.Profile} cannot serve under a {kind} service");
            Require(callSigns.Add((u.Service, u.CallSign)), "units.geojson", u.CallSign, $"appears twice in {u.Service}");
            Require(u.Vehicles.ValueKind == JsonValueKind.Array, "units.geojson", u.CallSign, "vehicles must be an array");
        }

        var objectRefs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in set.Objects)
        {
            // Only demo rows are written; reference rows (GPPD:…) are attached to, never changed.
            Require(o.ExternalRef.StartsWith(ObjectPrefix, StringComparison.Ordinal), "dangerous_objects.geojson", o.ExternalRef,
                $"externalRef must start with {ObjectPrefix}");
            Require(objectRefs.Add(o.ExternalRef), "dangerous_objects.geojson", o.ExternalRef, "appears twice");
        }

        var zoneKeys = new HashSet<(string, string)>();
        foreach (var z in set.HazardZones)
        {
            Require(zoneKeys.Add((z.Object, z.Name)), "hazard_zones.geojson", z.Name, $"appears twice for {z.Object}");
            Require(z.BufferMeters is null or > 0 and <= 100_000, "hazard_zones.geojson", z.Name, "bufferMeters must be above 0 and at most 100000");
            Require(z.BufferMeters is not null || IsAreal(z.GeometryJson), "hazard_zones.geojson", z.Name,
                "needs a Polygon or MultiPolygon, or bufferMeters");
        }

        var zoneNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var z in set.EmergencyZones)
        {
            Require(zoneNames.Add(z.Name), "emergency_zones.geojson", z.Name, "appears twice");
            Require(IsAreal(z.GeometryJson), "emergency_zones.geojson", z.Name, "needs a Polygon or MultiPolygon");
        }
    }

    private static async Task<List<(T Properties, JsonElement? Geometry)>> FeaturesAsync<T>(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(Path.Combine(Directory, file));
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.GetProperty("features").EnumerateArray()
            .Select((f, i) =>
            {
                var properties = f.GetProperty("properties").Deserialize<T>(Options) ?? throw Invalid(file, $"feature {i}", "has no properties");
                var geometry = f.GetProperty("geometry");
                return (properties, geometry.ValueKind == JsonValueKind.Null ? (JsonElement?)null : geometry.Clone());
            })
            .ToList();
    }

    private static (double Lon, double Lat) Point(JsonElement? geometry, string file, string item)
    {
        if (geometry is not { } g || g.GetProperty("type").GetString() != "Point")
        {
            throw Invalid(file, item, "needs a Point geometry");
        }

        var c = g.GetProperty("coordinates");
        return (c[0].GetDouble(), c[1].GetDouble());
    }

    private static bool IsAreal(string? geometryJson)
    {
        if (geometryJson is null)
        {
            return false;
        }

        using var document = JsonDocument.Parse(geometryJson);
        return document.RootElement.GetProperty("type").GetString() is "Polygon" or "MultiPolygon";
    }

    private static void Require(bool condition, string file, string item, string problem)
    {
        if (!condition)
        {
            throw Invalid(file, item, problem);
        }
    }

    private static InvalidDataException Invalid(string file, string item, string problem) => new($"data/demo/{file}: {item} {problem}");
}
