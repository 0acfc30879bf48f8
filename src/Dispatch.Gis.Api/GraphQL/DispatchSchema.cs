using Dispatch.Gis.Auth;
using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Events;
using Dispatch.Gis.Incidents;
using Dispatch.Gis.Services;
using Dispatch.Gis.Units;
using Dispatch.Gis.Zones;
using Dispatch.Gis.Geo;
using Dispatch.Gis.Regimes;
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
    public QueryType(NpgsqlDataSource db, TerritoryLoaders territoryLoaders, IOptions<PagingOptions> paging,
        SpatialArguments spatial, ServiceLoaders services, UnitLoaders units, DangerousObjectLoaders objects, ZoneLoaders zones,
        IncidentLoaders incidents, IOptions<IncidentOptions> incidentOptions, CallerQuotas quotas, ILogger<QueryType> logger)
    {
        Name = "Query";
        TerritoryQueries.AddTo(this, db, territoryLoaders, paging, spatial);
        SettlementQueries.AddTo(this, db, spatial, paging);
        ServiceQueries.AddTo(this, db, services, paging);
        UnitQueries.AddTo(this, db, units, spatial, paging);
        DangerousObjectQueries.AddTo(this, db, objects, spatial, paging);
        ZoneQueries.AddTo(this, db, zones, spatial, paging);
        IncidentQueries.AddTo(this, db, incidents, paging, incidentOptions);
        AuditQueries.AddTo(this, db, paging);
        Map.MapSearchQueries.AddTo(this, db);
        RootFieldGuard.Apply(this, db, quotas, logger, audited: false);
    }
}

internal sealed class MutationType : ObjectGraphType
{
    public MutationType(NpgsqlDataSource db, SpatialArguments spatial, ServiceLoaders services, UnitLoaders units, DangerousObjectLoaders objects,
        ZoneLoaders zones, IncidentLoaders incidents, ClassificationRules rules, IOptions<UnitOptions> unitOptions, IOptions<IncidentOptions> incidentOptions,
        CallerQuotas quotas, ILogger<MutationType> logger)
    {
        Name = "Mutation";
        RegimeMutations.AddTo(this, db);
        ServiceMutations.AddTo(this, db, services);
        UnitMutations.AddTo(this, db, units, services, spatial, unitOptions);
        DangerousObjectMutations.AddTo(this, db, objects, spatial);
        ZoneMutations.AddTo(this, db, zones, spatial, rules);
        IncidentMutations.AddTo(this, db, incidents, units, services, spatial, rules, incidentOptions);
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
        RootFieldGuard.Apply(this, db, quotas, logger, audited: false);
    }
}
