using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using Npgsql;

namespace Dispatch.Gis.Situation;

internal sealed class SituationLevelLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<TerritorySituation?> SituationByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.One<string, TerritorySituation>(ctx, "SituationByKato", kato, (keys, ct) => SituationReportDb.ByKatoAsync(db, keys, ct));

    public IDataLoaderResult<RegimeSuggestion?> SuggestionById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, RegimeSuggestion>(ctx, "RegimeSuggestionById", id, (keys, ct) => RegimeSuggestionDb.ByIdAsync(db, keys, ct));
}
