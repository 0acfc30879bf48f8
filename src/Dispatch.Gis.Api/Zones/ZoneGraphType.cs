using Dispatch.Gis.DangerousObjects;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using Dispatch.Gis.Units;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Zones;

internal sealed class ZoneKindGraphType : EnumerationGraphType<ZoneKind>
{
    public ZoneKindGraphType() => Name = "ZoneKind";
}

internal sealed class ZoneStatusGraphType : EnumerationGraphType<ZoneStatus>
{
    public ZoneStatusGraphType() => Name = "ZoneStatus";
}

internal sealed class HazardGraphType : EnumerationGraphType<Hazard>
{
    public HazardGraphType() => Name = "Hazard";
}

/// <summary>Zone relations, each one query per batch of zones: the cross-layer questions map clients ask.</summary>
internal sealed class ZoneLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Zone?> ZoneById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, Zone>(ctx, "ZoneById", id, (keys, ct) => ZoneDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<IReadOnlyList<Zone>> ZonesByIncidentId(IResolveFieldContext ctx, Guid incident) =>
        RequestLoaders.Many<Guid, Zone>(ctx, "ZonesByIncidentId", incident, (keys, ct) => ZoneDb.ByIncidentAsync(db, keys, ct));

    public IDataLoaderResult<string> GeometryById(IResolveFieldContext ctx, Guid id, double simplifyMeters)
    {
        var budget = ResponseBudget.Of(ctx);
        return RequestLoaders.Of(ctx).Get<Guid, string>($"ZoneGeometryById:{simplifyMeters:R}",
            (keys, ct) => ZoneDb.GeometryByIdAsync(db, keys, simplifyMeters, budget, ct), "null").Load(id);
    }

    public IDataLoaderResult<IReadOnlyList<ZoneVersion>> VersionsByZoneId(IResolveFieldContext ctx, Guid id)
    {
        var budget = ResponseBudget.Of(ctx);
        return RequestLoaders.Many<Guid, ZoneVersion>(ctx, "ZoneVersionsByZoneId", id, (keys, ct) => ZoneDb.VersionsByZoneAsync(db, keys, budget, ct));
    }

    public IDataLoaderResult<IReadOnlyList<Unit>> UnitsByZoneId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Unit>(ctx, "UnitsByZoneId", id, (keys, ct) => ZoneDb.PairsAsync(db, ZoneSql.UnitsInZones, keys, r => UnitDb.Map(r, 1), ct));

    public IDataLoaderResult<IReadOnlyList<DangerousObject>> DangerousObjectsByZoneId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, DangerousObject>(ctx, "DangerousObjectsByZoneId", id, (keys, ct) => ZoneDb.PairsAsync(db, ZoneSql.ObjectsInZones, keys, r => DangerousObjectDb.Map(r, 1), ct));

    public IDataLoaderResult<IReadOnlyList<Settlement>> SettlementsByZoneId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Settlement>(ctx, "SettlementsByZoneId", id, (keys, ct) => ZoneDb.PairsAsync(db, ZoneSql.SettlementsInZones, keys, r => SettlementDb.Map(r, 1), ct));

    public IDataLoaderResult<IReadOnlyList<Territory>> TerritoriesByZoneId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, Territory>(ctx, "TerritoriesByZoneId", id, (keys, ct) => ZoneDb.PairsAsync(db, ZoneSql.TerritoriesOfZones, keys, r => TerritoryDb.Map(r, 1), ct));
}

