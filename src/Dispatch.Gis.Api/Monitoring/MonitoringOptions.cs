using Dispatch.Gis.Situation;

namespace Dispatch.Gis.Monitoring;

/// <summary>Monitoring ingestion and the situation judged from it (section "Dispatch:Monitoring").</summary>
internal sealed class MonitoringOptions
{
    public const string Section = "Dispatch:Monitoring";

    /// <summary>How far in the future an observation may be stamped before it is refused (clocks of posts drift).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Older observations are refused: a feed replaying a year of history is a fault, not news.</summary>
    public TimeSpan MaxObservationAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Observation partitions (a day each) are dropped once all of the day is older than this.</summary>
    public TimeSpan ObservationRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Feed runs and their quarantined rows are deleted once older than this.</summary>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Quarantined rows kept per run (every one is counted; a broken feed must not fill the disk with copies).</summary>
    public int MaxRejectionsKeptPerRun { get; set; } = 1000;

    /// <summary>Bytes a feed's response may have.</summary>
    public long MaxPayloadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Observations one reportObservations call may carry.</summary>
    public int MaxObservationsPerCall { get; set; } = 10_000;

    /// <summary>"minLon,minLat,maxLon,maxLat": Kazakhstan (46.5–87.3° E, 40.6–55.4° N) and a margin; epicentres and warning areas outside are refused.</summary>
    public string Neighbourhood { get; set; } = "40,35,95,60";

    public double[] NeighbourhoodBox => Neighbourhood.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public TimeSpan SilenceWatchInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often every territory is judged again (warnings expire and readings go stale without any new data).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A level change is sent to the partners its domain routes to (the situation-update flow).</summary>
    public bool SendSituationUpdates { get; set; } = true;

    /// <summary>The level at which a territory gets a suggestion to raise its regime to high readiness.</summary>
    public SituationLevel SuggestHighReadinessAt { get; set; } = SituationLevel.High;

    /// <summary>The level at which a territory gets a suggestion to raise its regime to emergency.</summary>
    public SituationLevel SuggestEmergencyAt { get; set; } = SituationLevel.Critical;

    /// <summary>The feed simulator the demo feeds point at (run.sh starts it there).</summary>
    public string SimulatorUrl { get; set; } = "http://127.0.0.1:5081";

    public bool IsInNeighbourhood(double lon, double lat)
    {
        var box = _box ??= NeighbourhoodBox;
        return lon >= box[0] && lat >= box[1] && lon <= box[2] && lat <= box[3];
    }

    private double[]? _box;
}
