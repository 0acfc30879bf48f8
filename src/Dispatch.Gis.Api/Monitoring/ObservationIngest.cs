using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Monitoring.Adapters;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Storage;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Monitoring;

/// <summary>
/// One ingest, the same for a poll and a push: the payload in one unit of work (<see cref="ObservationDb"/>), then,
/// once it is committed and only if it brought something new, a judgement of the territories it touched — so the
/// SITUATION_CHANGED of a reading follows its poll by one more transaction, not by the next periodic judgement.
/// </summary>
internal sealed class ObservationIngest(NpgsqlDataSource db, MonitoringRules rules, IOptions<MonitoringOptions> options, CrsTransformer crs,
    SituationEvaluator evaluator, TimeProvider clock, ILogger<ObservationIngest> logger)
{
    /// <param name="scope">For a push: rows for stations outside the caller's territories are quarantined.</param>
    public async Task<IngestOutcome> IngestAsync(Feed feed, ParsedPayload payload, RunStart run, WriteOrigin origin, TerritoryScope? scope, CancellationToken ct)
    {
        if (feed.SourceCrs != GeoJson.Wgs84 && payload.Quakes.Count > 0)
        {
            await ToWgs84Async(feed, payload, ct);
        }

        var outcome = await UnitOfWork.RunAsync(db, origin,
            w => ObservationDb.IngestAsync(w, feed, payload, run, rules, options.Value, clock.GetUtcNow().UtcDateTime, scope, ct), ct);
        Hosting.DispatchMetrics.ObservationsIngested(feed.Code, outcome.Stored, outcome.Updated, outcome.Duplicates, outcome.Rejected, outcome.NewestObservedAt);
        if (outcome.Changed)
        {
            try
            {
                // Its own unit: the audit row (a push) rode with the ingest; a failed judgement never undoes stored readings.
                await evaluator.EvaluateAsync(new WriteOrigin(origin.Actor), outcome.Territories, ct);
            }
            catch (Exception ex) when (ex is NpgsqlException or DispatchException or TimeoutException)
            {
                logger.LogWarning(ex, "Judging the situation after run {Run} of feed {Feed} failed; the periodic judgement will catch up", outcome.RunId, feed.Code);
            }
        }

        return outcome;
    }

    private async Task ToWgs84Async(Feed feed, ParsedPayload payload, CancellationToken ct)
    {
        for (var i = 0; i < payload.Quakes.Count; i++)
        {
            var q = payload.Quakes[i];
            if (!double.IsFinite(q.X) || !double.IsFinite(q.Y))
            {
                continue;
            }

            var point = await crs.ToWgs84Async(GeoJson.Factory.CreatePoint(new Coordinate(q.X, q.Y)), feed.SourceCrs, "sourceCrs", ct);
            payload.Quakes[i] = q with { X = point.Coordinate.X, Y = point.Coordinate.Y };
        }
    }
}
