namespace Dispatch.Gis.Zones;

internal enum ZoneKind
{
    Actual,
    Forecast,
    Potential,
}

internal enum ZoneStatus
{
    Active,
    Closed,
}

/// <summary>Situation domains of Rules §5.2 plus the natural hazards a zone can stand for.</summary>
internal enum Hazard
{
    Radiation,
    Chemical,
    Biological,
    Ecological,
    Fire,
    Flood,
    Seismic,
    Meteorological,
    Technogenic,
    Other,
}

internal sealed record Zone(Guid Id, ZoneKind Kind, string Name, Hazard Hazard, ZoneStatus Status, int Version, string? TerritoryKato,
    Guid? IncidentId, string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, double AreaKm2, double? DistanceMeters) : Auth.ITerritorial;

internal sealed record ZoneVersion(Guid ZoneId, int Version, string GeometryJson, string? AreaAddedJson, string? AreaRemovedJson,
    double AreaAddedKm2, double AreaRemovedKm2, string? Note, string ChangedBy, DateTime ChangedAt);
