namespace Dispatch.Gis.Statistics;

internal sealed record IntervalStats(long Count, double? AverageSeconds, double? MedianSeconds);

/// <summary>Response figures for deployments of incidents received in a period; the norm is arrival counted from the call.</summary>
internal sealed record ResponseStats(long Deployments, IntervalStats ReceivedToDispatched, IntervalStats DispatchedToArrived, IntervalStats ReceivedToArrived,
    long? WithinNorm, double? ShareWithinNorm);
