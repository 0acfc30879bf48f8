namespace Dispatch.Gis.Alerts;

internal sealed class AlertOptions
{
    public const string Section = "Dispatch:Alerts";

    /// <summary>Plain-http webhooks to 127.0.0.1 / localhost / ::1, for tests and local development only.</summary>
    public bool AllowLoopbackHttpWebhooks { get; set; }

    public int MaxSubscriptionsPerService { get; set; } = 100;

    public int MatchBatch { get; set; } = 500;

    public TimeSpan MatcherSafetyPoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the delivery job looks for webhook entries due.</summary>
    public TimeSpan WebhookInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failed attempts in a row after which the subscription is FAILING (delivery goes on at <see cref="WebhookMaxBackoff"/>).</summary>
    public int WebhookMaxAttempts { get; set; } = 8;

    public TimeSpan WebhookBaseBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan WebhookMaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    public int WebhookBatch { get; set; } = 50;

    /// <summary>Webhooks one delivery run serves at once (each on a connection of its own while its POSTs are in flight).</summary>
    public int WebhookParallelism { get; set; } = 4;
}
