using Dispatch.Gis.Events;
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
    public QueryType(NpgsqlDataSource db, TerritoryLoaders territoryLoaders, IOptions<PagingOptions> paging, GeometryRules geometryRules)
    {
        Name = "Query";
        TerritoryQueries.AddTo(this, db, territoryLoaders, paging, geometryRules);
    }
}

internal sealed class MutationType : ObjectGraphType
{
    public MutationType(NpgsqlDataSource db)
    {
        Name = "Mutation";
        RegimeMutations.AddTo(this, db);
    }
}

internal sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType(NpgsqlDataSource db, EventHub hub, IOptions<EventOptions> events, ILogger<SubscriptionType> logger)
    {
        Name = "Subscription";
        EventSubscriptions.AddTo(this, db, hub, events, logger);
    }
}
