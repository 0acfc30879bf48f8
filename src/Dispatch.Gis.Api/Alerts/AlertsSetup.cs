using Dispatch.Gis.Scheduling;

namespace Dispatch.Gis.Alerts;

internal static class AlertsSetup
{
    public const string WebhookClient = "alert-webhooks";

    /// <summary>Standing alert subscriptions: the matcher on every instance, webhook delivery as a clustered job.</summary>
    public static IServiceCollection AddDispatchAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section)
            .Validate(o => o.MatchBatch > 0 && o.MatcherSafetyPoll > TimeSpan.Zero && o.WebhookInterval > TimeSpan.Zero && o.WebhookTimeout > TimeSpan.Zero
                    && o.WebhookMaxAttempts > 0 && o.WebhookBaseBackoff > TimeSpan.Zero && o.WebhookMaxBackoff >= o.WebhookBaseBackoff && o.WebhookBatch > 0
                    && o.MaxSubscriptionsPerService > 0 && o.WebhookParallelism > 0,
                $"{AlertOptions.Section}: counts and durations must be positive, WebhookMaxBackoff at least WebhookBaseBackoff")
            .ValidateOnStart();
        services.AddHostedService<AlertMatcher>();
        services.AddHttpClient(WebhookClient, client =>
        {
            // Each attempt has its own timeout (DeliverWebhooksJob).
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Dispatch.Gis-alerts/1.0");
        }).ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Http.OutboundTrust>().Apply(new SocketsHttpHandler { AllowAutoRedirect = false }));
        var options = configuration.GetSection(AlertOptions.Section).Get<AlertOptions>() ?? new AlertOptions();
        services.AddServiceJob<DeliverWebhooksJob>(DeliverWebhooksJob.Name, options.WebhookInterval,
            "POSTs due inbox entries to their subscriptions' webhooks, in order per subscription, with backoff; marks those that keep failing FAILING.",
            recover: true);
        return services;
    }
}
