using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Units;

internal enum UnitProfile
{
    Fire,
    Police,
    Medical,
    Rescue,
    Utility,
    MedicalAviation,
    Hazmat,
}

internal enum UnitStatus
{
    Available,
    HighReadiness,
    Dispatched,
    EnRoute,
    OnScene,
    Leaving,
    Returning,
    OutOfService,
}

internal sealed record VehicleCount(string Type, int Count);

internal sealed record Unit(
    Guid Id,
    Guid ServiceId,
    string CallSign,
    UnitProfile Profile,
    UnitStatus Status,
    DateTime StatusChangedAt,
    int Personnel,
    IReadOnlyList<VehicleCount> Vehicles,
    string? BaseName,
    Point Base,
    string? TerritoryKato,
    Point Location,
    DateTime? LocationAt,
    float? SpeedKmh,
    float? HeadingDeg,
    double? DistanceMeters) : Auth.ITerritorial;

/// <summary>The allowed status changes of a unit; anything else is CONFLICT.</summary>
internal static class UnitTransitions
{
    private static readonly Dictionary<UnitStatus, UnitStatus[]> Allowed = new()
    {
        [UnitStatus.Available] = [UnitStatus.HighReadiness, UnitStatus.Dispatched, UnitStatus.OutOfService],
        [UnitStatus.HighReadiness] = [UnitStatus.Available, UnitStatus.Dispatched, UnitStatus.OutOfService],
        // A dispatch can be called off before the unit leaves.
        [UnitStatus.Dispatched] = [UnitStatus.EnRoute, UnitStatus.Available, UnitStatus.HighReadiness],
        [UnitStatus.EnRoute] = [UnitStatus.OnScene, UnitStatus.Returning],
        [UnitStatus.OnScene] = [UnitStatus.Leaving],
        [UnitStatus.Leaving] = [UnitStatus.Returning, UnitStatus.Available],
        // A returning unit may be redirected to a new incident.
        [UnitStatus.Returning] = [UnitStatus.Available, UnitStatus.Dispatched, UnitStatus.HighReadiness],
        [UnitStatus.OutOfService] = [UnitStatus.Available],
    };

    public static bool IsAllowed(UnitStatus from, UnitStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<UnitStatus> From(UnitStatus status) => Allowed[status];
}

/// <summary>One AVL fix as reported.</summary>
internal sealed record PositionReport(Guid Unit, Point Point, DateTime At, float? SpeedKmh, float? HeadingDeg);

internal sealed record PositionReportResult(int Received, int Stored, int Duplicates, int Superseded, int GeofenceEvents);
