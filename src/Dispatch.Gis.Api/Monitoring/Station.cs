using Dispatch.Gis.Situation;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Monitoring;

internal enum StationKind
{
    HydroPost,
    MeteoStation,
    RadiationPost,
    AirQualityPost,
    SeismicStation,
    ObjectSensor,
}

/// <summary>A monitoring station: a Kazhydromet post, a sanitary service's gamma post, a dangerous object's own sensor.</summary>
internal sealed record Station(Guid Id, string Code, string Name, string Operator, StationKind Kind, Point Location, string? TerritoryKato,
    IReadOnlyList<string> Parameters, Guid? DangerousObjectId, string? WaterBody, DateTime UpdatedAt);

/// <summary>A station's own dated, cited level for a parameter.</summary>
internal sealed record StationThreshold(Guid StationId, string Parameter, SituationLevel Level, DateOnly ValidFrom, double Value, string? Label,
    string? Citation, bool Verified, string Source);

/// <summary>A station's newest reading of a parameter and the level it had.</summary>
internal sealed record LatestObservation(Guid StationId, string Parameter, DateTime ObservedAt, double Value, string Unit, SituationLevel Level,
    Guid FeedId);

internal sealed record Observation(Guid StationId, string Parameter, DateTime ObservedAt, double Value, string Unit, SituationLevel Level,
    DateTime ReceivedAt, Guid FeedId);

/// <summary>An earthquake from a seismic catalogue, as last updated.</summary>
internal sealed record Earthquake(Guid Id, Guid FeedId, string ExternalId, DateTime OccurredAt, DateTime UpdatedAt, double Magnitude, string? MagType,
    double? DepthKm, string? Place, string Status, Point Location, string? TerritoryKato);

/// <summary>An incoming CAP alert's info block: what, how bad, where, from when to when, and whether a later alert replaced it.</summary>
internal sealed record Warning(Guid Id, Guid FeedId, string Sender, string Identifier, DateTime SentAt, string Status, string MsgType,
    IReadOnlyList<string> Category, string Event, string Severity, string Urgency, string Certainty, string? Headline, string? Description,
    string? Instruction, string AreaDesc, DateTime? EffectiveAt, DateTime? OnsetAt, DateTime? ExpiresAt, Geometry Area, string? TerritoryKato,
    DateTime? ReplacedAt, string? ReplacedBy);
