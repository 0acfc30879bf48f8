using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.PublicWarnings;

internal sealed class PublicWarningQueries(NpgsqlDataSource db, IOptions<PagingOptions> paging, TimeProvider clock)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<PublicWarningGraphType>("publicWarning")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var id = ctx.GetId("id");
                return (await PublicWarningDb.ByIdAsync(db, [id], ctx.CancellationToken)).GetValueOrDefault(id);
            });

        root.Field<NonNullGraphType<PublicWarningConnectionGraphType>>("publicWarnings")
            .Description("Public warnings, in the caller's territories.")
            .Argument<BooleanGraphType>("current", "true: only those aggregators show now (not cancelled, not expired); false: only the others.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await PublicWarningDb.ListAsync(db,
                new PublicWarningFilter(ctx.Caller().Scope, ctx.GetArgument<bool?>("current"),
                    Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)),
                clock.GetUtcNow().UtcDateTime, ctx.CancellationToken));
    }
}
