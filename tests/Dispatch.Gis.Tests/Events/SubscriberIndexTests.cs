using System.Text.Json;
using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using NetTopologySuite.Geometries;
using Xunit;

namespace Dispatch.Gis.Tests.Events;

/// <summary>
/// The hub's index must never hide a subscriber whose filter matches (a lost event), and must not hand out every
/// subscriber for every event (the cost it exists to remove). Random filters of every shape against random events,
/// compared with testing each filter in turn.
/// </summary>
public sealed class SubscriberIndexTests
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly string[] Kinds = ["ZONE_CREATED", "ZONE_CHANGED", "ALERTS_RECORDED", "SITUATION_UPDATE_SENT"];
    private static readonly string[] Katos = ["750000000", "751110000", "470000000", "471010000"];

    [Fact]
    public void Every_matching_filter_is_a_candidate_once_and_removed_ones_never()
    {
        var random = new Random(2012);
        // Wrapped: equal filters (records) are still distinct subscribers.
        var filters = Enumerable.Range(0, 1500).Select(i => new Subscriber(RandomFilter(random, i))).ToList();
        var index = new SubscriberIndex<Subscriber>(s => s.Filter);
        filters.ForEach(index.Add);
        var removed = filters.Where((_, i) => i % 7 == 0).ToHashSet();
        foreach (var f in removed)
        {
            index.Remove(f);
        }

        var live = filters.Where(f => !removed.Contains(f)).ToList();
        Assert.Equal(live.Count, index.Count);
        var matchedSome = 0;
        for (var n = 0; n < 400; n++)
        {
            var e = RandomEvent(random, n);
            var candidates = index.Candidates(e).ToList();
            Assert.Equal(candidates.Count, candidates.Distinct(ReferenceEqualityComparer.Instance).Count());
            Assert.DoesNotContain(candidates, removed.Contains);
            var expected = live.Where(s => s.Filter.Matches(e)).ToList();
            Assert.All(expected, f => Assert.Contains(f, candidates));
            matchedSome += expected.Count > 0 ? 1 : 0;
        }

        Assert.True(matchedSome > 100, $"only {matchedSome} of 400 events matched any filter: the test says little");
    }

    [Fact]
    public void A_placed_event_yields_the_areas_around_it_not_all_of_them()
    {
        var random = new Random(12);
        var index = new SubscriberIndex<EventFilter>(f => f);
        var areas = Enumerable.Range(0, 10_000).Select(_ => AreaFilter(random, null)).ToList();
        areas.ForEach(index.Add);
        var entity = new EventFilter(new HashSet<string> { "ALERTS_RECORDED" }, TerritoryScope.All, Entity: ("AlertSubscription", "s-1"));
        index.Add(entity);

        var e = Event(1, "ZONE_CREATED", Square(60, 47, 0.01), "Zone", "z-1");
        var candidates = index.Candidates(e).ToList();
        var matching = areas.Count(f => f.Matches(e));

        Assert.InRange(candidates.Count, matching, 500);
        Assert.DoesNotContain(entity, candidates);
        Assert.Equal([entity], index.Candidates(Event(2, "ALERTS_RECORDED", null, "AlertSubscription", "s-1", kato: null)).ToList());
    }

    private sealed class Subscriber(EventFilter filter)
    {
        public EventFilter Filter { get; } = filter;
    }

    private static EventFilter RandomFilter(Random random, int i)
    {
        var kinds = random.Next(4) == 0 ? null : Kinds.Where(_ => random.Next(2) == 0).ToHashSet(StringComparer.Ordinal);
        return (i % 5) switch
        {
            0 => new EventFilter(kinds, TerritoryScope.All, Entity: ("AlertSubscription", $"s-{random.Next(200)}")),
            1 or 2 => AreaFilter(random, kinds),
            3 => new EventFilter(kinds, TerritoryScope.All, Territory: random.Next(2) == 0 ? Katos[random.Next(Katos.Length)] : null),
            _ => random.Next(10) == 0
                ? new EventFilter(kinds, TerritoryScope.All, Factory.CreatePolygon(), AreaTerritories: new HashSet<string> { Katos[0] })
                : new EventFilter(null, TerritoryScope.All),
        };
    }

    private static EventFilter AreaFilter(Random random, IReadOnlySet<string>? kinds) =>
        new(kinds, TerritoryScope.All, Square(50 + random.NextDouble() * 30, 43 + random.NextDouble() * 9, 0.01 + random.NextDouble() * 0.5),
            AreaTerritories: random.Next(2) == 0 ? Katos.Where(_ => random.Next(2) == 0).ToHashSet(StringComparer.Ordinal) : null);

    private static StoredEvent RandomEvent(Random random, long id)
    {
        var place = random.Next(3) switch
        {
            0 => null,
            1 => (Geometry)Factory.CreatePoint(new Coordinate(50 + random.NextDouble() * 30, 43 + random.NextDouble() * 9)),
            _ => Square(50 + random.NextDouble() * 30, 43 + random.NextDouble() * 9, random.NextDouble() * 2),
        };
        return Event(id, Kinds[random.Next(Kinds.Length)], place, random.Next(2) == 0 ? "AlertSubscription" : "Zone", $"s-{random.Next(200)}",
            random.Next(5) == 0 ? null : Katos[random.Next(Katos.Length)]);
    }

    private static Polygon Square(double lon, double lat, double half) => Factory.CreatePolygon(
        [new(lon - half, lat - half), new(lon + half, lat - half), new(lon + half, lat + half), new(lon - half, lat + half), new(lon - half, lat - half)]);

    private static StoredEvent Event(long id, string kind, Geometry? place, string entityType, string entityId, string? kato = "750000000") =>
        new(id, kind, entityType, entityId, JsonDocument.Parse("{}").RootElement, place, kato, null, DateTime.UtcNow);
}
