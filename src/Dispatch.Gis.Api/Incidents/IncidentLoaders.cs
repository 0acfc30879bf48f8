using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using Npgsql;

namespace Dispatch.Gis.Incidents;

internal sealed class IncidentLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Incident?> IncidentById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Incident>(ctx, "IncidentById", id, (keys, ct) => IncidentDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<StoredEvent>> TimelineByIncidentId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, StoredEvent>(ctx, "TimelineByIncidentId", id, (keys, ct) => IncidentDb.TimelineAsync(db, keys, ct));

    /// <summary>
    /// The incident the "incident" argument names, for a caller who may act on it: NOT_FOUND when there is none,
    /// FORBIDDEN outside the caller's territories. Records the territory on the call's audit row.
    /// </summary>
    public async Task<Incident> RequireAsync(IResolveFieldContext ctx)
    {
        var incident = await IncidentById(ctx, ctx.GetId("incident")).GetResultAsync(ctx.CancellationToken)
            ?? throw new NotFoundException("no such incident", "incident");
        ctx.AuditTerritory(incident.TerritoryKato);
        if (!ctx.Caller().Scope.Covers(incident.TerritoryKato))
        {
            throw new ForbiddenException("the incident is outside this token's territories", "incident");
        }

        return incident;
    }
}
