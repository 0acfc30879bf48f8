using Dispatch.Gis.GraphQL;
using GraphQL;
using GraphQL.DataLoader;
using Npgsql;

namespace Dispatch.Gis.Situation;

internal sealed class SituationLoaders(NpgsqlDataSource db)
{
    public IDataLoaderResult<IReadOnlyList<SituationRecipient>> RecipientsByUpdateId(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.Many<Guid, SituationRecipient>(ctx, "RecipientsByUpdateId", id, (keys, ct) => SituationDb.RecipientsAsync(db, keys, ct));

    public IDataLoaderResult<SituationUpdate?> UpdateById(IResolveFieldContext ctx, Guid id) =>
        RequestLoaders.One<Guid, SituationUpdate>(ctx, "SituationUpdateById", id, (keys, ct) => SituationDb.ByIdAsync(db, keys, ct));

    public IDataLoaderResult<ReadinessState?> ReadinessByKato(IResolveFieldContext ctx, string kato) =>
        RequestLoaders.One<string, ReadinessState>(ctx, "ReadinessByKato", kato, (keys, ct) => ReadinessDb.ByKatoAsync(db, keys, ct));
}
