using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Units;

/// <summary>The units of an area that moved or changed status since the last update, as of one instant.</summary>
internal sealed record UnitPositionsUpdate(DateTime AsOf, IReadOnlyList<Unit> Units);

internal sealed class UnitPositionsUpdateGraphType : ObjectGraphType<UnitPositionsUpdate>
{
    public UnitPositionsUpdateGraphType()
    {
        Name = "UnitPositionsUpdate";
        Description = "Units of the subscribed area whose position or status changed since the previous update (latest state of each).";
        Field<NonNullGraphType<DateTimeGraphType>>("asOf").Resolve(ctx => ctx.Source.AsOf);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitGraphType>>>>("units").Resolve(ctx => ctx.Source.Units);
    }
}

internal static class UnitSubscriptions
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, CallerQuotas quotas, SpatialArguments spatial, IOptions<UnitOptions> options, ILogger logger)
    {
        root.Field<NonNullGraphType<UnitPositionsUpdateGraphType>, UnitPositionsUpdate>("unitPositions")
            .Description("Live unit positions in a box: at most one update a second, each with the latest state of every unit that changed. "
                + "AVL fixes are not events (thousands a second), so each subscriber's box is looked at once per interval.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<FloatGraphType>>>>("bbox", "[minLon, minLat, maxLon, maxLat], or in `crs`.")
            .Argument<IntGraphType>("crs", "EPSG code of bbox (default 4326).")
            .Argument<UnitProfileGraphType>("profile")
            .Argument<UnitStatusGraphType>("status")
            .AllowRoles(AccessRules.Readers)
            .ResolveStreamAsync(async ctx =>
            {
                var o = options.Value;
                var box = await spatial.BoxAsync(ctx.GetArgument<List<double>>("bbox"), ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84, "bbox", ctx.CancellationToken);
                var filter = new UnitFilter(ctx.Caller().Scope, new SpatialFilter(box, null, null), ctx.GetArgument<UnitProfile?>("profile"),
                    ctx.GetArgument<UnitStatus?>("status"), null, new Paging(o.MaxLivePositions, null));
                var flow = ctx.RequestServices?.GetService(typeof(OperationFlowControl)) as OperationFlowControl;
                var quota = quotas.TakeSubscription(ctx.Caller());
                return new UnitPositionStream(db, filter, o, flow, logger).Holding(quota);
            })
            .Resolve(ctx => (UnitPositionsUpdate)ctx.Source!);
    }
}

/// <summary>
/// One subscriber's poll: every interval, the units of its box changed within the lookback, less those it was
/// already sent in that state. Ticks that find nothing send nothing.
/// </summary>
internal sealed class UnitPositionStream(NpgsqlDataSource db, UnitFilter filter, UnitOptions options, OperationFlowControl? flow, ILogger logger)
    : IObservable<UnitPositionsUpdate>
{
    public IDisposable Subscribe(IObserver<UnitPositionsUpdate> observer)
    {
        var stop = new CancellationTokenSource();
        _ = Task.Run(() => PumpAsync(observer, stop.Token), CancellationToken.None);
        return new Stop(stop);
    }

    private async Task PumpAsync(IObserver<UnitPositionsUpdate> observer, CancellationToken ct)
    {
        var sent = new Dictionary<Guid, (DateTime? At, DateTime StatusAt)>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var now = DateTime.UtcNow;
                var page = await UnitDb.ListAsync(db, filter with { ChangedSince = now - options.LiveLookback }, ct);
                var changed = page.Nodes.Where(u => !sent.TryGetValue(u.Id, out var seen) || seen != (u.LocationAt, u.StatusChangedAt)).ToList();
                // Only what is still inside the lookback is remembered; anything older cannot come back unchanged.
                sent = page.Nodes.ToDictionary(u => u.Id, u => (u.LocationAt, u.StatusChangedAt));
                if (changed.Count > 0)
                {
                    if (flow is not null)
                    {
                        await flow.WaitAsync(ct);
                    }

                    observer.OnNext(new UnitPositionsUpdate(now, changed));
                    // The interval counts from the send, so a slow look never lets two updates come closer than it.
                    started = System.Diagnostics.Stopwatch.GetTimestamp();
                }

                var rest = options.LiveInterval - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "unitPositions stream failed");
            observer.OnError(ex);
        }
    }

    private sealed class Stop(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose() => stop.Cancel();
    }
}
