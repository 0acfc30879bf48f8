using Dispatch.Gis.Storage;
using GraphQL.Types;

namespace Dispatch.Gis.Alerts;

/// <summary>
/// The events a subscriber can be alerted to. An enum rather than free text so that a misspelt kind fails validation
/// instead of subscribing to nothing; each name is the event kind it stands for (<see cref="AlertKinds.EventKind"/>).
/// </summary>
internal enum AlertKind
{
    ZoneCreated,
    ZoneChanged,
    ZoneClosed,
    UnitEnteredZone,
    UnitExitedZone,
    RegimeDeclared,
    IncidentReceived,
    IncidentClassified,
    IncidentStatusChanged,
    SituationUpdateSent,
    SituationChanged,
    ForcesRequested,
    HazardZoneAdded,
    WarningReceived,
    FeedSilent,
    RouteCrossesHazard,
    ForecastComputed,
}

internal static class AlertKinds
{
    public static readonly IReadOnlyList<AlertKind> All = Enum.GetValues<AlertKind>();

    /// <summary>Event kinds are stored as CONSTANT_CASE text, which is exactly the enum's GraphQL name.</summary>
    public static string EventKind(AlertKind kind) => DbEnum.Text(kind);

    public static readonly IReadOnlySet<string> AllEventKinds = All.Select(EventKind).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> EventKinds(IEnumerable<AlertKind>? kinds) =>
        kinds is null ? AllEventKinds : kinds.Select(EventKind).ToHashSet(StringComparer.Ordinal);
}

internal sealed class AlertKindGraphType : EnumerationGraphType<AlertKind>
{
    public AlertKindGraphType()
    {
        Name = "AlertKind";
        Description = "What an alert is about: zones created, redrawn, closed; units entering and leaving zones; regimes; incidents; "
            + "situation updates and level changes; force requests; hazard zones of dangerous objects; received public warnings; silent feeds; "
            + "routes crossing a forecast hazard; computed forecasts.";
    }
}
