using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Alerts;

internal sealed class AlertQueries(NpgsqlDataSource db, IOptions<PagingOptions> paging)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AlertSubscriptionGraphType>>>>("alertSubscriptions")
            .Description("The caller's service's standing alert subscriptions; for 112, every one in its territories.")
            .AllowRoles(AlertMutations.Subscribers)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                Guid? owner = caller.Role == Role.DutyOfficer112 ? null : await AlertAccess.ServiceIdAsync(db, caller, ctx.CancellationToken) ?? Guid.Empty;
                return await AlertSubscriptionDb.ListAsync(db, owner, caller.Scope.SqlCodes, ctx.CancellationToken);
            });

        root.Field<NonNullGraphType<AlertEntryConnectionGraphType>>("alertInbox")
            .Description("A subscription's alerts in the order they were recorded: what a partner that was offline missed, from its last cursor.")
            .Argument<NonNullGraphType<IdGraphType>>("subscription")
            .Argument<StringGraphType>("after", "An entry's cursor.")
            .Argument<IntGraphType>("first")
            .Argument<BooleanGraphType>("unacknowledged", "Only entries not yet acknowledged.")
            .AllowRoles(AlertMutations.Subscribers)
            .ResolveAsync(AlertInboxAsync);

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnacknowledgedAlertGraphType>>>>("unacknowledgedAlerts")
            .Description("For 112: alerts partners have not acknowledged yet, oldest first, with the partner they wait on.")
            .Argument<IntGraphType>("first")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var page = Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value);
                return (await AlertSubscriptionDb.UnacknowledgedAsync(db, ctx.Caller().Scope.SqlCodes, page.First, ctx.CancellationToken))
                    .Select(x => new UnacknowledgedAlert(x.Service, x.Entry)).ToList();
            });
    }

    private async Task<object?> AlertInboxAsync(IResolveFieldContext ctx)
    {
        var id = ctx.GetId("subscription");
        var page = Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value);
        var after = AlertCursor.Parse(page);
        var caller = ctx.Caller();
        // Another service's subscription, or one outside the territories, is answered as one that does not exist.
        if (await AlertSubscriptionDb.ByIdAsync(db, id, ctx.CancellationToken) is not { } s
            || !AlertAccess.MayRead(caller, s, await AlertAccess.ServiceIdAsync(db, caller, ctx.CancellationToken)))
        {
            throw new NotFoundException("no such alert subscription", "subscription");
        }

        var rows = await AlertSubscriptionDb.InboxAsync(db, s.Id, after, page.First + 1, caller.Scope.SqlCodes, ctx.GetArgument<bool?>("unacknowledged") == true,
            ctx.CancellationToken);
        return Connection<AlertEntry>.Page(rows, page, AlertCursor.Of,
            ct => AlertSubscriptionDb.CountInboxAsync(db, s.Id, caller.Scope.SqlCodes, ctx.GetArgument<bool?>("unacknowledged") == true, ct));
    }
}
