using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Zones;

internal static class ZoneQueries
{
    public static void AddTo(ObjectGraphType root, ReadRouting reads, ZoneLoaders loaders, SpatialArguments spatial, IOptions<PagingOptions> paging)
    {
        var zones = root.Field<NonNullGraphType<ZoneConnectionGraphType>>("zones").Description("Emergency zones (active ones unless status says otherwise).");
        SpatialArguments.AddTo(zones);
        zones.Argument<ZoneKindGraphType>("kind")
            .Argument<ZoneStatusGraphType>("status", "Default ACTIVE.")
            .Argument<HazardGraphType>("hazard")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await ZoneDb.ListAsync(reads.For(ctx.Caller()), new ZoneFilter(ctx.Caller().Scope, await spatial.ReadAsync(ctx), ctx.GetArgument<ZoneKind?>("kind"),
                ctx.GetArgument<ZoneStatus?>("status") ?? ZoneStatus.Active, ctx.GetArgument<Hazard?>("hazard"),
                Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)), ctx.CancellationToken));

        root.Field<ZoneGraphType>("zone")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .AllowRoles(AccessRules.Readers)
            .Resolve(ctx => loaders.ZoneById(ctx, ctx.GetId("id")));
    }
}
