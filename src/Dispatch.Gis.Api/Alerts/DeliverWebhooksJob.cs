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
/// until it succeeds, which makes it ACTIVE again.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class DeliverWebhooksJob(NpgsqlDataSource db, IHttpClientFactory http, IOptions<AlertOptions> options, ILogger<DeliverWebhooksJob> logger)
    : DispatchJob(db, logger)
{
    public const string Name = "DeliverWebhooks";
    public const string SignatureHeader = "X-Dispatch-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    protected override async Task<JobResult> RunAsync(IJobExecutionContext context, CancellationToken ct)
    {
        var o = options.Value;
        var client = http.CreateClient(AlertsSetup.WebhookClient);
        var done = new List<Guid>();
        var sent = 0;
        // One subscription per unit of work, each at most once per run, so one slow receiver does not hold up the rest for long.
        while (!ct.IsCancellationRequested)
        {
            var outcome = await UnitOfWork.RunAsync(Db, Origin(context), async w =>
            {
                if (await AlertWebhookDb.TakeDueAsync(w, done, o.WebhookBatch, ct) is not { } due)
                {
                    return ((Guid?)null, 0);
                }

                var delivered = new List<Guid>();
                int? status = null;
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
                    if (delivered.Count > 0)
                    {
                        await AlertWebhookDb.MarkDeliveredAsync(w, due, delivered, status, allSent: false, ct);
                    }

                    await AlertWebhookDb.RecordFailureAsync(w, due, retryIn, code, error, attempts >= o.WebhookMaxAttempts, ct);
                    return (due.Subscription, delivered.Count);
                }

                await AlertWebhookDb.MarkDeliveredAsync(w, due, delivered, status, allSent: true, ct);
                return (due.Subscription, delivered.Count);
            }, ct);
            if (outcome.Item1 is not { } subscription)
            {
                break;
            }

            done.Add(subscription);
            sent += outcome.Item2;
            Hosting.DispatchMetrics.WebhookAlertsDelivered(outcome.Item2);
        }

        return new JobResult(sent, $"{sent} alert(s) delivered to {done.Count} webhook(s)");
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
            return (false, null, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
    }
}
