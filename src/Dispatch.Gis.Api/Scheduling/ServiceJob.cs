using Quartz;

namespace Dispatch.Gis.Scheduling;

/// <summary>
/// A job the service always runs on a fixed interval (upkeep, sweeps, watches), declared by the feature it belongs
/// to with <see cref="SchedulingSetup.AddServiceJob{TJob}"/>. Feeds and forecasts schedule their own triggers.
/// </summary>
/// <param name="Recover">Re-run on another instance when the instance running it dies mid-run (the job must be idempotent).</param>
internal sealed record ServiceJob(JobKey Key, Type JobType, TimeSpan Interval, bool Recover, string Description);
