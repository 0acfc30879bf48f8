using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Situation;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Monitoring;

internal sealed class MonitoringQueries(NpgsqlDataSource db, StationLoaders stations, FeedLoaders feeds, SpatialArguments spatial, MonitoringRules rules,
    IOptions<PagingOptions> paging, TimeProvider clock)
{
    private static readonly Role[] Operators = [Role.Admin, Role.DutyOfficer112];

    public void AddTo(ObjectGraphType root)
    {
        var list = root.Field<NonNullGraphType<MonitoringStationConnectionGraphType>>("stations")
            .Description("Monitoring stations by code: hydro posts, meteorological stations, gamma posts, air posts, dangerous objects' sensors.");
        SpatialArguments.AddTo(list);
        list.Argument<StringGraphType>("territory", "KATO code: the territory and its districts.")
            .Argument<StationKindGraphType>("kind")
            .Argument<StringGraphType>("parameter")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await StationDb.ListAsync(db, new StationFilter(ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                ctx.GetArgument<StationKind?>("kind"), ctx.GetArgument<string?>("parameter"), await spatial.ReadAsync(ctx),
                Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken));

        root.Field<MonitoringStationGraphType>("station")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => stations.StationByCode(ctx, ctx.GetArgument<string>("code").Trim()).Then(s => s is not null && ctx.Caller().Scope.Covers(s.TerritoryKato) ? s : null));

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MonitoringParameterGraphType>>>>("monitoringParameters")
            .Description("The parameters of data/monitoring/thresholds.json: units, physical ranges, domains, national ladders.")
            .AllowRoles(AccessRules.Readers)
            .Resolve(_ => rules.Parameters.Values.OrderBy(p => p.Code, StringComparer.Ordinal).ToList());

        root.Field<NonNullGraphType<StringGraphType>>("thresholdsVersion")
            .Description("The version of data/monitoring/thresholds.json in force.")
            .AllowRoles(AccessRules.Readers)
            .Resolve(_ => rules.Version);

        root.Field<NonNullGraphType<FeedConnectionGraphType>>("feeds")
            .Description("Monitoring feeds with their health; a token limited to territories sees the feeds of those territories.")
            .Argument<FeedFormatGraphType>("format")
            .Argument<BooleanGraphType>("enabled")
            .Argument<BooleanGraphType>("silentOnly", "Only feeds that fell silent (FEED_SILENT) and have not recovered.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(Operators)
            .ResolveAsync(async ctx => await FeedDb.ListAsync(db, new FeedFilter(ctx.GetArgument<FeedFormat?>("format"), ctx.GetArgument<bool?>("enabled"),
                ctx.GetArgument<bool?>("silentOnly") ?? false, ctx.Caller().Scope,
                Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken));

        root.Field<FeedGraphType>("feed")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .AllowRoles(Operators)
            .Resolve(ctx => feeds.FeedByCode(ctx, ctx.GetArgument<string>("code").Trim()).Then(f => f is not null && ctx.Caller().Scope.Covers(f.TerritoryKato) ? f : null));

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<EarthquakeGraphType>>>>("earthquakes")
            .Description("Earthquakes from the seismic feeds, strongest first; near a territory: within the widest earthquake rule's distance of it.")
            .Argument<StringGraphType>("territory")
            .Argument<DateTimeGraphType>("since", "Default: a day ago.")
            .Argument<FloatGraphType>("minMagnitude")
            .Argument<IntGraphType>("first")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await SituationReportDb.EarthquakesAsync(db, ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                Times.Utc(ctx.GetArgument<DateTime?>("since")) ?? clock.GetUtcNow().UtcDateTime.AddDays(-1), ctx.GetArgument<double?>("minMagnitude"),
                rules.MaxQuakeKm, Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value).First, ctx.CancellationToken));

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarningGraphType>>>>("warnings")
            .Description("Incoming CAP warnings whose area meets the territory (or the caller's territories), newest first.")
            .Argument<StringGraphType>("territory")
            .Argument<BooleanGraphType>("activeOnly", "Default true: in force now and not replaced by an Update or Cancel.")
            .Argument<IntGraphType>("first")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await SituationReportDb.WarningsAsync(db, ctx.Caller().Scope, ctx.GetArgument<string?>("territory"),
                ctx.GetArgument<bool?>("activeOnly") ?? true, clock.GetUtcNow().UtcDateTime, Paging.From(ctx.GetArgument<int?>("first"), null, paging.Value).First,
                ctx.CancellationToken));
    }

    /// <summary>The object's own sensors on DangerousObject, batched per request.</summary>
    public static void AddObjectFields(ObjectGraphType<DangerousObject> type, StationLoaders loaders) =>
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<MonitoringStationGraphType>>>>("monitoringStations")
            .Description("The object's own sensors (stations registered with it as their dangerous object).")
            .Resolve(ctx => loaders.StationsByDangerousObjectId(ctx, ctx.Source.Id));
}
