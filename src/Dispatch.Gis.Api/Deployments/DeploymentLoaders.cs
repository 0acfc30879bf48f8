using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Incidents;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.Deployments;

internal sealed class DeploymentLoaders(NpgsqlDataSource db, IOptions<IncidentOptions> options)
{
    public IDataLoaderResult<IReadOnlyList<Deployment>> DeploymentsByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Deployment>(ctx, "DeploymentsByIncidentId", id, (keys, ct) => DeploymentDb.ByIncidentAsync(db, keys, ct));

    public IDataLoaderResult<Deployment?> DeploymentById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Deployment>(ctx, "DeploymentById", id, (keys, ct) => DeploymentDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<AvlCheck?> AvlCheckByDeploymentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, AvlCheck>(ctx, "AvlCheckByDeploymentId", id, (keys, ct) => AvlCheckDb.ByDeploymentAsync(db, keys, options.Value, ct));

    public IDataLoaderResult<ForceRequest?> ForceRequestById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, ForceRequest>(ctx, "ForceRequestById", id, (keys, ct) => ForceRequestDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<ForceRequest>> ForceRequestsByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, ForceRequest>(ctx, "ForceRequestsByIncidentId", id, (keys, ct) => ForceRequestDb.ByIncidentAsync(db, keys, ct));
}
