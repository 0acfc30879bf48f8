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
    DateTime OccurredAt) : Auth.ITerritorial
{
    /// <summary>What holding it costs a subscriber's buffer (<see cref="EventLog.SizeSql"/>).</summary>
    public long Bytes { get; init; }
}

/// <summary>
/// What a subscriber gets: the kinds it asked for (null = all), within its token's territories. Events without a
/// territory go only to nationwide tokens.
/// </summary>
/// <param name="AreaTerritories">
/// The territories whose geometry meets <paramref name="Area"/>: an event without a place of its own (a situation update,
/// a level change) that names one of them is in the area. Null: such events never match an area.
/// </param>
internal sealed record EventFilter(IReadOnlySet<string>? Kinds, Auth.TerritoryScope Scope, Geometry? Area = null, string? Territory = null, Guid? Incident = null,
    IReadOnlySet<string>? AreaTerritories = null, (string Type, string Id)? Entity = null)
{
    public static readonly EventFilter All = new(null, Auth.TerritoryScope.All);

    // Prepared once per subscriber: every live event is tested against the same area.
    private readonly NetTopologySuite.Geometries.Prepared.IPreparedGeometry? _area =
        Area is null ? null : NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(Area);

    private readonly Auth.TerritoryScope? _territory = Territory is null ? null : Auth.TerritoryScope.Parse([Territory]);
    private readonly string? _incident = Incident?.ToString();

    /// <summary>
    /// Events without a place match an area filter only through their territory (<see cref="AreaTerritories"/>); without
    /// an incident, never an incident filter.
    /// </summary>
    public bool Matches(StoredEvent e) =>
        (Kinds is null || Kinds.Contains(e.Kind))
        && Scope.Covers(e.TerritoryKato)
        && (_territory is null || _territory.Covers(e.TerritoryKato))
        && (_area is null || (e.Geometry is { } g
            ? _area.Intersects(g)
            : e.TerritoryKato is { } kato && AreaTerritories is not null && AreaTerritories.Contains(kato)))
        && (Entity is not { } entity || (e.EntityType == entity.Type && e.EntityId == entity.Id))
        && (_incident is null || (e.Payload.ValueKind == System.Text.Json.JsonValueKind.Object
            && e.Payload.TryGetProperty("incidentId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String && id.GetString() == _incident));
}
