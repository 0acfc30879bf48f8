using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

internal sealed class ForecastQueries(NpgsqlDataSource db, ForecastLoaders loaders, IOptions<PagingOptions> paging)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<ForecastGraphType>("forecast")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.ForecastById(ctx, ctx.GetId("id")));

        root.Field<NonNullGraphType<ForecastConnectionGraphType>>("forecasts")
            .Description("Forecasts within the caller's territories, in id order.")
            .Argument<ForecastStateGraphType>("state")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await ForecastDb.ListAsync(db, new ForecastFilter(ctx.Caller().Scope, ctx.GetArgument<ForecastState?>("state"),
                Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken));
    }
}
