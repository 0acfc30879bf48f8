using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>The officer's side of monitoring: deciding on regime suggestions (the rules leave the regime to people), and issuing the situation report.</summary>
internal sealed class SituationLevelMutations(NpgsqlDataSource db, SituationLevelLoaders loaders, TerritoryLoaders territories, MonitoringRules rules, TimeProvider clock)
{
    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<RegimeSuggestionGraphType>>("acceptRegimeSuggestion")
            .Description("Accepts a pending suggestion: the regime is declared (as declareRegime does, REGIME_DECLARED) with this basis.")
            .Argument<NonNullGraphType<IdGraphType>>("suggestion")
            .Argument<StringGraphType>("basis", "The decision; default: the suggestion's reason.")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(AcceptAsync);

        root.Field<NonNullGraphType<RegimeSuggestionGraphType>>("dismissRegimeSuggestion")
            .Description("Dismisses a pending suggestion with a reason; it is not suggested again until the situation changes.")
            .Argument<NonNullGraphType<IdGraphType>>("suggestion")
            .Argument<NonNullGraphType<StringGraphType>>("reason")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(DismissAsync);

        root.Field<NonNullGraphType<SituationReportGraphType>>("issueSituationReport")
            .Description("Records the territory's situation report as issued now (SITUATION_REPORT_ISSUED): the next report's changes start here.")
            .Argument<NonNullGraphType<StringGraphType>>("territory")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(IssueAsync);
    }

    private async Task<RegimeSuggestion> RequireAsync(IResolveFieldContext ctx)
    {
        var suggestion = await loaders.SuggestionById(ctx, ctx.GetId("suggestion")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such regime suggestion", "suggestion");
        ctx.AuditTerritory(suggestion.TerritoryKato);
        ctx.Caller().RequireTerritory(suggestion.TerritoryKato, "suggestion");
        return suggestion;
    }

    private async Task<object?> AcceptAsync(IResolveFieldContext ctx)
    {
        var suggestion = await RequireAsync(ctx);
        var basis = TextInput.Optional(ctx.GetArgument<string?>("basis"), "basis", RegimeMutations.MaxBasisLength, multiline: true)
            ?? $"Accepted monitoring suggestion: {suggestion.Reason}";
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => RegimeSuggestionDb.AcceptAsync(w, suggestion.Id, basis, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.SuggestionById(ctx, suggestion.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> DismissAsync(IResolveFieldContext ctx)
    {
        var suggestion = await RequireAsync(ctx);
        var reason = TextInput.Required(ctx.GetArgument<string>("reason"), "reason", RegimeMutations.MaxBasisLength, multiline: true);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => RegimeSuggestionDb.DismissAsync(w, suggestion.Id, reason, ctx.CancellationToken), ctx.CancellationToken);
        return await loaders.SuggestionById(ctx, suggestion.Id).GetResultAsync(ctx.CancellationToken);
    }

    private async Task<object?> IssueAsync(IResolveFieldContext ctx)
    {
        var territory = await territories.RequireAsync(ctx, ctx.GetArgument<string>("territory"), "territory");
        ctx.AuditTerritory(territory.Kato);
        ctx.Caller().RequireTerritory(territory.Kato, "territory");
        var report = await SituationLevelQueries.BuildAsync(db, rules, territory.Kato, null, clock.GetUtcNow().UtcDateTime, ctx.CancellationToken);
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(),
            w => SituationReportDb.IssueAsync(w, report.Situation, report.ActiveWarnings.Count, report.SilentFeeds.Count, ctx.CancellationToken), ctx.CancellationToken);
        return report;
    }
}
