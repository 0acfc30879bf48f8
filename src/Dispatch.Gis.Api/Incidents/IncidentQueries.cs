using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Services;
using Dispatch.Gis.Territories;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal sealed record ReadinessState(string TerritoryKato, Regime Effective, DateTime? Since, IReadOnlyList<DutyService> PartnersWithoutReadiness);

internal sealed class ReadinessStateGraphType : ObjectGraphType<ReadinessState>
{
    public ReadinessStateGraphType()
    {
        Name = "ReadinessState";
        Field<NonNullGraphType<RegimeGraphType>>("effectiveRegime").Resolve(ctx => ctx.Source.Effective);
        Field<DateTimeGraphType>("since").Description("When the regime that asks for readiness came in force.").Resolve(ctx => ctx.Source.Since);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DutyServiceGraphType>>>>("partnersWithoutReadiness")
            .Description("In HIGH_READINESS or EMERGENCY: police, ambulance and medical aviation services that have not reported their units' readiness since.")
            .Resolve(ctx => ctx.Source.PartnersWithoutReadiness);
    }
}

internal static class IncidentQueries
{
    public const int MaxSuggestions = 50;

    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, IncidentLoaders loaders, IOptions<PagingOptions> paging, IOptions<IncidentOptions> options)
    {
        root.Field<NonNullGraphType<IncidentConnectionGraphType>>("incidents")
            .Argument<StringGraphType>("territory")
            .Argument<IncidentStatusGraphType>("status")
            .Argument<DateTimeGraphType>("from", "Received at or after.")
            .Argument<DateTimeGraphType>("to", "Received at or before.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await IncidentDb.ListAsync(db, new IncidentFilter(ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                ctx.GetArgument<IncidentStatus?>("status"), ctx.GetArgument<DateTime?>("from"), ctx.GetArgument<DateTime?>("to"),
                Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken));

        root.Field<IncidentGraphType>("incident")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.IncidentById(ctx, ctx.GetArgument<Guid>("id")).Then(i => i is not null && ctx.Caller().Scope.Covers(i.TerritoryKato) ? i : null));

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitSuggestionGraphType>>>>("suggestUnits")
            .Description("The nearest units of a profile free to go (AVAILABLE or HIGH_READINESS, not deployed), with distance and estimated arrival.")
            .Argument<NonNullGraphType<IdGraphType>>("incident")
            .Argument<NonNullGraphType<UnitProfileGraphType>>("profile")
            .Argument<IntGraphType>("count", "Default 5.")
            .AllowRoles(Role.DutyOfficer112)
            .ResolveAsync(async ctx =>
            {
                var count = ctx.GetArgument<int?>("count") ?? 5;
                if (count is < 1 or > MaxSuggestions)
                {
                    throw new BadUserInputException($"count must be 1 to {MaxSuggestions}", "count");
                }

                var incident = await IncidentMutations.RequireIncidentAsync(ctx, loaders);
                return await DeploymentDb.SuggestAsync(db, incident.Location, ctx.GetArgument<UnitProfile>("profile"), count, options.Value, ctx.CancellationToken);
            });

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SituationUpdateGraphType>>>>("situationUpdates")
            .Description("Situation updates, newest first: a partner officer sees those sent to its service.")
            .Argument<StringGraphType>("territory")
            .Argument<BooleanGraphType>("unacknowledgedOnly")
            .Argument<IntGraphType>("first")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx =>
            {
                var caller = ctx.Caller();
                Guid? service = caller.Role == Role.PartnerOfficer ? await IncidentMutations.OwnServiceIdAsync(db, caller, ctx.CancellationToken) : null;
                var first = Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value).First;
                return await SituationDb.ListAsync(db, caller.Scope, ctx.GetArgument<string?>("territory"), service,
                    ctx.GetArgument<bool?>("unacknowledgedOnly") ?? false, first, ctx.CancellationToken);
            });

        root.Field<NonNullGraphType<ResponseStatsGraphType>>("responseStats")
            .Description("Response times of deployments for incidents received in [from, to], against the configured arrival norms.")
            .Argument<StringGraphType>("territory")
            .Argument<NonNullGraphType<DateTimeGraphType>>("from")
            .Argument<NonNullGraphType<DateTimeGraphType>>("to")
            .Argument<UnitProfileGraphType>("profile")
            .AllowRoles(Role.DutyOfficer112, Role.Admin, Role.PartnerOfficer)
            .ResolveAsync(async ctx =>
            {
                var from = UnitMutations.Utc(ctx.GetArgument<DateTime>("from"));
                var to = UnitMutations.Utc(ctx.GetArgument<DateTime>("to"));
                if (from > to)
                {
                    throw new BadUserInputException("from must not be after to", "from");
                }

                return await ResponseStatsDb.ComputeAsync(db, ctx.Caller().Scope, ctx.GetArgument<string?>("territory"), from, to,
                    ctx.GetArgument<UnitProfile?>("profile"), options.Value, ctx.CancellationToken);
            });
    }

    /// <summary>Readiness on Territory: who still owes 112 a readiness report under the regime in force.</summary>
    public static void AddTerritoryFields(ObjectGraphType<Territory> territory, NpgsqlDataSource db, RegimeLoaders regimes, ServiceLoaders services)
    {
        territory.Field<NonNullGraphType<ReadinessStateGraphType>>("readiness")
            .ResolveAsync(async ctx =>
            {
                var state = await regimes.StateByKato(ctx, ctx.Source.Kato).GetResultAsync(ctx.CancellationToken);
                if (state.Effective == Regime.Daily || state.Decisive is not { } decisive)
                {
                    return new ReadinessState(ctx.Source.Kato, state.Effective, null, []);
                }

                var ids = await SituationDb.PartnersWithoutReadinessAsync(db, ctx.Source.Kato, decisive.ValidFrom, ctx.CancellationToken);
                var pending = ids.Select(id => services.ServiceById(ctx, id)).ToList();
                var missing = new List<DutyService>();
                foreach (var service in pending)
                {
                    if (await service.GetResultAsync(ctx.CancellationToken) is { } s)
                    {
                        missing.Add(s);
                    }
                }

                return new ReadinessState(ctx.Source.Kato, state.Effective, decisive.ValidFrom, missing);
            });
    }
}
