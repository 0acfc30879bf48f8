using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Alerts;
using Dispatch.Gis.Tests.Infrastructure;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Faults;

/// <summary>
/// Issue 15, webhooks: two service processes on one database, standing subscriptions whose webhooks go to a slow
/// loopback receiver, the events committed; the instance delivering is SIGKILLed mid-delivery. The survivor's delivery
/// job carries on: every alert reaches the receiver at least once, in inbox order per subscription, and any repeat
/// carries the same idempotency key and the same body (at-least-once, recognisably).
/// </summary>
[Trait("Category", "Database")]
public sealed class SigkillWebhookTests(ITestOutputHelper output)
{
    private const int Subscriptions = 3;
    private const int Zones = 8;

    [Fact]
    public async Task Issue15_webhooks_cut_by_a_killed_instance_deliver_every_alert_in_order_repeats_only_under_the_same_key()
    {
        var name = PostgisServer.NewDatabaseName("sigkill-webhook");
        var database = await PostgisServer.CreateDatabaseAsync(name);
        var settings = new Dictionary<string, string?>
        {
            ["Dispatch:Scheduling:InstanceName"] = "sigkill-wh-" + Guid.NewGuid().ToString("N")[..8],
            ["Dispatch:Scheduling:CheckinInterval"] = "00:00:01",
            ["Dispatch:Alerts:AllowLoopbackHttpWebhooks"] = "true",
            ["Dispatch:Alerts:WebhookInterval"] = "00:00:00.300",
            ["Dispatch:Alerts:WebhookBaseBackoff"] = "00:00:00.200",
            ["Dispatch:Alerts:WebhookMaxBackoff"] = "00:00:01",
            ["Dispatch:Alerts:WebhookTimeout"] = "00:00:05",
        };
        var port = WebhookReceiver.FreePort();
        using var receiver = new WebhookReceiver(port) { AnswerAfter = TimeSpan.FromMilliseconds(150) };
        try
        {
            await using var first = await ServiceProcess.StartAsync(database, settings);
            await using var second = await ServiceProcess.StartAsync(database, settings);
            var instances = new Dictionary<string, ServiceProcess>
            {
                [await QuartzFailoverTests.InstanceIdAsync(first)] = first, [await QuartzFailoverTests.InstanceIdAsync(second)] = second,
            };
            using var setupHttp = SigkillHarnessTests.Http(first, ServiceProcess.Token("sigkill-hooks", Role.DutyOfficer112));
            var service = await new Seed(new GraphQLClient(setupHttp)).ServiceAsync(Seed.AlmatyCity, "UDDS_112");
            // The subscriptions' owner: a duty officer of that service.
            using var http = SigkillHarnessTests.Http(first, ServiceProcess.Token("sigkill-hooks", Role.DutyOfficer112, service.Code));
            var officer = new GraphQLClient(http);
            await using var owner = NpgsqlDataSource.Create(database.Owner);
            var subscriptions = new List<string>();
            for (var s = 0; s < Subscriptions; s++)
            {
                var created = await officer.QueryAsync(StandingAlertHarness.Create, new { i = new { name = $"hook {s}", area = Seed.Square(Seed.InCity[0], Seed.InCity[1], 0.01),
                    kinds = new[] { "ZONE_CREATED" }, deliverSocket = false, webhookUrl = $"http://127.0.0.1:{port}/hook/{s}" } });
                subscriptions.Add(created["createAlertSubscription"]!["subscription"]!["id"]!.GetValue<string>());
            }

            var seed = new Seed(officer);
            for (var z = 0; z < Zones; z++)
            {
                await seed.ZoneAsync(Seed.Square(Seed.InCity[0] + z * 0.0005, Seed.InCity[1], 0.001));
            }

            // Act: once deliveries are under way, kill the instance whose delivery run the ledger shows in progress.
            var expected = Subscriptions * Zones;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string? victimId = null;
            while (victimId is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no delivery run seen in progress after {receiver.Received.Count} alert(s) received");
                if (receiver.Received.Count >= expected / 4)
                {
                    var running = await SqlRows.ReadAsync(owner, "SELECT instance FROM job_runs WHERE job = 'DeliverWebhooks' AND outcome = 'RUNNING' ORDER BY id DESC LIMIT 1",
                        r => r.GetString(0));
                    victimId = running.Count > 0 ? running[0] : null;
                }

                await Task.Delay(20);
            }

            instances[victimId].Kill();
            var receivedAtKill = receiver.Received.Count;

            // The survivor delivers the rest; wait until every inbox entry is marked delivered and has reached the receiver.
            deadline = DateTime.UtcNow.AddSeconds(40);
            List<(Guid Id, Guid Subscription)> inbox;
            while (true)
            {
                inbox = await SqlRows.ReadAsync(owner, "SELECT id, subscription_id FROM alert_inbox WHERE delivered_at IS NOT NULL ORDER BY seq", r => (r.GetGuid(0), r.GetGuid(1)));
                var keys = receiver.Received.Select(r => r.IdempotencyKey).ToHashSet();
                if (inbox.Count >= expected && inbox.All(e => keys.Contains(e.Id.ToString())))
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{inbox.Count} of {expected} entries delivered, {keys.Count} distinct keys received");
                await Task.Delay(200);
            }

            // Assert: invariants over what the service recorded (the inbox) and what the receiver got.
            var all = await SqlRows.ReadAsync(owner, "SELECT id, subscription_id FROM alert_inbox ORDER BY seq", r => (Id: r.GetGuid(0), Subscription: r.GetGuid(1)));
            var zoneEvents = await QuartzFailoverTests.CountAsync(owner, "SELECT count(*) FROM events WHERE kind = 'ZONE_CREATED'");
            var received = receiver.Received.Select(r => (Key: Guid.Parse(r.IdempotencyKey!), Body: JsonNode.Parse(r.Body)!, Raw: r.Body)).ToList();
            var distinct = received.Select(r => r.Key).Distinct().ToList();
            var duplicated = received.Count - distinct.Count;
            var lost = all.Count(e => !distinct.Contains(e.Id));
            var strangers = distinct.Count(k => all.All(e => e.Id != k));
            output.WriteLine($"{Subscriptions} webhooks x {Zones} zones, receiver answering after 150 ms; instance {(instances[victimId] == first ? 1 : 2)} " +
                $"SIGKILLed mid-delivery after {receivedAtKill} received");
            output.WriteLine($"webhooks: sent {all.Count} / received {received.Count} / duplicated (same key) {duplicated} / lost {lost}; {zoneEvents} ZONE_CREATED events");

            Assert.Equal(Zones, zoneEvents);
            Assert.Equal(expected, all.Count);
            Assert.Equal(Subscriptions * Zones, all.Select(e => e.Id).Distinct().Count());
            Assert.Equal((0, 0), (lost, strangers));
            // A repeat is recognisable: the same key always comes with the same bytes.
            Assert.All(received.GroupBy(r => r.Key), g => Assert.All(g, r => Assert.Equal(g.First().Raw, r.Raw)));
            foreach (var subscription in subscriptions)
            {
                var order = all.Where(e => e.Subscription.ToString() == subscription).Select(e => e.Id).ToList();
                var got = received.Where(r => r.Body["subscription"]!.GetValue<string>() == subscription).Select(r => r.Key).Distinct().ToList();
                Assert.Equal(order, got);
                Assert.All(received.Where(r => order.Contains(r.Key)), r => Assert.Equal(subscription, r.Body["subscription"]!.GetValue<string>()));
            }
        }
        finally
        {
            await PostgisServer.DropDatabaseAsync(name);
        }
    }
}
