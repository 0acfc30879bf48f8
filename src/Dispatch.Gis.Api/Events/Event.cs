using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Events;

/// <summary>An event about to be appended, in the transaction of the change it records.</summary>
internal sealed record NewEvent(
    string Kind,
    string EntityType,
    string EntityId,
    object? Payload = null,
    Geometry? Geometry = null,
    string? TerritoryKato = null,
    string? Actor = null);

/// <summary>An event as stored: ids grow in commit order (see <see cref="EventLog"/>), so "after id N" is a complete resume point.</summary>
internal sealed record StoredEvent(
    long Id,
    string Kind,
    string EntityType,
    string EntityId,
    JsonElement Payload,
    Geometry? Geometry,
    string? TerritoryKato,
    string? Actor,
    DateTime OccurredAt);

/// <summary>What a subscriber wants: kinds (null = all) and, once scopes exist, where.</summary>
internal sealed record EventFilter(IReadOnlySet<string>? Kinds)
{
    public static readonly EventFilter All = new((IReadOnlySet<string>?)null);

    public bool Matches(StoredEvent e) => Kinds is null || Kinds.Contains(e.Kind);
}
