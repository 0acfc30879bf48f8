using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dispatch.Gis.DangerousObjects;

internal static class DangerousObjectQueries
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, DangerousObjectLoaders loaders, SpatialArguments spatial, IOptions<PagingOptions> paging)
    {
        var list = root.Field<NonNullGraphType<DangerousObjectConnectionGraphType>>("dangerousObjects")
            .Description("Potentially dangerous objects. Spatial filters skip objects without a trustworthy location.");
        SpatialArguments.AddTo(list);
        list.Argument<HazardClassGraphType>("hazardClass")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await DangerousObjectDb.ListAsync(db, new DangerousObjectFilter(ctx.Caller().Scope, await spatial.ReadAsync(ctx),
                ctx.GetArgument<HazardClass?>("hazardClass"), Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)),
                ctx.CancellationToken));

        root.Field<DangerousObjectGraphType>("dangerousObject")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.ObjectById(ctx, ctx.GetId("id")));
    }
}
