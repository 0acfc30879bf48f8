namespace Dispatch.Gis.Scheduling;

internal enum JobOutcome
{
    Running,
    Succeeded,
    Failed,
    Interrupted,
}

/// <summary>One run of a job, as the ledger records it.</summary>
internal sealed record JobRun(long Id, string Job, string FireInstanceId, string Instance, DateTime? ScheduledFor, DateTime StartedAt, DateTime? EndedAt,
    JobOutcome Outcome, long? Rows, string? Detail, string? Error, bool Recovering);

/// <summary>What a run did: rows written (or read, for a watch), and a line for the operator.</summary>
internal sealed record JobResult(long Rows, string? Detail = null);
