using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Situation;

/// <summary>How serious the situation in one domain of one territory is; ordered, so the level is the maximum of its evidence.</summary>
internal enum SituationLevel
{
    Normal = 0,
    Elevated = 1,
    High = 2,
    Critical = 3,
}

internal enum EvidenceKind
{
    Observation,
    Earthquake,
    Warning,
}

/// <summary>
/// One reason for a level: a station's latest reading against its threshold, an earthquake near settlements, or a
/// warning whose area meets the territory. Stored as JSON with the level (camelCase), so the reason is read as it was.
/// </summary>
internal sealed record Evidence(
    EvidenceKind Kind,
    SituationLevel Level,
    string Summary,
    DateTime At,
    string? StationCode = null,
    string? StationName = null,
    string? Parameter = null,
    double? Value = null,
    string? Unit = null,
    double? Threshold = null,
    string? ThresholdLabel = null,
    string? Citation = null,
    bool? Verified = null,
    string? ThresholdSource = null,
    string? EarthquakeId = null,
    double? Magnitude = null,
    string? Settlement = null,
    double? DistanceKm = null,
    string? WarningId = null,
    string? WarningEvent = null,
    string? Severity = null,
    DateTime? Expires = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(new ConstantCaseNamingPolicy()) },
    };

    /// <summary>Where the evidence is (station, epicentre, warning area); not serialised with it, the level row keeps the union.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Geometry? Place { get; init; }

    /// <summary>Enum values in JSON as GraphQL and SQL show them (HIGH_READINESS, not HighReadiness).</summary>
    private sealed class ConstantCaseNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(name);
    }
}

/// <summary>A domain of a territory as last judged.</summary>
internal sealed record DomainSituation(string TerritoryKato, SituationDomain Domain, SituationLevel Level, DateTime? Since, SituationLevel? Previous,
    IReadOnlyList<Evidence> Evidence, DateTime? EvaluatedAt);

/// <summary>The eight monitoring domains of a territory: the radiation, chemical, biological, ecological, fire and other situation of Rules §5.2.</summary>
internal sealed record TerritorySituation(string TerritoryKato, IReadOnlyList<DomainSituation> Domains)
{
    public static readonly SituationDomain[] MonitoredDomains =
    [
        SituationDomain.Radiation, SituationDomain.Chemical, SituationDomain.Biological, SituationDomain.Ecological, SituationDomain.Fire,
        SituationDomain.Hydrological, SituationDomain.Seismic, SituationDomain.Meteorological,
    ];

    public SituationLevel Highest => Domains.Count == 0 ? SituationLevel.Normal : Domains.Max(d => d.Level);
}
