using Dispatch.Gis.Regimes;

namespace Dispatch.Gis.Situation;

internal enum SuggestionStatus
{
    Pending,
    Accepted,
    Dismissed,

    /// <summary>The situation no longer calls for it (levels fell, the regime was raised anyway, or a wider territory now qualifies).</summary>
    Lapsed,
}

/// <summary>A suggestion to raise a territory's regime, recorded when its situation reached the configured level; people decide.</summary>
internal sealed record RegimeSuggestion(Guid Id, string TerritoryKato, Regime Regime, IReadOnlyList<SituationDomain> Domains, SituationLevel Level, string Reason,
    IReadOnlyList<Evidence> Evidence, SuggestionStatus Status, DateTime CreatedAt, string? DecidedBy, DateTime? DecidedAt, string? Note, long? DeclarationId);

/// <summary>A report 112 issued for a territory: when, by whom, and the levels as they were.</summary>
internal sealed record IssuedReport(Guid Id, string TerritoryKato, string IssuedBy, DateTime IssuedAt, IReadOnlyDictionary<SituationDomain, SituationLevel> Levels);

/// <summary>The summary 112 sends (Rules §5.2): levels, what changed since the last report, active warnings, silent feeds, open suggestions.</summary>
internal sealed record SituationReport(string TerritoryKato, DateTime GeneratedAt, DateTime Since, IssuedReport? LastReport, TerritorySituation Situation,
    IReadOnlyList<SituationChange> Changes, IReadOnlyList<Monitoring.Warning> ActiveWarnings, IReadOnlyList<Monitoring.Earthquake> Earthquakes,
    IReadOnlyList<Monitoring.Feed> SilentFeeds, IReadOnlyList<RegimeSuggestion> PendingSuggestions);

/// <summary>One level change, read back from the SITUATION_CHANGED events.</summary>
internal sealed record SituationChange(long EventId, string TerritoryKato, SituationDomain Domain, SituationLevel From, SituationLevel To, DateTime At);
