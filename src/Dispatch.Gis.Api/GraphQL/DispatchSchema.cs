using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Events;
using Dispatch.Gis.Forecasts;
using Dispatch.Gis.Deployments;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Monitoring;
using Dispatch.Gis.Services;
using Dispatch.Gis.Situation;
using Dispatch.Gis.Statistics;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Regimes;
using Dispatch.Gis.Scheduling;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.GraphQL;

internal sealed class DispatchSchema : Schema
{
    public DispatchSchema(IServiceProvider services, QueryType query, MutationType mutation, SubscriptionType subscription) : base(services)
    {
        RegisterVisitor(new TerritorialScopeVisitor());
        RegisterVisitor(new TextLimitsVisitor());
        RegisterVisitor(new ResponseBudgetVisitor());
        Query = query;
        Mutation = mutation;
        Subscription = subscription;
        Description = "Dispatch.Gis: the 112 situational picture for Kazakhstan's duty-dispatch services.";
        // Tools (GraphiQL, codegen) introspect the whole schema on connect; at full weight that alone would exceed
        // the complexity limit as the schema grows. The depth limit still bounds introspection.
        this.WithIntrospectionComplexityImpact(0.01);
    }
}

/// <summary>The root types; each feature contributes its fields so the roots stay a table of contents.</summary>
internal sealed class QueryType : ObjectGraphType
{
    public QueryType(IServiceProvider services, NpgsqlDataSource db, TerritoryLoaders territoryLoaders, IOptions<PagingOptions> paging,
        SpatialArguments spatial, ServiceLoaders serviceLoaders, UnitLoaders units, DangerousObjectLoaders objects, ZoneLoaders zones, CallerQuotas quotas,
        Storage.ReadRouting reads, ILogger<QueryType> logger)
    {
        Name = "Query";
        TerritoryQueries.AddTo(this, db, territoryLoaders, paging, spatial);
        SettlementQueries.AddTo(this, db, spatial, paging);
        ServiceQueries.AddTo(this, db, serviceLoaders, paging);
        UnitQueries.AddTo(this, reads, units, spatial, paging);
        DangerousObjectQueries.AddTo(this, db, objects, spatial, paging);
        ZoneQueries.AddTo(this, reads, zones, spatial, paging);
        ActivatorUtilities.CreateInstance<IncidentQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<DeploymentQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<SituationQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<MonitoringQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<SituationLevelQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<ResponseStatsQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<JobQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<PublicWarnings.PublicWarningQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<Alerts.AlertQueries>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<ForecastQueries>(services).AddTo(this);
        AuditQueries.AddTo(this, db, paging);
        Map.MapSearchQueries.AddTo(this, db);
        RootFieldGuard.Apply(this, db, quotas, logger, audited: false);
    }
}

internal sealed class MutationType : ObjectGraphType
{
    public MutationType(IServiceProvider services, NpgsqlDataSource db, CallerQuotas quotas, ILogger<MutationType> logger)
    {
        Name = "Mutation";
        ActivatorUtilities.CreateInstance<RegimeMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<ServiceMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<UnitMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<DangerousObjectMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<ZoneMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<IncidentMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<DeploymentMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<SituationMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<MonitoringMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<ForecastMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<SituationLevelMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<PublicWarnings.PublicWarningMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<Alerts.AlertMutations>(services).AddTo(this);
        ActivatorUtilities.CreateInstance<Territories.TerritoryMutations>(services).AddTo(this);
        RootFieldGuard.Apply(this, db, quotas, logger, audited: true);
    }
}

internal sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType(NpgsqlDataSource db, EventHub hub, IOptions<EventOptions> events, CallerQuotas quotas, SpatialArguments spatial,
        IOptions<UnitOptions> units, ILogger<SubscriptionType> logger)
    {
        Name = "Subscription";
        EventSubscriptions.AddTo(this, db, hub, events, quotas, spatial, logger);
        UnitSubscriptions.AddTo(this, db, quotas, spatial, units, logger);
        Alerts.AlertStreams.AddTo(this, db, hub, events, quotas, logger);
        RootFieldGuard.Apply(this, db, quotas, logger, audited: false);
    }
}
