using System.Text.Json;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Monitoring;

/// <summary>A level's threshold: the value at or above which a reading has that level, and where the value comes from.</summary>
internal sealed record LevelThreshold(SituationLevel Level, double Value, string? Label, string? Citation, bool Verified, string Source,
    DateOnly? ValidFrom = null);

/// <summary>What a parameter is, in which units it may arrive, what values are physically possible, and its national ladder.</summary>
internal sealed record ParameterRule(string Code, string Name, SituationDomain Domain, string Unit, IReadOnlyDictionary<string, double> Units,
    double Min, double Max, TimeSpan FreshFor, IReadOnlyList<LevelThreshold> Ladder)
{
    /// <summary>The factor that brings a value in <paramref name="unit"/> to <see cref="Unit"/>; null for a unit of another quantity.</summary>
    public double? Factor(string unit) => Units.TryGetValue(unit.Trim(), out var factor) ? factor : null;
}

internal sealed record QuakeRule(SituationLevel Level, double MinMagnitude, double WithinKm, string Citation, bool Verified);

internal sealed record WarningRules(IReadOnlyDictionary<string, SituationDomain> Categories, IReadOnlyDictionary<string, SituationLevel> Severities,
    IReadOnlySet<string> IgnoredCertainties, string Citation, bool Verified);

/// <summary>A hydro post's dated level from the file, for a station registered under that code.</summary>
internal sealed record PostLevel(string Station, string Parameter, LevelThreshold Threshold);

