namespace Dispatch.Gis.Scheduling;

/// <summary>The clustered Quartz scheduler (section "Dispatch:Scheduling").</summary>
internal sealed class SchedulingOptions
{
    public const string Section = "Dispatch:Scheduling";

    /// <summary>Off only for tools and tests that must not run jobs; the service's upkeep and ingestion live here.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The cluster's name (Quartz SCHED_NAME): every instance on one database must share it, and nothing else may.</summary>
    public string InstanceName { get; set; } = "dispatch-gis";

    /// <summary>
    /// How often an instance records that it is alive. A peer that has not checked in for about twice this (plus
    /// the same again as a threshold) is taken to be dead and its triggers and recoverable jobs are taken over.
    /// </summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Jobs one instance runs at once; its scheduler's own pool holds this plus 3 connections.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>A firing later than this is a misfire and follows the trigger's misfire rule (skip to the next interval).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);
}
