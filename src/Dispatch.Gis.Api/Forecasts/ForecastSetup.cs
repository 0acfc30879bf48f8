using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Scheduling;

namespace Dispatch.Gis.Forecasts;

internal static class ForecastSetup
{
    /// <summary>
    /// The forecast models, the computation and its one-shot jobs on the cluster's scheduler, the input watcher on every
    /// instance and the periodic refresh as a clustered service job.
    /// </summary>
    public static IServiceCollection AddDispatchForecasts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ForecastOptions>().BindConfiguration(ForecastOptions.Section)
            .Validate(o => o.RefreshInterval > TimeSpan.Zero && o.ActiveFor > TimeSpan.Zero && o.WatchSafetyPoll > TimeSpan.Zero && o.RequestLostAfter > TimeSpan.Zero,
                $"{ForecastOptions.Section}: durations must be positive")
            .ValidateOnStart();
        var options = configuration.GetSection(ForecastOptions.Section).Get<ForecastOptions>() ?? new ForecastOptions();
        services.AddSingleton(_ => ChemicalReleaseModel.Load(ChemicalReleaseModel.DefaultDirectory));
        services.AddSingleton<ForecastWarningDraft>();
        services.AddSingleton(_ => new DamBreakModel(BreachWaveTable.Load(BreachWaveTable.DefaultPath)));
        services.AddSingleton<IForecastStep, ChemicalReleaseStep>();
        services.AddSingleton<IForecastStep, DamBreakStep>();
        services.AddSingleton<IForecastStep, GaussianPlumeStep>();
        services.AddSingleton<IForecastStep, FloodByLevelStep>();
        services.AddSingleton<DamBreakMutations>();
        services.AddSingleton<InundationLevelMutations>();
        services.AddSingleton<ForecastRunner>();
        services.AddSingleton<ForecastSchedule>();
        services.AddSingleton<ForecastLoaders>();
        services.AddTransient<ComputeForecastJob>();
        services.AddSingleton<ForecastInputWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ForecastInputWatcher>());
        services.AddServiceJob<RefreshForecastsJob>(RefreshForecastsJob.Name, options.RefreshInterval,
            "Puts a computation of every live forecast on the scheduler; one whose inputs have not changed keeps its version.", recover: true);
        return services;
    }
}
