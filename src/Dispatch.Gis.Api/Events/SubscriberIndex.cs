using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Quadtree;

namespace Dispatch.Gis.Events;

/// <summary>
/// The hub's subscribers, filed by the most selective part of their filter, so that publishing an event costs what its
/// candidates cost rather than a test of every subscriber: at 10,000 sockets × 2 operations, testing all 20,000 filters
/// took 20–230 ms per event on the loaded 2 cores and delayed every socket by about a second (README, "Standing-alert
/// fan-out"). Each subscriber sits in exactly one bucket — its entity, else its area (a quadtree of envelopes, plus the
/// territories that meet the area for events without a place), else its kinds, else the few that want everything — so
/// an event never yields the same subscriber twice. Candidates are a superset; the caller still applies the filter.
/// Subscribers are told apart by reference (two equal filters are two subscribers). Not thread-safe: the hub serialises
/// every call under its publish lock.
/// </summary>
internal sealed class SubscriberIndex<T>(Func<T, EventFilter> filterOf) where T : class
{
    private readonly Dictionary<(string Type, string Id), HashSet<T>> _byEntity = [];
    private readonly Quadtree<T> _byArea = new();
    private readonly Dictionary<string, HashSet<T>> _byAreaTerritory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<T>> _byKind = new(StringComparer.Ordinal);
    private readonly HashSet<T> _unfiled = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<T> _all = new(ReferenceEqualityComparer.Instance);

    public int Count => _all.Count;

    public IReadOnlyCollection<T> All => _all;

    public void Add(T subscriber)
    {
        if (!_all.Add(subscriber))
        {
            return;
        }

        var filter = filterOf(subscriber);
        if (filter.Entity is { } entity)
        {
            Bucket(_byEntity, entity).Add(subscriber);
        }
        else if (IndexedArea(filter) is { } area)
        {
            _byArea.Insert(area.EnvelopeInternal, subscriber);
            foreach (var kato in filter.AreaTerritories ?? new HashSet<string>())
            {
                Bucket(_byAreaTerritory, kato).Add(subscriber);
            }
        }
        else if (filter.Kinds is { } kinds)
        {
            foreach (var kind in kinds)
            {
                Bucket(_byKind, kind).Add(subscriber);
            }
        }
        else
        {
            _unfiled.Add(subscriber);
        }
    }

    public void Remove(T subscriber)
    {
        if (!_all.Remove(subscriber))
        {
            return;
        }

        var filter = filterOf(subscriber);
        if (filter.Entity is { } entity)
        {
            Unfile(_byEntity, entity, subscriber);
        }
        else if (IndexedArea(filter) is { } area)
        {
            _byArea.Remove(area.EnvelopeInternal, subscriber);
            foreach (var kato in filter.AreaTerritories ?? new HashSet<string>())
            {
                Unfile(_byAreaTerritory, kato, subscriber);
            }
        }
        else if (filter.Kinds is { } kinds)
        {
            foreach (var kind in kinds)
            {
                Unfile(_byKind, kind, subscriber);
            }
        }
        else
        {
            _unfiled.Remove(subscriber);
        }
    }

    /// <summary>Every subscriber whose filter may match <paramref name="e"/>, each once.</summary>
    public IEnumerable<T> Candidates(StoredEvent e)
    {
        if (_byEntity.TryGetValue((e.EntityType, e.EntityId), out var forEntity))
        {
            foreach (var s in forEntity)
            {
                yield return s;
            }
        }

        if (e.Geometry is { IsEmpty: false } place)
        {
            // The quadtree answers by node, and a large area that straddles a split sits high up: keep only real envelope overlaps.
            var envelope = place.EnvelopeInternal;
            foreach (var s in _byArea.Query(envelope))
            {
                if (filterOf(s).Area!.EnvelopeInternal.Intersects(envelope))
                {
                    yield return s;
                }
            }
        }
        else if (e.Geometry is null && e.TerritoryKato is { } kato && _byAreaTerritory.TryGetValue(kato, out var forTerritory))
        {
            foreach (var s in forTerritory)
            {
                yield return s;
            }
        }

        if (_byKind.TryGetValue(e.Kind, out var forKind))
        {
            foreach (var s in forKind)
            {
                yield return s;
            }
        }

        foreach (var s in _unfiled)
        {
            yield return s;
        }
    }

    // An empty area meets nothing with a place, and has no envelope to file it under: such a filter is tested on every event.
    private static Geometry? IndexedArea(EventFilter filter) => filter.Area is { IsEmpty: false } area ? area : null;

    private static HashSet<T> Bucket<TKey>(Dictionary<TKey, HashSet<T>> buckets, TKey key) where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new HashSet<T>(ReferenceEqualityComparer.Instance);
            buckets[key] = bucket;
        }

        return bucket;
    }

    private static void Unfile<TKey>(Dictionary<TKey, HashSet<T>> buckets, TKey key, T subscriber) where TKey : notnull
    {
        if (buckets.TryGetValue(key, out var bucket) && bucket.Remove(subscriber) && bucket.Count == 0)
        {
            buckets.Remove(key);
        }
    }
}
