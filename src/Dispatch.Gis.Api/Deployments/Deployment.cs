namespace Dispatch.Gis.Deployments;

internal enum ForceRequestStatus
{
    Requested,
    Acknowledged,
    Fulfilled,
}

internal sealed record Deployment(Guid Id, Guid IncidentId, Guid UnitId, Guid? ForceRequestId, DateTime RequestedAt, DateTime DispatchedAt,
    DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? LeftAt, int? Personnel, string? VehiclesJson, string DispatchedBy);

internal sealed record ForceRequest(Guid Id, Guid IncidentId, Guid ServiceId, int Personnel, string VehiclesJson, string? Note, ForceRequestStatus Status,
    string RequestedBy, DateTime RequestedAt, string? AcknowledgedBy, DateTime? AcknowledgedAt, DateTime? FulfilledAt);

internal sealed record UnitSuggestion(Units.Unit Unit, double DistanceMeters, double EtaMinutes);

/// <summary>What the unit's own track says about a reported arrival.</summary>
internal sealed record AvlCheck(int FixesInWindow, DateTime? FirstInsideAt, IReadOnlyList<string> Flags);