internal sealed class ZoneVersionGraphType : ObjectGraphType<ZoneVersion>
{
    public ZoneVersionGraphType()
    {
        Name = "ZoneVersion";
        Field(x => x.Version);
        // The versions' loader reserved all three shapes before reading them.
        ResponseBudgetVisitor.SizedBeforeRead(Field<NonNullGraphType<GeometryGraphType>>("geometry").Costing(Costs.Shape))
            .Resolve(ctx => GeoJson.Parse(ctx.Source.GeometryJson));
        ResponseBudgetVisitor.SizedBeforeRead(Field<GeometryGraphType>("areaAdded").Description("What this version added to the previous one.").Costing(Costs.Shape))
            .Resolve(ctx => ctx.Source.AreaAddedJson is { } json ? GeoJson.Parse(json) : null);
        ResponseBudgetVisitor.SizedBeforeRead(Field<GeometryGraphType>("areaRemoved").Description("What this version took away from the previous one.").Costing(Costs.Shape))
            .Resolve(ctx => ctx.Source.AreaRemovedJson is { } json ? GeoJson.Parse(json) : null);
        Field(x => x.AreaAddedKm2);
        Field(x => x.AreaRemovedKm2);
        Field(x => x.Note, nullable: true);
        Field(x => x.ChangedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("changedAt").Resolve(ctx => ctx.Source.ChangedAt);
    }
}

internal sealed class ZoneGraphType : ObjectGraphType<Zone>
{
    public ZoneGraphType(ZoneLoaders loaders)
    {
        Name = "Zone";
        Description = "An emergency zone: ACTUAL, FORECAST or POTENTIAL, versioned.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ZoneKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(x => x.Name);
        Field<NonNullGraphType<HazardGraphType>>("hazard").Resolve(ctx => ctx.Source.Hazard);
        Field<NonNullGraphType<ZoneStatusGraphType>>("status").Resolve(ctx => ctx.Source.Status);
        Field(x => x.Version);
        Field(x => x.TerritoryKato, nullable: true).Description("The district holding most of the zone.");
        Field<IdGraphType>("incidentId").Resolve(ctx => ctx.Source.IncidentId);
        Field(x => x.CreatedBy);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeGraphType>>("updatedAt").Resolve(ctx => ctx.Source.UpdatedAt);
        Field(x => x.AreaKm2);
        Field<FloatGraphType>("distanceMeters").Resolve(ctx => ctx.Source.DistanceMeters);
        ResponseBudgetVisitor.SizedBeforeRead(Field<NonNullGraphType<GeometryGraphType>>("geometry")
            .Argument<FloatGraphType>("simplifyMeters")
            .Costing(Costs.Shape))
            .Resolve(ctx => loaders.GeometryById(ctx, ctx.Source.Id, SimplifyMeters(ctx)).Then(GeoJson.Parse));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ZoneVersionGraphType>>>>("versions").Description("Newest first.")
            .Costing(Costs.RowsWithShapes)
            .Resolve(ctx => loaders.VersionsByZoneId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UnitGraphType>>>>("units").Description("Units now inside.")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx => loaders.UnitsByZoneId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DangerousObjectGraphType>>>>("dangerousObjects").Description("Dangerous objects inside.")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx => loaders.DangerousObjectsByZoneId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SettlementGraphType>>>>("settlements").Description("Settlements inside, largest first.")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx => loaders.SettlementsByZoneId(ctx, ctx.Source.Id));
        Field<NonNullGraphType<LongGraphType>>("population").Description("People in the settlements inside (places of 15,000 or more only).")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx => loaders.SettlementsByZoneId(ctx, ctx.Source.Id).Then(list => list.Sum(s => (long)s.Population)));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TerritoryGraphType>>>>("territories").Description("Every territory the zone touches.")
            .Argument<TerritoryLevelGraphType>("level")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx =>
            {
                var level = ctx.GetArgument<TerritoryLevel?>("level");
                return loaders.TerritoriesByZoneId(ctx, ctx.Source.Id)
                    .Then(list => list.Where(t => level is null || t.Level == level).ToList());
            });
    }

    internal static double SimplifyMeters(IResolveFieldContext ctx)
    {
        var tolerance = ctx.GetArgument<double?>("simplifyMeters") ?? 0;
        return !double.IsFinite(tolerance) || tolerance is < 0 or > 100_000
            ? throw new BadUserInputException("simplifyMeters must be between 0 and 100000", "simplifyMeters")
            : tolerance;
    }
}

internal sealed class ZoneConnectionGraphType() : ConnectionGraphType<Zone, ZoneGraphType>("Zone");
