using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Services;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Situation;

internal sealed class SituationQueries(NpgsqlDataSource db, IOptions<PagingOptions> paging)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationUpdateGraphType>>>>("situationUpdates")
            .Description("Situation updates, newest first: a partner officer sees those sent to its service.")
            .Argument<StringGraphType>("territory")
            .Argument<BooleanGraphType>("unacknowledgedOnly")
            .Argument<IntGraphType>("first")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(SituationUpdatesAsync);
    }

    private async Task<object?> SituationUpdatesAsync(IResolveFieldContext ctx)
    {
        var caller = ctx.Caller();
        Guid? service = caller.Role == Role.PartnerOfficer ? await OwnService.IdAsync(db, caller, ctx.CancellationToken) : null;
        var first = Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value).First;
        return await SituationDb.ListAsync(db, caller.Scope, ctx.GetArgument<string?>("territory"), service,
            ctx.GetArgument<bool?>("unacknowledgedOnly") ?? false, first, ctx.CancellationToken);
    }

    /// <summary>Readiness on Territory: who still owes 112 a readiness report under the regime in force; batched per request.</summary>
    public static void AddTerritoryFields(ObjectGraphType<Territory> territory, SituationLoaders loaders)
    {
        territory.Field<NonNullGraphType<ReadinessStateGraphType>>("readiness")
            .Resolve(ctx => loaders.ReadinessByKato(ctx, ctx.Source.Kato));
    }
}
