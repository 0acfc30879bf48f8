using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.DangerousObjects;

internal enum HazardClass
{
    Chemical,
    Radiation,
    Biological,
    Explosive,
    Fire,
    Hydraulic,
    Energy,
    Other,
}

internal enum HazardZoneKind
{
    SanitaryProtection,
    Flood,
    ChemicalContamination,
    Explosion,
    Radiation,
    Other,
}

internal sealed record DangerousObject(Guid Id, string? ExternalRef, string Name, HazardClass HazardClass, string ObjectKind, string? Operator,
    double? CapacityMw, Geometry? Geometry, string? LocationNote, JsonElement Substances, JsonElement Contacts, string? TerritoryKato,
    string Source, double? DistanceMeters) : Auth.ITerritorial;

internal sealed record HazardZone(Guid Id, Guid ObjectId, HazardZoneKind Kind, string Name, string GeometryJson, string? Basis);
