using System.Text.Json.Serialization;

namespace Dispatch.Gis.Monitoring;

internal enum FeedFormat
{
    /// <summary>USGS / EMSC GeoJSON: a FeatureCollection of earthquakes.</summary>
    GeojsonQuakes,

    /// <summary>Header-mapped rows: station code, time, parameter, value, unit.</summary>
    Csv,

    /// <summary>An array of records read with JSON pointers.</summary>
    Json,

    /// <summary>CAP 1.2 alerts: one alert, or a feed (Atom or any container) of them.</summary>
    Cap,

    /// <summary>Not fetched: sensor accounts push with reportObservations.</summary>
    Push,
}

/// <summary>
/// How to read a CSV or JSON feed: column names (CSV) or JSON pointers relative to a record (JSON) for each field,
/// or a fixed parameter and unit when the whole feed is one quantity; times without an offset are in <see cref="TimeZone"/>.
/// </summary>
internal sealed record FeedMapping(
    string? Records = null,
    string? Station = null,
    string? Time = null,
    string? Parameter = null,
    string? Value = null,
    string? Unit = null,
    string? FixedParameter = null,
    string? FixedUnit = null,
    string? Delimiter = null,
    string? TimeZone = null)
{
    public static readonly FeedMapping Empty = new();

    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The offset of local times, "+05:00" (Kazakhstan's single zone since 1 March 2024) or "Z"; UTC when absent.</summary>
    [JsonIgnore]
    public TimeSpan Offset => TimeZone is null or "Z" or "UTC" ? TimeSpan.Zero
        : TimeSpan.Parse(TimeZone.TrimStart('+', '-'), System.Globalization.CultureInfo.InvariantCulture) * (TimeZone.StartsWith('-') ? -1 : 1);
}

internal sealed record Feed(Guid Id, string Code, string Name, FeedFormat Format, string? Url, int? IntervalSeconds, int TimeoutSeconds, int SourceCrs,
    FeedMapping Mapping, int SilenceSeconds, int RetryAttempts, int RetryBackoffSeconds, string? TerritoryKato, bool Enabled, DateTime UpdatedAt)
{
    /// <summary>The scheduler's job for this feed; also the job name in the ledger.</summary>
    public string JobName => FeedSchedule.JobName(Code);
}

internal enum FeedHealthState
{
    /// <summary>Enabled, never run yet.</summary>
    Waiting,
    Ok,

    /// <summary>The last run failed.</summary>
    Failing,

    /// <summary>Nothing new arrived within the silence window (FEED_SILENT).</summary>
    Silent,
    Disabled,
}

internal sealed record FeedHealth(Guid FeedId, DateTime WatchedFrom, DateTime? LastPolledAt, DateTime? LastSuccessAt, DateTime? LastErrorAt, string? LastError,
    int ConsecutiveFailures, DateTime? LastNewDataAt, DateTime? NewestObservedAt, DateTime? SilentSince, bool Enabled)
{
    public FeedHealthState State => !Enabled ? FeedHealthState.Disabled
        : SilentSince is not null ? FeedHealthState.Silent
        : ConsecutiveFailures > 0 ? FeedHealthState.Failing
        : LastPolledAt is null && LastNewDataAt is null ? FeedHealthState.Waiting
        : FeedHealthState.Ok;
}

internal enum FeedRunOutcome
{
    Succeeded,
    Failed,
}

internal sealed record FeedRun(long Id, Guid FeedId, long? JobRunId, string Actor, int Attempt, DateTime StartedAt, DateTime EndedAt, FeedRunOutcome Outcome,
    int? HttpStatus, long? Bytes, int Received, int Stored, int Duplicates, int Updated, int Rejected, DateTime? NewestObservedAt, string? Error);

/// <summary>A row a run refused: where it was in the payload and why.</summary>
internal sealed record Rejection(int? Line, string? Pointer, string Reason, string? Raw);
