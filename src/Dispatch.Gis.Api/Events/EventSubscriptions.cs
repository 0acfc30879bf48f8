using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Events;

internal sealed class EventOptions
{
    /// <summary>Events a subscriber may have queued before it is switched to catching up from the log.</summary>
    public int SubscriberQueueCapacity { get; set; } = 1000;
}

internal static class EventSubscriptions
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, EventHub hub, IOptions<EventOptions> options, CallerQuotas quotas,
        Geo.SpatialArguments spatial, ILogger logger)
    {
        root.Field<NonNullGraphType<EventGraphType>>("events")
            .Description("Every event, or those of the given kinds: first all after `after` (when given) from the log, then live ones.")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("kinds", "Only these kinds (e.g. REGIME_DECLARED); all when absent.")
            .Argument<IdGraphType>("after", "Resume after this event id: every later event is delivered, none twice.")
            .Argument<Geo.GeometryGraphType>("area", "Only events whose place intersects this area (alerts for a map view or a district).")
            .Argument<IntGraphType>("crs", "EPSG code of area (default 4326).")
            .AllowRoles(AccessRules.Readers)
            .ResolveStreamAsync(async ctx =>
            {
                var kinds = ctx.GetArgument<List<string>?>("kinds");
                var after = await ParseAfterAsync(db, ctx.GetArgument<string?>("after"), ctx.CancellationToken);
                var caller = ctx.Caller();
                var area = ctx.GetArgument<NetTopologySuite.Geometries.Geometry?>("area") is { } shape
                    ? await spatial.GeometryAsync(shape, ctx.GetArgument<int?>("crs") ?? Geo.GeoJson.Wgs84, "area", ctx.CancellationToken)
                    : null;
                var filter = new EventFilter(kinds?.ToHashSet(StringComparer.Ordinal), caller.Scope, area);
                var flow = ctx.RequestServices?.GetService<OperationFlowControl>();
                var quota = quotas.TakeSubscription(caller);
                return new EventStream(db, hub, filter, after, options.Value.SubscriberQueueCapacity, flow, logger).Holding(quota);
            })
            .Resolve(ctx => ctx.Source);
    }

    private static async Task<long?> ParseAfterAsync(NpgsqlDataSource db, string? after, CancellationToken ct)
    {
        if (after is null)
        {
            return null;
        }

        if (!long.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var id) || id < 0)
        {
            throw new BadUserInputException("after must be an event id", "after");
        }

        // An id from the future would silently skip every event up to it.
        var last = await EventLog.LastIdAsync(db, ct);
        if (id > last)
        {
            throw new BadUserInputException($"after {id} is beyond the newest event ({last})", "after");
        }

        return id;
    }
}
