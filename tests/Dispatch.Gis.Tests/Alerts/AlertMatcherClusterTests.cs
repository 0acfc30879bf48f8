using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Alerts;

/// <summary>Issue 12: two instances' matchers share one cursor; every event is recorded once while one of them stops mid-stream.</summary>
[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class AlertMatcherClusterTests(ApiFixture api)
{
    [Fact]
    public async Task Issue12_with_two_instances_and_one_stopping_every_matching_event_is_in_the_inbox_once_in_order()
    {
        var h = await StandingAlertHarness.StartAsync(api);
        var (subscription, _) = await h.SubscribeAsync(new { name = "cluster", area = h.Area(), kinds = new[] { "ZONE_CREATED" } });
        var instanceB = await ApiFixture.StartAsync(api.Database);
        using var officerB = new GraphQLClient(new HttpClient { BaseAddress = new Uri(instanceB.Urls.First()) });
        officerB.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.OfficerToken);
        var seedB = new Seed(officerB);

        var zones = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            var shape = Seed.Square(h.Here[0] + i * 0.0002, h.Here[1], 0.001);
            zones.Add(i % 2 == 0 || i >= 8 ? await h.Seed.ZoneAsync(shape) : await seedB.ZoneAsync(shape));
            if (i == 8)
            {
                await instanceB.StopAsync();
            }
        }

        await instanceB.DisposeAsync();
        var inbox = await h.InboxAtLeastAsync(subscription, zones.Count);
        await Task.Delay(300);
        inbox = await h.InboxAsync(subscription);

        Assert.Equal(zones, inbox.Select(e => e!["objects"]![0]!["id"]!.GetValue<string>()).ToList());
        Assert.Equal(inbox.Select(e => e!["eventId"]!.GetValue<string>()).Distinct().Count(), inbox.Count);
    }
}
