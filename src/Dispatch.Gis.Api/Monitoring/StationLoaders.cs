using System.Globalization;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using Npgsql;

namespace Dispatch.Gis.Monitoring;

internal sealed class StationLoaders(NpgsqlDataSource db, MonitoringRules rules)
{
    public IDataLoaderResult<Station?> StationByCode(IResolveFieldContext ctx, string code) =>
        RequestLoaders.One<string, Station>(ctx, "StationByCode", code, (keys, ct) => StationDb.ByCodeAsync(db, keys, ct));

    public IDataLoaderResult<Station?> StationById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Station>(ctx, "StationById", id, (keys, ct) => StationDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<Station>> StationsByDangerousObjectId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Station>(ctx, "StationsByDangerousObjectId", id, (keys, ct) => StationDb.ByDangerousObjectAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<StationThreshold>> ThresholdsByStationId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, StationThreshold>(ctx, "ThresholdsByStationId", id, (keys, ct) => StationDb.ThresholdsAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<LatestObservation>> LatestByStationId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, LatestObservation>(ctx, "LatestByStationId", id, (keys, ct) => StationDb.LatestAsync(db, keys, rules, ct));

    // One loader per window as asked: a request asking two windows gets two batches, each still one query. A default
    // window ("the last day") is fixed when the batch runs, so every station of a page shares it.
    public IDataLoaderResult<IReadOnlyList<Observation>> ObservationsByStationId(IResolveFieldContext ctx, Guid id, string? parameter, DateTime? from, DateTime? to,
        int last) =>
        RequestLoaders.Many<Guid, Observation>(ctx, string.Create(CultureInfo.InvariantCulture, $"ObservationsByStationId:{parameter}:{from:O}:{to:O}:{last}"), id,
            (keys, ct) =>
            {
                var end = to ?? DateTime.UtcNow.AddMinutes(5);
                return StationDb.ObservationsAsync(db, keys, parameter, from ?? end.AddDays(-1), end, last, rules, ct);
            });
}

internal sealed class FeedLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Feed?> FeedByCode(IResolveFieldContext ctx, string code) =>
        RequestLoaders.One<string, Feed>(ctx, "FeedByCode", code, (keys, ct) => FeedDb.ByCodeAsync(db, keys, ct));

    public IDataLoaderResult<Feed?> FeedById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Feed>(ctx, "FeedById", id, (keys, ct) => FeedDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<FeedHealth?> HealthByFeedId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, FeedHealth>(ctx, "HealthByFeedId", id, (keys, ct) => FeedDb.HealthAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<FeedRun>> RunsByFeedId(IResolveFieldContext ctx, Guid id, int first, long? before, FeedRunOutcome? outcome) =>
        RequestLoaders.Many<Guid, FeedRun>(ctx, $"RunsByFeedId:{first}:{before}:{outcome}", id, (keys, ct) => FeedDb.RunsAsync(db, keys, first, before, outcome, ct));

    public IDataLoaderResult<IReadOnlyList<Rejection>> RejectionsByRunId(IResolveFieldContext ctx, long id) =>
        RequestLoaders.Many<long, Rejection>(ctx, "RejectionsByRunId", id, (keys, ct) => FeedDb.RejectionsAsync(db, keys, ct));
}
