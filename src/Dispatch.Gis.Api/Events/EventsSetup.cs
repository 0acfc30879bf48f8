namespace Dispatch.Gis.Events;

internal static class EventsSetup
{
    public static IServiceCollection AddDispatchEvents(this IServiceCollection services)
    {
        services.AddOptions<EventOptions>().BindConfiguration("Dispatch:Events")
            .Validate(o => o.SubscriberQueueCapacity > 0, "Dispatch:Events:SubscriberQueueCapacity must be positive")
            .ValidateOnStart();
        services.AddOptions<SubscriberBufferOptions>().BindConfiguration("Dispatch:Events")
            .Validate(o => o.SubscriberBufferBytes >= 64 * 1024, "Dispatch:Events:SubscriberBufferBytes must be at least 65536")
            .ValidateOnStart();
        services.AddSingleton<EventHub>();
        services.AddSingleton<EventListener>();
        services.AddHostedService(sp => sp.GetRequiredService<EventListener>());
        services.AddHealthChecks().AddCheck<EventListenerReadyCheck>("eventListener", tags: ["ready"]);
        return services;
    }
}
