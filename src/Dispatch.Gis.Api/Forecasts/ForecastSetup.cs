using Dispatch.Gis.Forecasts.Models;

namespace Dispatch.Gis.Forecasts;

internal static class ForecastSetup
{
    /// <summary>The forecast models, the computation and its one-shot jobs on the cluster's scheduler.</summary>
    public static IServiceCollection AddDispatchForecasts(this IServiceCollection services)
    {
        services.AddSingleton(_ => ChemicalReleaseModel.Load(ChemicalReleaseModel.DefaultDirectory));
        services.AddSingleton<ForecastRunner>();
        services.AddSingleton<ForecastSchedule>();
        services.AddSingleton<ForecastLoaders>();
        services.AddTransient<ComputeForecastJob>();
        return services;
    }
}
