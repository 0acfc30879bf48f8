using System.Security.Cryptography;
using System.Text;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Dispatch.Gis.Alerts;

/// <summary>
/// POSTs inbox entries to webhooks: per subscription in inbox order, stopping at the first failure so nothing overtakes
/// it; an entry is marked delivered only after a 2xx, so a run that dies mid-way sends it again (at-least-once — the
/// Idempotency-Key header lets the receiver drop the repeat). A failure backs off exponentially; after
/// WebhookMaxAttempts in a row the subscription is FAILING (an event tells 112) and is retried at the longest backoff
/// until it succeeds, which makes it ACTIVE again. Up to WebhookParallelism webhooks are served at once, each claimed
/// (<see cref="AlertWebhookDb"/>) while its POSTs are in flight, so one slow receiver holds up neither the others nor
/// anything written meanwhile.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DeliverWebhooksJob(NpgsqlDataSource db, IHttpClientFactory http, Events.EventHub hub, IOptions<AlertOptions> options,
    ILogger<DeliverWebhooksJob> logger)
    : DispatchJob(db, logger)
{
    public const string Name = "DeliverWebhooks";
    public const string SignatureHeader = "X-Dispatch-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    private static readonly IReadOnlySet<string> RecordedKinds = new HashSet<string>(StringComparer.Ordinal) { AlertStreams.RecordedKind };

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var o = options.Value;
        var client = http.CreateClient(AlertsSetup.WebhookClient);
        var pass = new WebhookPass();
        var sent = 0;
        var served = 0;
        await Task.WhenAll(Enumerable.Range(0, o.WebhookParallelism).Select(async _ =>
        {
            await using var claims = await Db.OpenConnectionAsync(ct);
            // Only a wake-up, on every instance (the matcher's ALERTS_RECORDED come through LISTEN/NOTIFY): new entries
            // reach an idle worker of a run that is still going at once, not at the next interval.
            using var recorded = hub.Subscribe(new Events.EventFilter(RecordedKinds, Auth.TerritoryScope.All), 1);
            while (!ct.IsCancellationRequested)
            {
                recorded.Drain();
                if (await AlertWebhookDb.ClaimDueAsync(claims, pass, o.WebhookBatch, ct) is { } due)
                {
                    try
                    {
                        var delivered = await DeliverAsync(context, client, due, o, ct);
                        Interlocked.Add(ref sent, delivered);
                        Interlocked.Increment(ref served);
                        Hosting.DispatchMetrics.WebhookAlertsDelivered(delivered);
                    }
                    finally
                    {
                        // Let go in the run first: a release that fails must not leave the other workers waiting for it.
                        pass.Let(due.Subscription);
                        await AlertWebhookDb.ReleaseAsync(claims, due.Subscription);
                    }

                    continue;
                }

                // The run lasts while one of its POSTs is in flight (no next run starts before it ends), so an idle worker
                // keeps serving what becomes due meanwhile instead of leaving it to wait for a slow receiver.
                if (!pass.AnyClaimed)
                {
                    break;
                }

                await recorded.WaitAsync(o.WebhookInterval, ct);
                pass.Next();
            }
        }));

        return new JobResult(sent, $"{sent} alert(s) delivered to {served} webhook(s)");
    }

    /// <summary>Sends the claimed entries in order until one fails, then records the outcome in one short unit of work.</summary>
    private async Task<int> DeliverAsync(IJobExecutionContext context, HttpClient client, DueWebhook due, AlertOptions o, CancellationToken ct)
    {
        var delivered = new List<Guid>();
        int? status = null;
        WebhookFailure? failure = null;
        foreach (var (entry, json) in due.Entries)
        {
            var (ok, code, error) = await PostAsync(client, due, entry, json, o.WebhookTimeout, ct);
            status = code;
            if (ok)
            {
                delivered.Add(entry);
                continue;
            }

            var attempts = due.Attempts + 1;
            var retryIn = Backoff(attempts, o);
            Logger.LogWarning("Webhook of alert subscription {Subscription} failed (attempt {Attempt}): {Error}; next in {RetryIn}",
                due.Subscription, attempts, error, retryIn);
            failure = new WebhookFailure(code, error, retryIn, attempts >= o.WebhookMaxAttempts);
            break;
        }

        await UnitOfWork.RunAsync(Db, Origin(context), w => AlertWebhookDb.RecordAsync(w, due, delivered, status, failure, ct), ct);
        return delivered.Count;
    }

    public static TimeSpan Backoff(int attempts, AlertOptions o) =>
        TimeSpan.FromTicks(Math.Min(o.WebhookMaxBackoff.Ticks, o.WebhookBaseBackoff.Ticks * (1L << Math.Min(attempts - 1, 30))));

    /// <summary>sha256=hex(HMAC-SHA256(key = the secret's UTF-8 bytes, message = the body's bytes)).</summary>
    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static async Task<(bool Ok, int? Status, string Error)> PostAsync(HttpClient client, DueWebhook due, Guid entry, string json, TimeSpan timeout,
        CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, due.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Signature(due.Secret, body));
        request.Headers.Add(IdempotencyHeader, entry.ToString());
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            return response.IsSuccessStatusCode ? (true, (int)response.StatusCode, "") : (false, (int)response.StatusCode, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return (false, null, Http.OutboundTrust.Describe(ex));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
