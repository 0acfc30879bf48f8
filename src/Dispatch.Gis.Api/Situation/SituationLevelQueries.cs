using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Situation;

/// <summary>The situation per territory (Rules §5.2: what 112 summarises in high readiness) and the regime suggestions it led to.</summary>
internal sealed class SituationLevelQueries(NpgsqlDataSource db, SituationLevelLoaders loaders, TerritoryLoaders territories, MonitoringRules rules,
    IOptions<PagingOptions> paging, TimeProvider clock)
{
    public const int MaxChanges = 500;
    private static readonly Role[] Officers = [Role.DutyOfficer112, Role.Admin];

    public void AddTo(ObjectGraphType root)
    {
        root.Field<TerritorySituationGraphType>("situation")
            .Description("Each monitoring domain's level in the territory, since when, and its evidence; null outside the caller's territories.")
            .Argument<NonNullGraphType<StringGraphType>>("territory", "KATO code.")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(SituationAsync);

        root.Field<SituationReportGraphType>("situationReport")
            .Description("The summary 112 sends: levels with evidence, changes since the last issued report (or since), active warnings, recent earthquakes, silent feeds.")
            .Argument<NonNullGraphType<StringGraphType>>("territory", "KATO code.")
            .Argument<DateTimeGraphType>("since", "Changes after this; default: the last issued report, else a day ago.")
            .AllowRoles(Officers)
            .ResolveAsync(SituationReportAsync);

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RegimeSuggestionGraphType>>>>("regimeSuggestions")
            .Description("Suggestions to raise a territory's regime, newest first; a region's include its districts'.")
            .Argument<StringGraphType>("territory")
            .Argument<SuggestionStatusGraphType>("status")
            .Argument<IntGraphType>("first")
            .AllowRoles(Officers)
            .ResolveAsync(async ctx => await RegimeSuggestionDb.ListAsync(db, ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                ctx.GetArgument<SuggestionStatus?>("status"), Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value).First, ctx.CancellationToken));
    }

    private async Task<object?> SituationAsync(IResolveFieldContext ctx)
    {
        var territory = await territories.RequireAsync(ctx, ctx.GetArgument<string>("territory"), "territory");
        return ctx.Caller().Scope.Covers(territory.Kato) ? await loaders.SituationByKato(ctx, territory.Kato).GetResultAsync(ctx.CancellationToken) : null;
    }

    private async Task<object?> SituationReportAsync(IResolveFieldContext ctx)
    {
        var territory = await territories.RequireAsync(ctx, ctx.GetArgument<string>("territory"), "territory");
        if (!ctx.Caller().Scope.Covers(territory.Kato))
        {
            return null;
        }

        return await BuildAsync(db, rules, territory.Kato, Times.Utc(ctx.GetArgument<DateTime?>("since")), clock.GetUtcNow().UtcDateTime, ctx.CancellationToken);
    }

    /// <summary>The report as of now (shared with issueSituationReport, which then records it).</summary>
    public static async Task<SituationReport> BuildAsync(NpgsqlDataSource db, MonitoringRules rules, string kato, DateTime? since, DateTime now, CancellationToken ct)
    {
        var last = await SituationReportDb.LastReportAsync(db, kato, ct);
        var from = since ?? last?.IssuedAt ?? now.AddDays(-1);
        var situation = (await SituationReportDb.ByKatoAsync(db, [kato], ct))[kato];
        var suggestions = await RegimeSuggestionDb.ListAsync(db, TerritoryScope.All, kato, SuggestionStatus.Pending, 100, ct);
        return new SituationReport(kato, now, from, last, situation, await SituationReportDb.ChangesAsync(db, kato, from, MaxChanges, ct),
            await SituationReportDb.WarningsAsync(db, TerritoryScope.All, kato, true, now, 100, ct),
            await SituationReportDb.EarthquakesAsync(db, TerritoryScope.All, kato, now - rules.QuakeFreshFor, null, rules.MaxQuakeKm, 50, ct),
            await SituationReportDb.SilentFeedsAsync(db, kato, ct), suggestions);
    }

    /// <summary>The situation on Territory (for maps: every district's levels in one request), batched per request.</summary>
    public static void AddTerritoryFields(ObjectGraphType<Territory> territory, SituationLevelLoaders loaders) =>
        territory.Field<NonNullGraphType<TerritorySituationGraphType>>("situation")
            .Description("Each monitoring domain's level, since when, and its evidence.")
            .Resolve(ctx => loaders.SituationByKato(ctx, ctx.Source.Kato).Then(s => s ?? new TerritorySituation(ctx.Source.Kato, [])));
}
