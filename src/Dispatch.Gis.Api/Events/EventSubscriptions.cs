using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Builders;
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
    private static readonly string[] ZoneKinds = ["ZONE_CREATED", "ZONE_CHANGED", "ZONE_CLOSED"];

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, EventHub hub, IOptions<EventOptions> options, CallerQuotas quotas,
        Geo.SpatialArguments spatial, ILogger logger)
    {
        // Every subscription is the event log seen through a filter; they differ only in which arguments pick it.
        FieldBuilder<object?, StoredEvent> Stream(string name, string description, Func<IResolveFieldContext, Task<EventFilter>> filter) =>
            root.Field<NonNullGraphType<EventGraphType>, StoredEvent>(name)
                .Description(description)
                .Argument<IdGraphType>("after", "Resume after this event id: every later event is delivered, none twice.")
                .AllowRoles(AccessRules.Readers)
                .ResolveStreamAsync(async ctx =>
                {
                    var after = await ParseAfterAsync(db, ctx.GetArgument<string?>("after"), ctx.CancellationToken);
                    var chosen = await filter(ctx);
                    var flow = ctx.RequestServices?.GetService<OperationFlowControl>();
                    var quota = quotas.TakeSubscription(ctx.Caller());
                    return new EventStream(db, hub, chosen, after, options.Value.SubscriberQueueCapacity, flow, logger).Holding(quota);
                })
                .Resolve(ctx => (StoredEvent)ctx.Source!);

        async Task<NetTopologySuite.Geometries.Geometry?> AreaAsync(IResolveFieldContext ctx) =>
            ctx.GetArgument<NetTopologySuite.Geometries.Geometry?>("area") is { } shape
                ? await spatial.GeometryAsync(shape, ctx.GetArgument<int?>("crs") ?? Geo.GeoJson.Wgs84, "area", ctx.CancellationToken)
                : null;

        static IReadOnlySet<string>? Kinds(IResolveFieldContext ctx, IEnumerable<string>? preset) =>
            (ctx.GetArgument<List<string>?>("kinds") ?? preset)?.ToHashSet(StringComparer.Ordinal);

        Stream("events", "Every event, or those of the given kinds, in an area: first all after `after` (when given) from the log, then live ones.",
                async ctx => new EventFilter(Kinds(ctx, null), ctx.Caller().Scope, await AreaAsync(ctx)))
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("kinds", "Only these kinds (e.g. REGIME_DECLARED); all when absent.")
            .Argument<Geo.GeometryGraphType>("area", "Only events whose place intersects this area (alerts for a map view or a district).")
            .Argument<IntGraphType>("crs", "EPSG code of area (default 4326).");

        Stream("alerts", "What a map client is alerted to (zones, crossings, regimes, incidents, situation updates and levels, force requests…) "
                + "in an area, a zone or a territory. Events without a place of their own are in an area when their territory meets it.",
                ctx => LiveAlertsAsync(ctx, db, AreaAsync))
            .Argument<Geo.GeometryGraphType>("area")
            .Argument<IntGraphType>("crs")
            .Argument<IdGraphType>("zone", "Alerts in this emergency zone's current shape (instead of an area).")
            .Argument<StringGraphType>("territoryId", "KATO code; a region includes its districts.")
            .Argument<ListGraphType<NonNullGraphType<Alerts.AlertKindGraphType>>>("kinds", "Only these kinds; every alert kind when absent.");

        Stream("zoneChanges", "Emergency zones created, redrawn or closed, in an area.",
                async ctx => new EventFilter(ZoneKinds.ToHashSet(StringComparer.Ordinal), ctx.Caller().Scope, await AreaAsync(ctx)))
            .Argument<Geo.GeometryGraphType>("area")
            .Argument<IntGraphType>("crs");

        Stream("incidentUpdates", "Everything that happens to one incident: its timeline, live.",
                async ctx =>
                {
                    var id = ctx.GetId("incident");
                    // An incident the caller may not see is answered as one that does not exist.
                    if (!(await Incidents.IncidentDb.ByIdAsync(db, [id], ctx.CancellationToken)).TryGetValue(id, out var incident)
                        || !ctx.Caller().Scope.Covers(incident.TerritoryKato))
                    {
                        throw new NotFoundException("no such incident", "incident");
                    }

                    return new EventFilter(null, ctx.Caller().Scope, Incident: id);
                })
            .Argument<NonNullGraphType<IdGraphType>>("incident");
    }

    /// <summary>Every argument is checked here, before the stream exists: a refused subscription never starts.</summary>
    private static async Task<EventFilter> LiveAlertsAsync(IResolveFieldContext ctx, NpgsqlDataSource db,
        Func<IResolveFieldContext, Task<NetTopologySuite.Geometries.Geometry?>> areaOf)
    {
        var caller = ctx.Caller();
        var territory = ctx.GetArgument<string?>("territoryId") is { } kato
            ? (await Alerts.AlertTargets.TerritoriesAsync(db, caller, [kato], "territoryId", ctx.CancellationToken))[0]
            : null;
        var area = await areaOf(ctx);
        if (ctx.GetOptionalId("zone") is { } zone)
        {
            if (area is not null)
            {
                throw new BadUserInputException("give an area or a zone, not both", "zone");
            }

            area = await Alerts.AlertTargets.ZonesAreaAsync(db, caller, [zone], "zone", indexed: false, ctx.CancellationToken);
        }

        var kinds = Alerts.AlertKinds.EventKinds(ctx.GetArgument<List<Alerts.AlertKind>?>("kinds"));
        var areaTerritories = area is null ? null : await Alerts.AlertTargets.TerritoriesMeetingAsync(db, area, ctx.CancellationToken);
        return new EventFilter(kinds, caller.Scope, area, territory, AreaTerritories: areaTerritories);
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
