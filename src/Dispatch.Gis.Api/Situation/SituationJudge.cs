using System.Globalization;
using Dispatch.Gis.Regimes;

namespace Dispatch.Gis.Situation;

internal sealed record TerritoryRef(string Kato, bool IsRegion, string? Parent, string Name)
{
    public string Region => Parent ?? Kato;
}

/// <summary>
/// The decisions of judging, apart from the SQL that feeds them so they are tested on their own: a domain's level
/// is the highest of its evidence; which territory a change is announced for; which territory a regime suggestion is for.
/// </summary>
internal static class SituationJudge
{
    /// <summary>Evidence kept per domain and territory, the weightiest first: enough to say why, not a data dump.</summary>
    public const int MaxEvidence = 20;

    public static (SituationLevel Level, List<Evidence> Evidence) Judge(IEnumerable<Evidence> evidence)
    {
        var kept = evidence.Where(e => e.Level > SituationLevel.Normal)
            .DistinctBy(e => (e.Kind, e.StationCode, e.Parameter, e.EarthquakeId, e.WarningId))
            .OrderByDescending(e => e.Level).ThenByDescending(e => e.At).ThenBy(e => e.Summary, StringComparer.Ordinal)
            .Take(MaxEvidence).ToList();
        return (kept.Count == 0 ? SituationLevel.Normal : kept[0].Level, kept);
    }

    /// <summary>
    /// The territories a set of level changes (in one domain) is announced for, so partners get one update per
    /// change and not one per district and another for the region: a region with two or more changed districts is
    /// announced once for the region (which reaches every district's partners); a lone changed district for itself;
    /// a region that changed with no district of it, for itself.
    /// </summary>
    public static List<string> AnnounceFor(IReadOnlyCollection<TerritoryRef> changed)
    {
        var targets = new List<string>();
        foreach (var region in changed.GroupBy(t => t.Region))
        {
            var districts = region.Where(t => !t.IsRegion).Select(t => t.Kato).ToList();
            var regionChanged = region.Any(t => t.IsRegion);
            if (districts.Count >= 2 && regionChanged)
            {
                targets.Add(region.Key);
            }
            else if (districts.Count > 0)
            {
                targets.AddRange(districts);
            }
            else if (regionChanged)
            {
                targets.Add(region.Key);
            }
        }

        return targets;
    }

    /// <summary>
    /// The smallest territory that covers a region's qualifying evidence: its one qualifying district, else the
    /// region itself (two or more districts, or evidence of the region as a whole); null when nothing qualifies.
    /// </summary>
    public static string? SuggestionTarget(string region, bool regionQualifies, IReadOnlyList<string> qualifyingDistricts) =>
        qualifyingDistricts.Count == 1 ? qualifyingDistricts[0]
        : qualifyingDistricts.Count >= 2 || regionQualifies ? region
        : null;

    public static Regime? RegimeFor(SituationLevel level, SituationLevel highReadinessAt, SituationLevel emergencyAt) =>
        level >= emergencyAt ? Regime.Emergency : level >= highReadinessAt ? Regime.HighReadiness : null;

    /// <summary>The text partners receive with a level change (the situation-update flow carries free text).</summary>
    public static string UpdateText(TerritoryRef territory, SituationDomain domain, SituationLevel from, SituationLevel to, IReadOnlyList<Evidence> evidence)
    {
        var head = string.Create(CultureInfo.InvariantCulture,
            $"Monitoring: {Storage.DbEnum.Text(domain)} situation {Storage.DbEnum.Text(from)} → {Storage.DbEnum.Text(to)} in {territory.Name} ({territory.Kato}).");
        var why = evidence.Take(3).Select(e => e.Summary).ToList();
        return why.Count == 0 ? head + " No evidence above normal remains." : head + " " + string.Join(" ", why);
    }
}
