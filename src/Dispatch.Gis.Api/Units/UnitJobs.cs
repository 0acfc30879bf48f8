using Dispatch.Gis.Scheduling;

namespace Dispatch.Gis.Units;

internal static class UnitJobs
{
    /// <summary>The units' upkeep on the cluster's scheduler: track partitions and retention hourly, the stale-AVL sweep.</summary>
    public static IServiceCollection AddDispatchUnitJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var sweep = configuration.GetValue($"{UnitOptions.Section}:StaleSweepInterval", TimeSpan.FromSeconds(30));
        services.AddServiceJob<MaintainTrackPartitionsJob>(MaintainTrackPartitionsJob.Name, TimeSpan.FromHours(1),
            "Creates the coming days' unit_track partitions and drops those past the track retention.");
        services.AddServiceJob<SweepStaleUnitsJob>(SweepStaleUnitsJob.Name, sweep,
            "Announces units whose AVL fell silent (UNIT_POSITION_STALE) and those that report again (UNIT_POSITION_RESUMED).");
        return services;
    }
}
