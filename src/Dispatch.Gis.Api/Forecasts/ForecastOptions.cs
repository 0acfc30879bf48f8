namespace Dispatch.Gis.Forecasts;

internal sealed class ForecastOptions
{
    public const string Section = "Dispatch:Forecasts";

    /// <summary>How often every active forecast is computed again (a no-op when its inputs have not changed).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after it was asked for a forecast stays active (refreshed, recomputed on changes), unless cancelled or its incident closed.</summary>
    public TimeSpan ActiveFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The input watcher looks again this often even without an event to wake it.</summary>
    public TimeSpan WatchSafetyPoll { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A recomputation asked for and not taken by a computation within this time is asked for again (its trigger was lost).</summary>
    public TimeSpan RequestLostAfter { get; set; } = TimeSpan.FromSeconds(60);
}
