using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Dispatch.Gis.Events;

namespace Dispatch.Gis.Hosting;

/// <summary>
/// The service's own instruments (meter "Dispatch.Gis"), exported with ASP.NET Core's and Npgsql's at /metrics.
/// Static, like an ActivitySource, so a code point records with one line and no constructor changes. Every tag
/// takes its values from a closed set (operation and job names from the schema and the scheduler, outcome and error
/// codes, feed codes an administrator registers), never from a client's free text.
/// </summary>
internal static class DispatchMetrics
{
    public const string MeterName = "Dispatch.Gis";
    private static readonly Meter Meter = new(MeterName);
    private static readonly ConditionalWeakTable<EventHub, object> Hubs = [];
    private static readonly ConcurrentDictionary<string, DateTime> NewestReading = new(StringComparer.Ordinal);

    // Seconds, so the SDK's default buckets (milliseconds, 0 to 10,000) would put every request in the first two.
    private static readonly double[] RequestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] JobBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram("dispatch.graphql.request.duration", "s",
        "GraphQL requests and WebSocket operations, by operation (type and first root field) and outcome (ok or the first error code)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });

    private static readonly Counter<long> Positions = Meter.CreateCounter<long>("dispatch.positions", "{fix}", "AVL fixes received, by outcome (stored, duplicate)");

    private static readonly Counter<long> Observations = Meter.CreateCounter<long>("dispatch.observations", "{reading}",
        "monitoring readings ingested, by feed and outcome (stored, updated, duplicate, rejected)");

    private static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("dispatch.events.appended", "{event}", "events committed to the log, by kind");

    private static readonly Counter<long> EventsDelivered = Meter.CreateCounter<long>("dispatch.events.delivered", "{event}",
        "events handed to this instance's subscribers (live or replayed)");

    private static readonly Counter<long> Overflows = Meter.CreateCounter<long>("dispatch.subscribers.overflows", "{overflow}",
        "times a subscriber's queue had no room and it switched to catching up from the log");

    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("dispatch.jobs.runs", "{run}", "scheduled job runs on this instance, by job and outcome");

    private static readonly Histogram<double> JobDuration = Meter.CreateHistogram("dispatch.jobs.duration", "s", "scheduled job run time, by job and outcome",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobBuckets });

    private static readonly Counter<long> WebhooksDelivered = Meter.CreateCounter<long>("dispatch.webhooks.delivered", "{alert}", "alerts a webhook receiver accepted (2xx)");

    static DispatchMetrics()
    {
        Meter.CreateObservableGauge("dispatch.subscribers", () => Hubs.Sum(h => (long)h.Key.SubscriberCount), "{subscriber}", "open event subscribers on this instance");
        Meter.CreateObservableGauge("dispatch.subscribers.queued", () => Hubs.Sum(h => h.Key.QueuedEvents), "{event}",
            "events waiting in this instance's subscriber queues");
        Meter.CreateObservableGauge("dispatch.feed.lag", ObserveFeedLag, "s", "age of the newest reading this instance ingested, by feed");
    }

    /// <summary>Counts a hub's subscribers and queues in the gauges for as long as the hub lives.</summary>
    public static void Observe(EventHub hub) => Hubs.AddOrUpdate(hub, hub);

    public static void Request(string operation, string outcome, TimeSpan elapsed) =>
        RequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    public static void PositionsReported(int received, int stored)
    {
        Positions.Add(stored, new KeyValuePair<string, object?>("outcome", "stored"));
        Positions.Add(received - stored, new KeyValuePair<string, object?>("outcome", "duplicate"));
    }

    public static void ObservationsIngested(string feed, int stored, int updated, int duplicates, int rejected, DateTime? newestObservedAt)
    {
        var tag = new KeyValuePair<string, object?>("feed", feed);
        Observations.Add(stored, tag, new KeyValuePair<string, object?>("outcome", "stored"));
        Observations.Add(updated, tag, new KeyValuePair<string, object?>("outcome", "updated"));
        Observations.Add(duplicates, tag, new KeyValuePair<string, object?>("outcome", "duplicate"));
        Observations.Add(rejected, tag, new KeyValuePair<string, object?>("outcome", "rejected"));
        if (newestObservedAt is { } newest)
        {
            NewestReading.AddOrUpdate(feed, newest, (_, seen) => seen > newest ? seen : newest);
        }
    }

    public static void Appended(IEnumerable<string> kinds)
    {
        foreach (var kind in kinds.CountBy(k => k))
        {
            EventsAppended.Add(kind.Value, new KeyValuePair<string, object?>("kind", kind.Key));
        }
    }

    public static void Delivered() => EventsDelivered.Add(1);

    public static void Overflowed() => Overflows.Add(1);

    public static void JobRan(string job, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "job", job }, { "outcome", outcome } };
        JobRuns.Add(1, tags);
        JobDuration.Record(elapsed.TotalSeconds, tags);
    }

    public static void WebhookAlertsDelivered(int alerts) => WebhooksDelivered.Add(alerts);

    private static IEnumerable<Measurement<double>> ObserveFeedLag()
    {
        var now = DateTime.UtcNow;
        return NewestReading.Select(f => new Measurement<double>(Math.Max(0, (now - f.Value).TotalSeconds), new KeyValuePair<string, object?>("feed", f.Key)));
    }
}
