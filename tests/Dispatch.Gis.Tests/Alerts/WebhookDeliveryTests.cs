using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>Issue 12: signed webhooks to a real loopback receiver, retried with backoff, in order, FAILING when the receiver stays down.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class WebhookDeliveryTests(ApiFixture api)
{
    [Fact]
    public async Task Issue12_a_webhook_gets_each_alert_signed_with_its_idempotency_key()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var port = WebhookReceiver.FreePort();
        using var receiver = new WebhookReceiver(port);
        var (subscription, secret) = await h.SubscribeAsync(new
        {
            name = "hook", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{port}/hook",
        });
        var zone = await h.ZoneHereAsync();

        var delivered = await UntilAsync(() => receiver.Received.Count >= 1);

        Assert.True(delivered, "nothing was delivered");
        var (body, signature, key) = Assert.Single(receiver.Received);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), body)), signature);
        var alert = JsonNode.Parse(body)!;
        Assert.Equal(key, alert["id"]!.GetValue<string>());
        Assert.Equal(subscription, alert["subscription"]!.GetValue<string>());
        Assert.Equal("ZONE_CREATED", alert["kind"]!.GetValue<string>());
        Assert.Equal(zone, alert["objects"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("Polygon", alert["area"]!["type"]!.GetValue<string>());
        Assert.True(await UntilAsync(async () => (await h.InboxAsync(subscription))[0]!["deliveredAt"] is not null), "the entry was not marked delivered");
        // A run with nothing left in flight ends (its workers do not keep each other waiting), so the next one can start.
        var deliveredAt = await api.ScalarAsync<DateTime>($"SELECT delivered_at FROM alert_inbox WHERE subscription_id = '{subscription}'");
        Assert.True(await UntilAsync(async () => await api.ScalarAsync<long>(
                $"SELECT count(*) FROM job_runs WHERE job = 'DeliverWebhooks' AND outcome <> 'RUNNING' AND started_at > '{deliveredAt:O}'::timestamptz") >= 2),
            "no delivery run started after the delivery has ended");
    }

    [Fact]
    public async Task Issue12_an_https_webhook_with_a_certificate_from_a_configured_root_is_delivered_signed()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var port = WebhookReceiver.FreePort();
        using var receiver = new WebhookReceiver(port, TestCertificates.Issue("127.0.0.1"));
        var (_, secret) = await h.SubscribeAsync(new
        {
            name = "tls", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"https://127.0.0.1:{port}/hook",
        });
        var zone = await h.ZoneHereAsync();

        Assert.True(await UntilAsync(() => receiver.Received.Count >= 1), "nothing was delivered over TLS");
        var (body, signature, _) = Assert.Single(receiver.Received);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), body)), signature);
        Assert.Equal(zone, JsonNode.Parse(body)!["objects"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Issue12_an_https_webhook_whose_certificate_no_root_vouches_for_or_names_another_host_gets_nothing_and_says_why()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (untrustedPort, otherHostPort) = (WebhookReceiver.FreePort(), WebhookReceiver.FreePort());
        using var untrusted = new WebhookReceiver(untrustedPort, TestCertificates.SelfSigned("127.0.0.1"));
        using var otherHost = new WebhookReceiver(otherHostPort, TestCertificates.Issue("partner.example"));
        var (selfSigned, _) = await h.SubscribeAsync(new
        {
            name = "self-signed", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"https://127.0.0.1:{untrustedPort}/hook",
        });
        var (misnamed, _) = await h.SubscribeAsync(new
        {
            name = "misnamed", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"https://127.0.0.1:{otherHostPort}/hook",
        });
        await h.ZoneHereAsync();

        string? ErrorOf(JsonArray subscriptions, string id) => subscriptions.Single(s => s!["id"]!.GetValue<string>() == id)!["webhookError"]?.GetValue<string>();
        JsonArray subscriptions = [];
        Assert.True(await UntilAsync(async () =>
        {
            subscriptions = (await h.Partner.QueryAsync("{ alertSubscriptions { id webhookError } }"))["alertSubscriptions"]!.AsArray();
            return ErrorOf(subscriptions, selfSigned) is not null && ErrorOf(subscriptions, misnamed) is not null;
        }), "a failed TLS handshake was not recorded");

        Assert.Contains("no trusted root", ErrorOf(subscriptions, selfSigned));
        Assert.Contains("not valid for this host", ErrorOf(subscriptions, misnamed));
        Assert.Empty(untrusted.Received);
        Assert.Empty(otherHost.Received);
        Assert.All(await h.InboxAsync(selfSigned), e => Assert.Null(e!["deliveredAt"]));
    }

    [Fact]
    public async Task Issue12_while_the_receiver_is_down_the_webhook_retries_fails_and_then_delivers_in_order()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var port = WebhookReceiver.FreePort();
        var (subscription, secret) = await h.SubscribeAsync(new
        {
            name = "down", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{port}/hook",
        });
        var zones = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            zones.Add(await h.ZoneHereAsync(i * 0.0005));
        }

        // The test settings allow 3 attempts 0.2, 0.4, 0.8 s apart before FAILING.
        Assert.True(await UntilAsync(async () => await StatusAsync(h, subscription) == "FAILING", TimeSpan.FromSeconds(30)), "never marked FAILING");
        Assert.True(await api.ScalarAsync<long>($"SELECT count(*) FROM events WHERE kind = 'ALERT_SUBSCRIPTION_FAILING' AND entity_id = '{subscription}'") == 1);
        Assert.True(await api.ScalarAsync<long>($"SELECT attempts FROM alert_webhook_state WHERE subscription_id = '{subscription}'") >= 3);

        using var receiver = new WebhookReceiver(port);
        Assert.True(await UntilAsync(() => receiver.Received.Count >= 3, TimeSpan.FromSeconds(30)), $"delivered {receiver.Received.Count} of 3");
        Assert.True(await UntilAsync(async () => await StatusAsync(h, subscription) == "ACTIVE"), "not ACTIVE again after delivering");

        var inbox = await h.InboxAsync(subscription);
        Assert.Equal(inbox.Select(e => e!["id"]!.GetValue<string>()), receiver.Received.Select(r => r.IdempotencyKey));
        Assert.Equal(zones, receiver.Received.Select(r => JsonNode.Parse(r.Body)!["objects"]![0]!["id"]!.GetValue<string>()));
        Assert.All(receiver.Received, r =>
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), r.Body)), r.Signature));
    }

    [Fact]
    public async Task Issue12_an_error_status_is_retried_and_nothing_overtakes_the_entry_that_failed()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var port = WebhookReceiver.FreePort();
        using var receiver = new WebhookReceiver(port) { Status = 503 };
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "503", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{port}/hook",
        });
        var first = await h.ZoneHereAsync();
        var second = await h.ZoneHereAsync(0.0005);
        await h.InboxAtLeastAsync(subscription, 2);
        await UntilAsync(async () => await api.ScalarAsync<long>($"SELECT attempts FROM alert_webhook_state WHERE subscription_id = '{subscription}'") >= 2);

        receiver.Status = 200;

        Assert.True(await UntilAsync(() => receiver.Received.Count >= 2, TimeSpan.FromSeconds(30)));
        Assert.Equal([first, second], receiver.Received.Select(r => JsonNode.Parse(r.Body)!["objects"]![0]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Issue12_a_post_in_flight_holds_up_neither_a_redraw_of_the_zone_nor_an_acknowledgement_nor_another_webhook()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var followed = await h.Seed.ZoneAsync(Seed.Square(h.Here[0], h.Here[1], 0.002));
        var slowPort = WebhookReceiver.FreePort();
        var answer = new TaskCompletionSource();
        using var slow = new WebhookReceiver(slowPort) { AnswerWhen = answer.Task };
        var (held, _) = await h.SubscribeAsync(new
        {
            name = "slow partner", zones = new[] { followed }, kinds = new[] { "ZONE_CHANGED" }, deliverSocket = true, webhookUrl = $"http://127.0.0.1:{slowPort}/hook",
        });
        var fastPort = WebhookReceiver.FreePort();
        using var fast = new WebhookReceiver(fastPort);
        var (other, _) = await h.SubscribeAsync(new
        {
            name = "fast partner", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{fastPort}/hook",
        });
        try
        {
            await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
                new { z = followed, g = Seed.Square(h.Here[0], h.Here[1], 0.003) });
            Assert.True(await UntilAsync(() => slow.Received.Count >= 1), "the slow partner was never sent its alert");

            // Its POST is in flight and stays so until the test answers it (the test settings give up after 30 s, time enough on a loaded machine).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var steps = new List<string>();
            var version = (await api.GraphQL.QueryAsync("mutation ($z: ID!, $g: Geometry!) { updateZoneGeometry(zone: $z, geometry: $g) { version } }",
                new { z = followed, g = Seed.Square(h.Here[0], h.Here[1], 0.004) }))["updateZoneGeometry"]!["version"]!.GetValue<int>();
            steps.Add($"redraw {clock.ElapsedMilliseconds}");
            var entry = (await h.InboxAsync(held))[0]!["id"]!.GetValue<string>();
            await h.Partner.QueryAsync("mutation ($e: ID!) { acknowledgeAlert(entry: $e) { id } }", new { e = entry });
            steps.Add($"ack {clock.ElapsedMilliseconds}");
            var zone = await h.ZoneHereAsync();
            steps.Add($"zone {clock.ElapsedMilliseconds}");
            var otherDelivered = await UntilAsync(() => fast.Received.Any(r => JsonNode.Parse(r.Body)!["objects"]![0]!["id"]!.GetValue<string>() == zone));
            steps.Add($"fast {clock.ElapsedMilliseconds}");
            var stillInFlight = await api.ScalarAsync<long>(
                $"SELECT count(*) FROM alert_webhook_state WHERE subscription_id = '{held}' AND attempts = 0 AND last_attempt_at IS NULL") == 1
                && (await h.InboxAsync(held))[0]!["deliveredAt"] is null;

            Assert.Equal(3, version);
            Assert.True(otherDelivered, "another partner's webhook waited for the slow one");
            Assert.True(stillInFlight, "the redraw and the acknowledgement waited for the POST to end: " + string.Join(", ", steps));
            Assert.Equal(other, JsonNode.Parse(fast.Received[^1].Body)!["subscription"]!.GetValue<string>());
        }
        finally
        {
            answer.TrySetResult();
        }

        Assert.True(await UntilAsync(async () => (await h.InboxAsync(held)).All(e => e!["deliveredAt"] is not null), TimeSpan.FromSeconds(30)),
            "the held alert and the one after it were not delivered once the partner answered");
        Assert.Equal((await h.InboxAsync(held)).Select(e => e!["id"]!.GetValue<string>()), slow.Received.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task Issue12_an_entry_the_subscriptions_stored_scope_no_longer_covers_is_not_posted_and_is_once_it_does_again()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var port = WebhookReceiver.FreePort();
        using var receiver = new WebhookReceiver(port) { Status = 503 };
        var (subscription, _) = await h.SubscribeAsync(new
        {
            name = "scope", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{port}/hook",
        });
        var zone = await h.ZoneHereAsync();
        await h.InboxAtLeastAsync(subscription, 1);
        Assert.True(await UntilAsync(async () => await api.ScalarAsync<long>($"SELECT attempts FROM alert_webhook_state WHERE subscription_id = '{subscription}'") >= 1));
        var recorded = await api.ScalarAsync<string>($"SELECT scope::text FROM alert_subscriptions WHERE id = '{subscription}'");

        // The entry was recorded under the creator's scope; that scope now stops at another region (as a DBA narrowing it
        // would), the receiver answers again and the webhook is due at once: the delivery's own check must hold it back.
        await api.ScalarAsync<long>($"WITH s AS (UPDATE alert_subscriptions SET scope = ARRAY['{Seed.AlmatyRegion}'] WHERE id = '{subscription}' RETURNING 1) SELECT count(*) FROM s");
        receiver.Status = 200;
        var narrowed = await api.ScalarAsync<DateTime>(
            $"WITH s AS (UPDATE alert_webhook_state SET next_attempt_at = clock_timestamp() WHERE subscription_id = '{subscription}' RETURNING clock_timestamp() AS at) SELECT at FROM s");
        Assert.True(await UntilAsync(async () => await api.ScalarAsync<long>(
                $"SELECT count(*) FROM job_runs WHERE job = 'DeliverWebhooks' AND outcome <> 'RUNNING' AND started_at > '{narrowed:O}'::timestamptz") >= 2),
            "no delivery run passed after the scope was narrowed");
        Assert.Empty(receiver.Received);
        Assert.Null(Assert.Single(await h.InboxAsync(subscription))!["deliveredAt"]);

        await api.ScalarAsync<long>($"WITH s AS (UPDATE alert_subscriptions SET scope = '{recorded}'::text[] WHERE id = '{subscription}' RETURNING 1) SELECT count(*) FROM s");

        Assert.True(await UntilAsync(() => receiver.Received.Count >= 1), "not delivered once the scope covered it again");
        Assert.Equal(zone, JsonNode.Parse(Assert.Single(receiver.Received).Body)!["objects"]![0]!["id"]!.GetValue<string>());
        await h.DeleteAsync(subscription);
    }

    [Fact]
    public async Task Issue12_the_webhook_secret_is_shown_once_and_never_again_by_any_field_log_or_event()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, secret) = await h.SubscribeAsync(new
        {
            name = "secret", area = h.Area(), kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = "http://127.0.0.1:9/hook",
        });
        Assert.True(secret is { Length: >= 32 }, "no secret of at least 32 characters was returned at creation");

        // Every scalar field of the subscription, as the schema has it today: a field added later that leaks is caught too.
        var fields = (await h.Partner.QueryAsync("{ __type(name: \"AlertSubscription\") { fields { name args { name } type { kind ofType { kind ofType { kind } } } } } }"))
            ["__type"]!["fields"]!.AsArray()
            .Where(f => f!["args"]!.AsArray().Count == 0 && Leaf(f["type"]!))
            .Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("status", fields);
        var selection = string.Join(' ', fields);
        var reads = new[]
        {
            (await h.Partner.QueryAsync($"{{ alertSubscriptions {{ {selection} }} }}")).ToJsonString(),
            (await h.Partner.QueryAsync($"mutation ($s: ID!) {{ pauseAlertSubscription(subscription: $s) {{ {selection} }} }}", new { s = subscription })).ToJsonString(),
            (await h.Partner.QueryAsync($"mutation ($s: ID!) {{ resumeAlertSubscription(subscription: $s) {{ {selection} }} }}", new { s = subscription })).ToJsonString(),
        };
        Assert.All(reads, r => Assert.DoesNotContain(secret!, r, StringComparison.Ordinal));
        Assert.All(reads, r => Assert.Contains(subscription, r, StringComparison.Ordinal));
        Assert.Equal(0, await api.ScalarAsync<int>($"SELECT count(*)::int FROM audit_log WHERE strpos(arguments::text, '{secret}') > 0"));
        Assert.Equal(0, await api.ScalarAsync<int>($"SELECT count(*)::int FROM events WHERE strpos(payload::text, '{secret}') > 0"));
        await h.DeleteAsync(subscription);

        static bool Leaf(JsonNode type) =>
            type["kind"]!.GetValue<string>() switch { "SCALAR" or "ENUM" => true, "NON_NULL" => Leaf(type["ofType"]!), _ => false };
    }

    private static async Task<string> StatusAsync(StandingAlertHarness h, string subscription) =>
        (await h.Partner.QueryAsync("{ alertSubscriptions { id status } }"))["alertSubscriptions"]!.AsArray()
            .Single(s => s!["id"]!.GetValue<string>() == subscription)!["status"]!.GetValue<string>();

    private static Task<bool> UntilAsync(Func<bool> condition, TimeSpan? wait = null) => UntilAsync(() => Task.FromResult(condition()), wait);

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return await condition();
    }
}
