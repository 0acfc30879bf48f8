using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Incidents;

internal enum IncidentChannel
{
    Call,
    PartnerReport,
    Monitoring,
    Sms,
    Other,
}

internal enum IncidentStatus
{
    Received,
    Classified,
    Responding,
    Localised,
    Liquidated,
    Closed,
}

internal enum Origin
{
    Natural,
    ManMade,
}

internal enum Scale
{
    Object,
    Local,
    Regional,
    Global,
}

/// <summary>How far the incident's zones reach: the spatial criterion of the classification.</summary>
internal enum ZoneExtent
{
    Object,
    District,
    Region,
    SeveralRegions,
    CrossBorder,
}

internal sealed record Incident(
    Guid Id,
    long Number,
    DateTime ReceivedAt,
    IncidentChannel Channel,
    string? CallerName,
    string? CallerPhone,
    Guid? ReportedByService,
    Point Location,
    string? Address,
    string? TerritoryKato,
    string Description,
    string? PreliminaryType,
    int? Urgency,
    IncidentStatus Status,
    Origin? Origin,
    string? Type,
    Scale? Scale,
    ZoneExtent? ZoneExtent,
    Scale? SuggestedScale,
    string? RuleVersion,
    string? ClassifiedBy,
    DateTime? ClassifiedAt,
    string CreatedBy) : Auth.ITerritorial;

/// <summary>The allowed status changes; CLOSED is final. A false alarm may be closed before any response.</summary>
internal static class IncidentTransitions
{
    private static readonly Dictionary<IncidentStatus, IncidentStatus[]> Allowed = new()
    {
        [IncidentStatus.Received] = [IncidentStatus.Classified, IncidentStatus.Responding, IncidentStatus.Closed],
        [IncidentStatus.Classified] = [IncidentStatus.Responding, IncidentStatus.Closed],
        [IncidentStatus.Responding] = [IncidentStatus.Localised, IncidentStatus.Liquidated],
        [IncidentStatus.Localised] = [IncidentStatus.Liquidated],
        [IncidentStatus.Liquidated] = [IncidentStatus.Closed],
        [IncidentStatus.Closed] = [],
    };

    public static bool IsAllowed(IncidentStatus from, IncidentStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<IncidentStatus> From(IncidentStatus status) => Allowed[status];
}
