using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Gis.Services;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Units;

namespace Dispatch.Gis.Incidents;

/// <summary>
/// The versioned rule table in data/classification/rules.json: scale by zone extent (thresholds are configuration,
/// marked unverified until taken from MES Order No. 240), the unit profiles each incident type needs, and which
/// partner kinds receive which situation domain. Edited without code; its version is recorded on every classification.
/// </summary>
internal sealed class ClassificationRules
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public required string Version { get; init; }
    public required IReadOnlyList<ScaleRule> Scales { get; init; }
    public required IReadOnlyDictionary<string, TypeRule> Types { get; init; }
    public required IReadOnlyDictionary<SituationDomain, IReadOnlySet<ServiceKind>> Routing { get; init; }

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "classification", "rules.json");

    public static ClassificationRules Load(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<RuleFile>(stream, Options) ?? throw new InvalidOperationException($"{path} is empty");
        var routing = file.SituationRouting
            .Where(p => p.Key != "about")
            .ToDictionary(p => DbEnum.Parse<SituationDomain>(p.Key),
                p => (IReadOnlySet<ServiceKind>)p.Value.Deserialize<string[]>()!.Select(DbEnum.Parse<ServiceKind>).ToHashSet());
        return new ClassificationRules
        {
            Version = file.Version,
            Scales = file.Scales,
            Types = file.Types.ToDictionary(t => t.Type, StringComparer.Ordinal),
            Routing = routing,
        };
    }

    public Scale? SuggestScale(ZoneExtent extent) =>
        Scales.FirstOrDefault(s => DbEnum.Parse<ZoneExtent>(s.ZoneExtent) == extent) is { } rule ? DbEnum.Parse<Scale>(rule.Scale) : null;

    public TypeRule? Type(string? type) => type is not null && Types.TryGetValue(type, out var rule) ? rule : null;

    /// <summary>An unknown or missing type asks nothing of the profile: the officer decides.</summary>
    public bool Fits(string? type, UnitProfile profile) => Type(type) is not { } rule || rule.Profiles.Contains(DbEnum.Text(profile));

    public IReadOnlySet<ServiceKind> Recipients(SituationDomain domain) => Routing.TryGetValue(domain, out var kinds) ? kinds : new HashSet<ServiceKind>();

    private sealed record RuleFile(string Version, List<ScaleRule> Scales, List<TypeRule> Types,
        [property: JsonPropertyName("situationRouting")] Dictionary<string, JsonElement> SituationRouting);
}

internal sealed record ScaleRule(string Scale, string ZoneExtent, int? VictimsMax, int? DisruptedMax, double? DamageMrpMax,
    string? DeclaringAuthority, string Citation, bool Verified);

internal sealed record TypeRule(string Type, string Origin, IReadOnlyList<string> Profiles, string Domain);
