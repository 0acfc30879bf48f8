using System.Text.Json;
using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using Npgsql;

namespace Dispatch.Gis.Territories;

/// <summary>Batch loaders for territory relations: one query per relation and tree level, not one per row.</summary>
internal sealed class TerritoryLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<Territory?> TerritoryByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Of(ctx).Get<string, Territory?>("TerritoryByKato",
            async (keys, ct) => (await TerritoryDb.ByKatoAsync(db, keys, ct)).ToDictionary(p => p.Key, p => (Territory?)p.Value),
            missing: null).Load(kato);

    public IDataLoaderResult<IEnumerable<Territory>> TerritoriesByParentKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Of(ctx).Get<string, IEnumerable<Territory>>("TerritoriesByParentKato",
            async (keys, ct) => (await TerritoryDb.ByParentKatoAsync(db, keys, ct)).ToDictionary(g => g.Key, g => (IEnumerable<Territory>)g.ToList()),
            missing: []).Load(kato);

    public IDataLoaderResult<long> PopulationByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Of(ctx).Get<string, long>("PopulationByKato",
            (keys, ct) => TerritoryDb.PopulationByKatoAsync(db, keys, ct), missing: 0).Load(kato);

    // One loader per tolerance: a query that asks for two tolerances gets two batches, each still one query.
    public IDataLoaderResult<JsonElement> GeometryByKato(IResolveFieldContext ctx, string kato, double simplifyMeters) =>
        RequestLoaders.Of(ctx).Get<string, JsonElement>($"GeometryByKato:{simplifyMeters:R}",
            (keys, ct) => TerritoryDb.GeometryByKatoAsync(db, keys, simplifyMeters, ct), missing: default).Load(kato);
}
