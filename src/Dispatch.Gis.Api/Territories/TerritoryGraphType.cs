using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace Dispatch.Gis.Territories;

internal sealed class TerritoryLevelGraphType : EnumerationGraphType<TerritoryLevel>
{
    public TerritoryLevelGraphType()
    {
        Name = "TerritoryLevel";
        Description = "REGION: the 17 oblasts and 3 cities of republican significance; DISTRICT: their districts, cities of oblast significance and city districts.";
    }
}

internal sealed class TerritoryKindGraphType : EnumerationGraphType<TerritoryKind>
{
    public TerritoryKindGraphType() => Name = "TerritoryKind";
}

internal sealed class AdminCentreGraphType : ObjectGraphType<AdminCentre>
{
    public AdminCentreGraphType()
    {
        Name = "AdminCentre";
        Field(x => x.NameKk);
        Field(x => x.NameRu);
        Field(x => x.NameEn);
        Field<NonNullGraphType<GeometryGraphType>>("point").Resolve(ctx => ctx.Source.Point);
    }
}

internal sealed class PopulationTotalGraphType : ObjectGraphType<PopulationTotal>
{
    public PopulationTotalGraphType()
    {
        Name = "TerritoryPopulationTotal";
        Description = "A district's resident population as a statistics office published it.";
        Field<NonNullGraphType<LongGraphType>>("total").Resolve(ctx => ctx.Source.Total);
        Field(x => x.Year).Description("The year the figure is for.");
        Field(x => x.Source).Description("Who published it.");
    }
}

internal sealed class TerritoryGraphType : ObjectGraphType<Territory>
{
    public TerritoryGraphType(TerritoryLoaders loaders, Regimes.RegimeLoaders regimeLoaders, Situation.SituationLoaders situation,
        Situation.SituationLevelLoaders levels)
    {
        Name = "Territory";
        Description = "An administrative-territorial unit and the zone of responsibility of a territorial department.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Same as kato.").Resolve(ctx => ctx.Source.Kato);
        Field(x => x.Kato).Description("9-digit KATO code.");
        Field<NonNullGraphType<TerritoryLevelGraphType>>("level").Resolve(ctx => ctx.Source.Level);
        Field<NonNullGraphType<TerritoryKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(x => x.NameKk).Description("Name in Kazakh.");
        Field(x => x.NameRu).Description("Name in Russian.");
        Field(x => x.NameEn).Description("Name in English.");
        Field("iso3166", x => x.Iso3166, nullable: true).Description("ISO 3166-2 code (numeric form, e.g. KZ-75); regions only.");
        Field(x => x.AreaKm2).Description("Geodesic area on the WGS 84 spheroid, km².");
        Field<AdminCentreGraphType>("adminCentre").Description("Administrative centre; regions only.").Resolve(ctx => ctx.Source.AdminCentre);
        Field<NonNullGraphType<LongGraphType>>("population")
            .Description("Sum of the populations of the reference settlements (GeoNames places of 15,000 or more) inside; not a census total.")
            .Costing(Costs.SpatialJoin)
            .Resolve(ctx => loaders.PopulationByKato(ctx, ctx.Source.Kato));
        Field<PopulationTotalGraphType>("populationTotal")
            .Description("The published resident population, when an administrator has set it (setTerritoryPopulation); districts only, null otherwise.")
            .Resolve(ctx => ctx.Source.PopulationTotal);
        ResponseBudgetVisitor.SizedBeforeRead(Field<NonNullGraphType<GeometryGraphType>>("geometry")
            .Description("Boundary as GeoJSON MultiPolygon, optionally simplified for display.")
            .Argument<FloatGraphType>("simplifyMeters", "Simplification tolerance in metres; 0 or absent returns the full boundary.")
            .CostingBoundary())
            .Resolve(ctx =>
            {
                var tolerance = ctx.GetArgument<double?>("simplifyMeters") ?? 0;
                if (!double.IsFinite(tolerance) || tolerance is < 0 or > 100_000)
                {
                    throw new BadUserInputException("simplifyMeters must be between 0 and 100000", "simplifyMeters");
                }

                return loaders.GeometryByKato(ctx, ctx.Source.Kato, tolerance);
            });
        Field<TerritoryGraphType>("parent")
            .Description("The region of a district; null for regions and when the region is outside the token's territories.")
            .Resolve(ctx => ctx.Source.ParentKato is { } parent ? loaders.TerritoryByKato(ctx, parent) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TerritoryGraphType>>>>("children")
            .Description("Districts of a region, ordered by KATO.")
            .Resolve(ctx => loaders.TerritoriesByParentKato(ctx, ctx.Source.Kato));
        Regimes.RegimeLoaders.AddTerritoryFields(this, regimeLoaders);
        Situation.SituationQueries.AddTerritoryFields(this, situation);
        Situation.SituationLevelQueries.AddTerritoryFields(this, levels);
    }
}

internal sealed class TerritoryConnectionGraphType() : ConnectionGraphType<Territory, TerritoryGraphType>("Territory");
