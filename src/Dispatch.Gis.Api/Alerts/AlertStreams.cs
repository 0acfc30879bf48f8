using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Alerts;

/// <summary>
/// Socket delivery of standing subscriptions: the matcher appends ALERTS_RECORDED (subscription, range of inbox entries) in
/// the transaction that writes them, so any instance's socket sees them through the event log, resumably, and the entries
/// are reloaded from the inbox as they are sent.
/// </summary>
internal static class AlertStreams
{
    public const string RecordedKind = "ALERTS_RECORDED";

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, EventHub hub, IOptions<EventOptions> options, CallerQuotas quotas, ILogger logger)
    {
        root.Field<NonNullGraphType<AlertDeliveryGraphType>, StoredEvent>("standingAlerts")
            .Description("New alerts of a standing subscription with socket delivery, as they are recorded; read the inbox for what came before.")
            .Argument<NonNullGraphType<IdGraphType>>("subscription")
            .AllowRoles(AlertMutations.Subscribers)
            .ResolveStreamAsync(async ctx =>
            {
                var id = ctx.GetId("subscription");
                var caller = ctx.Caller();
                if (await AlertSubscriptionDb.ByIdAsync(db, id, ctx.CancellationToken) is not { } s
                    || !AlertAccess.MayRead(caller, s, await AlertAccess.ServiceIdAsync(db, caller, ctx.CancellationToken)))
                {
                    throw new NotFoundException("no such alert subscription", "subscription");
                }

                if (!s.DeliverSocket)
                {
                    throw new BadUserInputException("this subscription delivers to its webhook only", "subscription");
                }

                var filter = new EventFilter(new HashSet<string>(StringComparer.Ordinal) { RecordedKind }, caller.Scope, Entity: ("AlertSubscription", id.ToString()));
                var flow = ctx.RequestServices?.GetService<OperationFlowControl>();
                var quota = quotas.TakeSubscription(caller);
                return new EventStream(db, hub, filter, null, options.Value.SubscriberQueueCapacity, flow, logger).Holding(quota);
            })
            .Resolve(ctx => (StoredEvent)ctx.Source!);
    }
}

internal sealed class AlertDeliveryGraphType : ObjectGraphType<StoredEvent>
{
    public AlertDeliveryGraphType(NpgsqlDataSource db)
    {
        Name = "AlertDelivery";
        Description = "Alerts newly recorded in a standing subscription's inbox, in order.";
        Field<NonNullGraphType<IdGraphType>>("subscription").Resolve(ctx => ctx.Source.EntityId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AlertEntryGraphType>>>>("entries")
            .ResolveAsync(async ctx =>
            {
                var p = ctx.Source.Payload;
                return await AlertSubscriptionDb.EntriesBySeqRangeAsync(db, Guid.Parse(ctx.Source.EntityId), p.GetProperty("firstSeq").GetInt64(),
                    p.GetProperty("lastSeq").GetInt64(), ctx.CancellationToken);
            });
    }
}
