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
        RequestLoaders.One<string, Territory>(ctx, "TerritoryByKato", kato, (keys, ct) => TerritoryDb.ByKatoAsync(db, keys, ct));

    /// <summary>The territory a KATO code names; NOT_FOUND naming the argument when there is none.</summary>
    public async Task<Territory> RequireAsync(IResolveFieldContext ctx, string kato, string argument) =>
        await TerritoryByKato(ctx, kato).GetResultAsync(ctx.CancellationToken) ?? throw new NotFoundException($"no territory with KATO {kato}", argument);

    public IDataLoaderResult<IReadOnlyList<Territory>> TerritoriesByParentKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Many<string, Territory>(ctx, "TerritoriesByParentKato", kato, (keys, ct) => TerritoryDb.ByParentKatoAsync(db, keys, ct));

    public IDataLoaderResult<long> PopulationByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.Of(ctx).Get<string, long>("PopulationByKato",
            (keys, ct) => TerritoryDb.PopulationByKatoAsync(db, keys, ct), missing: 0).Load(kato);

    // One loader per tolerance: a query that asks for two tolerances gets two batches, each still one query.
    public IDataLoaderResult<JsonElement> GeometryByKato(IResolveFieldContext ctx, string kato, double simplifyMeters)
    {
        var budget = ResponseBudget.Of(ctx);
        return RequestLoaders.Of(ctx).Get<string, JsonElement>($"GeometryByKato:{simplifyMeters:R}",
            (keys, ct) => TerritoryDb.GeometryByKatoAsync(db, keys, simplifyMeters, budget, ct), missing: default).Load(kato);
    }
}
