using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.DangerousObjects;

internal sealed class HazardClassGraphType : EnumerationGraphType<HazardClass>
{
    public HazardClassGraphType() => Name = "HazardClass";
}

internal sealed class HazardZoneKindGraphType : EnumerationGraphType<HazardZoneKind>
{
    public HazardZoneKindGraphType() => Name = "HazardZoneKind";
}

internal sealed class DangerousObjectLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<DangerousObject?> ObjectById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, DangerousObject>(ctx, "DangerousObjectById", id, (keys, ct) => DangerousObjectDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<HazardZone>> HazardZonesByObjectId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, HazardZone>(ctx, "HazardZonesByObjectId", id, (keys, ct) => DangerousObjectDb.HazardZonesByObjectAsync(db, keys, ct));
}

internal sealed class HazardZoneGraphType : ObjectGraphType<HazardZone>
{
    public HazardZoneGraphType()
    {
        Name = "HazardZone";
        Description = "A dangerous object's own hazard zone (sanitary protection zone, a dam's flood zone…).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<HazardZoneKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(x => x.Name);
        Field<NonNullGraphType<GeometryGraphType>>("geometry").Costing(Costs.Shape).Resolve(ctx => GeoJson.Parse(ctx.Source.GeometryJson));
        Field(x => x.Basis, nullable: true);
    }
}

internal sealed class DangerousObjectGraphType : ObjectGraphType<DangerousObject>
{
    public DangerousObjectGraphType(DangerousObjectLoaders loaders, Monitoring.StationLoaders stations)
    {
        Name = "DangerousObject";
        Description = "A potentially dangerous object: hazard class, substances, operator, contacts, location and its own hazard zones.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.ExternalRef, nullable: true).Description("Reference in the source registry, e.g. GPPD:WRI1000297.");
        Field(x => x.Name);
        Field<NonNullGraphType<HazardClassGraphType>>("hazardClass").Resolve(ctx => ctx.Source.HazardClass);
        Field(x => x.ObjectKind);
        Field(x => x.Operator, nullable: true);
        Field(x => x.CapacityMw, nullable: true);
        Field<GeometryGraphType>("geometry").Description("Null when the source location is known to be wrong (see locationNote).").Costing(Costs.Shape)
            .Resolve(ctx => ctx.Source.Geometry);
        Field(x => x.LocationNote, nullable: true);
        Field<NonNullGraphType<JsonGraphType>>("substances").Description("[{name, unNumber, casNumber, quantityTonnes, state}]").Resolve(ctx => ctx.Source.Substances);
        Field<NonNullGraphType<JsonGraphType>>("contacts").Description("[{name, role, phone}]").Resolve(ctx => ctx.Source.Contacts);
        Field(x => x.TerritoryKato, nullable: true);
        Field(x => x.Source);
        Field<FloatGraphType>("distanceMeters").Resolve(ctx => ctx.Source.DistanceMeters);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<HazardZoneGraphType>>>>("hazardZones").Costing(Costs.Shape)
            .Resolve(ctx => loaders.HazardZonesByObjectId(ctx, ctx.Source.Id));
        Monitoring.MonitoringQueries.AddObjectFields(this, stations);
    }
}

internal sealed class DangerousObjectConnectionGraphType() : ConnectionGraphType<DangerousObject, DangerousObjectGraphType>("DangerousObject");
