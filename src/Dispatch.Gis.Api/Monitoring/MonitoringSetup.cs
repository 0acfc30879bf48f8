using System.Globalization;
using System.Net;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Situation;

namespace Dispatch.Gis.Monitoring;

internal static class MonitoringSetup
{
    /// <summary>Stations, feeds and their polls, ingestion, the situation judged from it, and their jobs on the cluster's scheduler.</summary>
    public static IServiceCollection AddDispatchMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.Section)
            .Validate(o => o.ClockSkew >= TimeSpan.Zero && o.MaxObservationAge > TimeSpan.Zero && o.ObservationRetention >= o.MaxObservationAge
                    && o.MaxObservationsPerCall > 0 && o.MaxPayloadBytes > 0 && o.SilenceWatchInterval > TimeSpan.Zero && o.EvaluationInterval > TimeSpan.Zero
                    && o.SuggestEmergencyAt >= o.SuggestHighReadinessAt && o.SuggestHighReadinessAt > SituationLevel.Normal && ValidBox(o.Neighbourhood),
                $"{MonitoringOptions.Section}: durations and limits must be positive, ObservationRetention at least MaxObservationAge, " +
                "SuggestEmergencyAt at or above SuggestHighReadinessAt (above NORMAL), Neighbourhood \"minLon,minLat,maxLon,maxLat\"")
            .ValidateOnStart();
        services.AddSingleton(_ => MonitoringRules.Load(MonitoringRules.DefaultPath));
        services.AddHttpClient(FeedFetcher.ClientName, client =>
            {
                // Each feed has its own timeout (FeedFetcher); the client's would cut every feed at the same 100 s.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Dispatch.Gis-feed-poller/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Http.OutboundTrust>().Apply(new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                MaxAutomaticRedirections = 3,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            }));
        services.AddSingleton<FeedFetcher>();
        services.AddSingleton<FeedSchedule>();
        services.AddSingleton<IScheduleContributor>(sp => sp.GetRequiredService<FeedSchedule>());
        services.AddSingleton<ObservationIngest>();
        services.AddSingleton<SituationEvaluator>();
        services.AddSingleton<StationLoaders>();
        services.AddSingleton<FeedLoaders>();
        services.AddSingleton<SituationLevelLoaders>();
        services.AddSingleton<MonitoringDemoLoader>();
        services.AddTransient<PollFeedJob>();

        var options = configuration.GetSection(MonitoringOptions.Section).Get<MonitoringOptions>() ?? new MonitoringOptions();
        services.AddServiceJob<WatchFeedsJob>(WatchFeedsJob.Name, options.SilenceWatchInterval,
            "Announces feeds that delivered nothing new within their window (FEED_SILENT) and those that deliver again (FEED_RECOVERED).");
        services.AddServiceJob<EvaluateSituationJob>(EvaluateSituationJob.Name, options.EvaluationInterval,
            "Judges every territory's situation again (warnings expire, readings go stale), announcing level changes (SITUATION_CHANGED).");
        services.AddServiceJob<MaintainMonitoringStorageJob>(MaintainMonitoringStorageJob.Name, TimeSpan.FromHours(1),
            "Creates the coming days' observation partitions, drops those past the retention, and deletes old feed runs.");
        return services;
    }

    private static bool ValidBox(string text)
    {
        var parts = text.Split(',');
        return parts.Length == 4 && parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }
}
