using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Services;

internal static class ServiceQueries
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, ServiceLoaders loaders, IOptions<PagingOptions> paging)
    {
        root.Field<NonNullGraphType<DutyServiceConnectionGraphType>>("dutyServices")
            .Description("Duty-dispatch services, ordered by code.")
            .Argument<StringGraphType>("territory", "KATO code; a region includes the services of its districts.")
            .Argument<ServiceKindGraphType>("kind")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await ServiceDb.ListAsync(db, new ServiceFilter(ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                ctx.GetArgument<ServiceKind?>("kind"), Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)),
                ctx.CancellationToken));

        root.Field<DutyServiceGraphType>("dutyService")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.ServiceById(ctx, ctx.GetId("id")));

        root.Field<ShiftGraphType>("shift")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.ShiftById(ctx, ctx.GetId("id")));

        root.Field<ShiftGraphType>("latestShift")
            .Description("The most recent shift started for the territory.")
            .Argument<NonNullGraphType<StringGraphType>>("territory")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var territory = ctx.GetArgument<string>("territory");
                return ctx.Caller().Scope.Covers(territory) ? await ServiceDb.LatestShiftAsync(db, territory, ctx.CancellationToken) : null;
            });
    }
}
