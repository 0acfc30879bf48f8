using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Regimes;

internal sealed class RegimeGraphType : EnumerationGraphType<Regime>
{
    public RegimeGraphType()
    {
        Name = "Regime";
        Description = "Interaction regime of the duty-dispatch services in a territory (Rules §5).";
    }
}

internal sealed class RegimeDeclarationGraphType : ObjectGraphType<RegimeDeclaration>
{
    public RegimeDeclarationGraphType()
    {
        Name = "RegimeDeclaration";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.TerritoryKato);
        Field<NonNullGraphType<RegimeGraphType>>("regime").Resolve(ctx => ctx.Source.Regime);
        Field(x => x.Basis).Description("The decision or reason, e.g. an akim's decision number.");
        Field(x => x.DeclaredBy);
        Field<NonNullGraphType<DateTimeGraphType>>("validFrom").Resolve(ctx => ctx.Source.ValidFrom);
        Field<DateTimeGraphType>("validTo").Description("Null while in force.").Resolve(ctx => ctx.Source.ValidTo);
    }
}

internal sealed class RegimeStateGraphType : ObjectGraphType<RegimeState>
{
    public RegimeStateGraphType()
    {
        Name = "RegimeState";
        Field<NonNullGraphType<RegimeGraphType>>("own").Description("Declared for this territory (DAILY when never declared).").Resolve(ctx => ctx.Source.OwnRegime);
        Field<NonNullGraphType<RegimeGraphType>>("effective").Description("The higher of its own and its region's.").Resolve(ctx => ctx.Source.Effective);
        Field<RegimeDeclarationGraphType>("decidedBy").Description("The declaration in force that sets the effective regime.").Resolve(ctx => ctx.Source.Decisive);
    }
}

/// <summary>Regime fields on Territory, loaded in batches.</summary>
internal sealed class RegimeLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<RegimeState> StateByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Of(ctx).Get<string, RegimeState>("RegimeStateByKato",
            (keys, ct) => RegimeDb.StateByKatoAsync(db, keys, ct), missing: new RegimeState(kato, null, null)).Load(kato);

    public IDataLoaderResult<IReadOnlyList<RegimeDeclaration>> HistoryByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Many<string, RegimeDeclaration>(ctx, "RegimeHistoryByKato", kato, (keys, ct) => RegimeDb.HistoryByKatoAsync(db, keys, ct));

    public static void AddTerritoryFields(ObjectGraphType<Territory> territory, RegimeLoaders loaders)
    {
        territory.Field<NonNullGraphType<RegimeStateGraphType>>("regime")
            .Resolve(ctx => loaders.StateByKato(ctx, ctx.Source.Kato));
        territory.Field<NonNullGraphType<ListGraphType<NonNullGraphType<RegimeDeclarationGraphType>>>>("regimeHistory")
            .Description("Every declaration for this territory, newest first.")
            .Resolve(ctx => loaders.HistoryByKato(ctx, ctx.Source.Kato));
    }
}
