using System.Text.Json.Nodes;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Tests.Infrastructure;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>A partner (a fresh service in Almaty) and a place of its own, far enough from other tests' data to see only its own alerts.</summary>
internal sealed class StandingAlertHarness(ApiFixture api)
{
    public Seed Seed { get; } = new(api.GraphQL) { Owner = api.Db };

    public GraphQLClient Partner { get; private set; } = null!;
    public string PartnerToken { get; private set; } = "";
    public string ServiceId { get; private set; } = "";

    /// <summary>A point inside Almaty city no other test uses, so areas around it see this test's zones only.</summary>
    public double[] Here { get; } = [76.86 + Random.Shared.NextDouble() * 0.08, 43.21 + Random.Shared.NextDouble() * 0.05];

    public static async Task<StandingAlertHarness> StartAsync(ApiFixture api)
    {
        var h = new StandingAlertHarness(api);
        var service = await h.Seed.ServiceAsync(Seed.AlmatyCity, "AMBULANCE");
        h.ServiceId = service.Id;
        h.PartnerToken = api.Tokens.Issue(Seed.Unique("alerts-partner"), Role.PartnerOfficer, [Seed.AlmatyCity], "Alerts partner", serviceId: service.Code);
        h.Partner = api.Client(h.PartnerToken);
        return h;
    }

    public const string Create = """
        mutation ($i: CreateAlertSubscriptionInput!) {
          createAlertSubscription(input: $i) { webhookSecret subscription { id status kinds minSeverity ownerService territoryKato } }
        }
        """;

    public async Task<(string Id, string? Secret)> SubscribeAsync(object input)
    {
        var created = (await Partner.QueryAsync(Create, new { i = input }))["createAlertSubscription"]!;
        return (created["subscription"]!["id"]!.GetValue<string>(), created["webhookSecret"]?.GetValue<string>());
    }

    /// <summary>
    /// Deletes a subscription at the end of a test: a webhook left behind keeps posting to its port after the receiver
    /// is gone, and a port reused by another test's server that never answers holds one of the deliverer's workers.
    /// </summary>
    public Task DeleteAsync(string subscription) =>
        Partner.QueryAsync("mutation ($s: ID!) { deleteAlertSubscription(subscription: $s) }", new { s = subscription });

    public object Area(double half = 0.004) => Seed.Square(Here[0], Here[1], half);

    public Task<string> ZoneHereAsync(double offset = 0) => Seed.ZoneAsync(Seed.Square(Here[0] + offset, Here[1], 0.001));

    public async Task<JsonArray> InboxAsync(string subscription, string? after = null, int first = 100) =>
        (await Partner.QueryAsync("""
            query ($s: ID!, $a: String, $f: Int) {
              alertInbox(subscription: $s, after: $a, first: $f) {
                totalCount pageInfo { hasNextPage endCursor }
                nodes { id cursor eventId kind severity urgency certainty headline area territoryKato objects { type id } acknowledgedAt deliveredAt }
              }
            }
            """, new { s = subscription, a = after, f = first }))["alertInbox"]!["nodes"]!.AsArray();

    /// <summary>Polls the inbox until it holds at least <paramref name="count"/> entries (matching is asynchronous, within milliseconds).</summary>
    public async Task<JsonArray> InboxAtLeastAsync(string subscription, int count, TimeSpan? wait = null)
    {
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var inbox = await InboxAsync(subscription);
            if (inbox.Count >= count || DateTime.UtcNow > deadline)
            {
                return inbox;
            }

            await Task.Delay(100);
        }
    }
}