/// <summary>
/// data/monitoring/thresholds.json (versioned, every row cited or marked unverified): units, physical ranges and
/// national ladders per parameter, hydro posts' own dated levels, earthquake and storm-warning rules. A reading is
/// judged against its station's own levels in force at its time when the station has any for the parameter (a danger
/// level is set per post), else against the national ladder.
/// </summary>
internal sealed class MonitoringRules
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public required string Version { get; init; }
    public required IReadOnlyDictionary<string, ParameterRule> Parameters { get; init; }
    public required IReadOnlyList<PostLevel> PostLevels { get; init; }
    public required IReadOnlyList<QuakeRule> QuakeRules { get; init; }
    public required (double Min, double Max) MagnitudeRange { get; init; }
    public required (double Min, double Max) DepthRangeKm { get; init; }
    public required TimeSpan QuakeFreshFor { get; init; }
    public required WarningRules Warnings { get; init; }

    public string FileSource => $"thresholds.json {Version}";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "monitoring", "thresholds.json");

    public ParameterRule? Parameter(string code) => Parameters.TryGetValue(code, out var rule) ? rule : null;

    /// <summary>The widest distance any earthquake rule looks at, for the spatial prefilter.</summary>
    public double MaxQuakeKm => QuakeRules.Count == 0 ? 0 : QuakeRules.Max(r => r.WithinKm);

    /// <summary>
    /// The level of a reading (already in the parameter's unit) observed on <paramref name="day"/>: against the
    /// station's own levels in force that day (for each level the row with the latest valid_from not after it) when it
    /// has any, else the national ladder. Returns the threshold that set it, null for NORMAL.
    /// </summary>
    public static LevelThreshold? Judge(ParameterRule rule, double value, IReadOnlyList<LevelThreshold>? stationLevels, DateOnly day) =>
        Judge(Ladder(rule, stationLevels, day), value);

    /// <summary>The ladder a reading of that day is judged by (see <see cref="Judge(ParameterRule, double, IReadOnlyList{LevelThreshold}?, DateOnly)"/>); the same for every reading of a station, parameter and day.</summary>
    public static IReadOnlyList<LevelThreshold> Ladder(ParameterRule rule, IReadOnlyList<LevelThreshold>? stationLevels, DateOnly day)
    {
        if (stationLevels is { Count: > 0 })
        {
            var inForce = InForce(stationLevels, day);
            if (inForce.Count > 0)
            {
                return inForce;
            }
        }

        return rule.Ladder;
    }

    public static LevelThreshold? Judge(IReadOnlyList<LevelThreshold> ladder, double value)
    {
        LevelThreshold? met = null;
        for (var i = 0; i < ladder.Count; i++)
        {
            var step = ladder[i];
            if (value >= step.Value && (met is null || step.Level > met.Level))
            {
                met = step;
            }
        }

        return met;
    }

    private static List<LevelThreshold> InForce(IReadOnlyList<LevelThreshold> levels, DateOnly day)
    {
        var chosen = new List<LevelThreshold>(3);
        foreach (var level in levels)
        {
            if (level.ValidFrom is { } from && from > day)
            {
                continue;
            }

            var same = chosen.FindIndex(c => c.Level == level.Level);
            if (same < 0)
            {
                chosen.Add(level);
            }
            else if ((level.ValidFrom ?? DateOnly.MinValue) > (chosen[same].ValidFrom ?? DateOnly.MinValue))
            {
                chosen[same] = level;
            }
        }

        return chosen;
    }

    public SituationLevel QuakeLevel(double magnitude, double distanceKm, out QuakeRule? rule)
    {
        rule = null;
        foreach (var r in QuakeRules)
        {
            if (magnitude >= r.MinMagnitude && distanceKm <= r.WithinKm && (rule is null || r.Level > rule.Level))
            {
                rule = r;
            }
        }

        return rule?.Level ?? SituationLevel.Normal;
    }

    public static MonitoringRules Load(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<RulesFile>(stream, Options) ?? throw new InvalidDataException($"{path} is empty");
        var source = $"thresholds.json {file.Version}";
        var parameters = new Dictionary<string, ParameterRule>(StringComparer.Ordinal);
        foreach (var p in file.Parameters)
        {
            if (p.Range is not [var min, var max] || min >= max || !p.Units.ContainsKey(p.Unit))
            {
                throw new InvalidDataException($"{path}: parameter {p.Code} needs a range [min, max] and its own unit among its units");
            }

            var ladder = (p.Ladder ?? []).Select(s => new LevelThreshold(Level(s.Level), s.AtLeast, s.Label, s.Citation, s.Verified, source)).ToList();
            if (p.Limit is { } limit)
            {
                ladder.AddRange(file.AirLadder.Steps.Select(s => new LevelThreshold(Level(s.Level), limit.Value * s.TimesLimit,
                    $"{s.Label}: {s.TimesLimit} × {limit.Label}", limit.Citation, limit.Verified && s.Verified, source)));
            }

            parameters[p.Code] = new ParameterRule(p.Code, p.Name, DbEnum.Parse<SituationDomain>(p.Domain), p.Unit, p.Units, min, max,
                TimeSpan.FromHours(p.FreshForHours), ladder);
        }

        var posts = file.PostLevels.Select(l => parameters.ContainsKey(l.Parameter)
            ? new PostLevel(l.Station, l.Parameter, new LevelThreshold(Level(l.Level), l.Value, l.Label, l.Citation, l.Verified, source, l.ValidFrom))
            : throw new InvalidDataException($"{path}: post level of {l.Station} names unknown parameter {l.Parameter}")).ToList();
        var quakes = file.Earthquakes;
        var warnings = file.Warnings;
        return new MonitoringRules
        {
            Version = file.Version,
            Parameters = parameters,
            PostLevels = posts,
            QuakeRules = quakes.Rules.Select(r => new QuakeRule(Level(r.Level), r.MinMagnitude, r.WithinKm, r.Citation, r.Verified)).ToList(),
            MagnitudeRange = (quakes.MagnitudeRange[0], quakes.MagnitudeRange[1]),
            DepthRangeKm = (quakes.DepthRangeKm[0], quakes.DepthRangeKm[1]),
            QuakeFreshFor = TimeSpan.FromHours(quakes.FreshForHours),
            Warnings = new WarningRules(
                warnings.Categories.ToDictionary(c => c.Key, c => DbEnum.Parse<SituationDomain>(c.Value), StringComparer.OrdinalIgnoreCase),
                warnings.Severities.ToDictionary(s => s.Key, s => DbEnum.Parse<SituationLevel>(s.Value), StringComparer.OrdinalIgnoreCase),
                warnings.IgnoredCertainties.ToHashSet(StringComparer.OrdinalIgnoreCase), warnings.Citation, warnings.Verified),
        };
    }

    private static SituationLevel Level(string text) => DbEnum.Parse<SituationLevel>(text);

    private sealed record RulesFile(string Version, List<ParameterFile> Parameters, AirLadderFile AirLadder, List<PostLevelFile> PostLevels,
        QuakeFile Earthquakes, WarningFile Warnings);

    private sealed record ParameterFile(string Code, string Name, string Domain, string Unit, Dictionary<string, double> Units, double[] Range,
        double FreshForHours, List<StepFile>? Ladder, LimitFile? Limit);

    private sealed record StepFile(string Level, double AtLeast, string? Label, string? Citation, bool Verified);

    private sealed record LimitFile(double Value, string Label, string? Citation, bool Verified);

    private sealed record AirLadderFile(List<AirStepFile> Steps);

    private sealed record AirStepFile(string Level, double TimesLimit, string Label, bool Verified);

    private sealed record PostLevelFile(string Station, string Parameter, string Level, double Value, string? Label, DateOnly ValidFrom, string? Citation, bool Verified);

    private sealed record QuakeFile(double[] MagnitudeRange, double[] DepthRangeKm, double FreshForHours, List<QuakeRuleFile> Rules);

    private sealed record QuakeRuleFile(string Level, double MinMagnitude, double WithinKm, string Citation, bool Verified);

    private sealed record WarningFile(Dictionary<string, string> Categories, Dictionary<string, string> Severities, List<string> IgnoredCertainties,
        string Citation, bool Verified);
}
