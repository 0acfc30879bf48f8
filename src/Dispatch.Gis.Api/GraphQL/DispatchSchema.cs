using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.GraphQL;

internal sealed class DispatchSchema : Schema
{
    public DispatchSchema(IServiceProvider services, QueryType query) : base(services)
    {
        Query = query;
        Description = "Dispatch.Gis: the 112 situational picture for Kazakhstan's duty-dispatch services.";
    }
}

/// <summary>The root query; each feature contributes its fields so the root stays a table of contents.</summary>
internal sealed class QueryType : ObjectGraphType
{
    public QueryType(NpgsqlDataSource db, TerritoryLoaders territoryLoaders, IOptions<PagingOptions> paging, GeometryRules geometryRules)
    {
        Name = "Query";
        TerritoryQueries.AddTo(this, db, territoryLoaders, paging, geometryRules);
    }
}
