using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Alerts;

/// <summary>CAP 1.2 severity, in rank order (a minimum severity keeps this one and those above).</summary>
internal enum AlertSeverity
{
    Unknown = 0,
    Minor = 1,
    Moderate = 2,
    Severe = 3,
    Extreme = 4,
}

/// <summary>CAP 1.2 urgency.</summary>
internal enum AlertUrgency
{
    Immediate,
    Expected,
    Future,
    Past,
    Unknown,
}

/// <summary>CAP 1.2 certainty.</summary>
internal enum AlertCertainty
{
    Observed,
    Likely,
    Possible,
    Unlikely,
    Unknown,
}

internal enum AlertSubscriptionStatus
{
    Active,
    Paused,

    /// <summary>Its webhook kept failing past the retry bound; delivery goes on at the longest backoff until it succeeds.</summary>
    Failing,
}

internal sealed record AlertSubscription(
    Guid Id,
    Guid OwnerServiceId,
    string TerritoryKato,
    string Name,
    IReadOnlyList<AlertKind> Kinds,
    AlertSeverity MinSeverity,
    Geometry? RequestedArea,
    IReadOnlyList<string> Territories,
    IReadOnlyList<Guid> Zones,
    bool DeliverSocket,
    string? WebhookUrl,
    AlertSubscriptionStatus Status,
    string CreatedBy,
    DateTime CreatedAt,
    string? WebhookError) : Auth.ITerritorial;

/// <summary>One alert in one subscription's inbox. <see cref="Seq"/> orders the inbox; <see cref="Id"/> is the idempotency key.</summary>
internal sealed record AlertEntry(
    Guid Id,
    long Seq,
    Guid SubscriptionId,
    long EventId,
    AlertKind Kind,
    AlertSeverity Severity,
    AlertUrgency Urgency,
    AlertCertainty Certainty,
    string Headline,
    Geometry? Area,
    string? TerritoryKato,
    IReadOnlyList<AlertObject> Objects,
    DateTime RecordedAt,
    DateTime? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTime? DeliveredAt) : Auth.ITerritorial;

/// <summary>A thing an alert is about: its type (as in events' entityType) and id.</summary>
internal sealed record AlertObject(string Type, string Id);

internal sealed record NewAlertSubscription(
    string Name,
    IReadOnlySet<string> Kinds,
    AlertSeverity MinSeverity,
    Geometry? RequestedArea,
    IReadOnlyList<string> Territories,
    IReadOnlyList<Guid> Zones,
    Geometry Area,
    IReadOnlyCollection<string>? Scope,
    bool DeliverSocket,
    string? WebhookUrl,
    string? WebhookSecret);
