using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal sealed class IncidentQueries(NpgsqlDataSource db, IncidentLoaders loaders, IOptions<PagingOptions> paging)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<IncidentConnectionGraphType>>("incidents")
            .Argument<StringGraphType>("territory")
            .Argument<IncidentStatusGraphType>("status")
            .Argument<DateTimeGraphType>("from", "Received at or after.")
            .Argument<DateTimeGraphType>("to", "Received at or before.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(IncidentsAsync);

        root.Field<IncidentGraphType>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.IncidentById(ctx, ctx.GetId("id")));
    }

    private async Task<object?> IncidentsAsync(IResolveFieldContext ctx) =>
        await IncidentDb.ListAsync(db, new IncidentFilter(ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
            ctx.GetArgument<IncidentStatus?>("status"), Times.Utc(ctx.GetArgument<DateTime?>("from")), Times.Utc(ctx.GetArgument<DateTime?>("to")),
            Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken);
}
