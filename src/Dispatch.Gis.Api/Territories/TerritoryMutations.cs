using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace Dispatch.Gis.Territories;

/// <summary>Reference figures an administrator keeps for a territory; the boundaries themselves come only from the data load.</summary>
internal sealed class TerritoryMutations(NpgsqlDataSource db, TimeProvider clock)
{
    public const int FirstYear = 1900;

    public void AddTo(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<TerritoryGraphType>>("setTerritoryPopulation")
            .Description("Sets a district's published resident population (e.g. the Bureau of National Statistics' figure for a year), or clears it when " +
                "total is null. Forecast exposure area-weights what of it lives outside the settlement points.")
            .Argument<NonNullGraphType<StringGraphType>>("kato", "The district's 9-digit KATO code.")
            .Argument<LongGraphType>("total", "Residents; null clears the figure with its year and source.")
            .Argument<IntGraphType>("year", "The year the figure is for; required with total.")
            .Argument<StringGraphType>("source", "Who published it (and where); required with total.")
            .AllowRoles(Role.Admin)
            .ResolveAsync(SetPopulationAsync);
    }

    private async Task<object?> SetPopulationAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var kato = ctx.GetArgument<string>("kato");
        var total = ctx.GetArgument<long?>("total");
        ctx.AuditTerritory(kato);
        ctx.Caller().RequireTerritory(kato, "kato");
        var territory = (await TerritoryDb.ByKatoAsync(db, [kato], ct)).TryGetValue(kato, out var found) ? found : throw new NotFoundException($"no territory with KATO {kato}", "kato");
        if (territory.Level != TerritoryLevel.District)
        {
            // Region totals would count the same people again over their districts.
            throw new BadUserInputException("population totals are kept for districts only", "kato");
        }

        PopulationTotal? figure = null;
        if (total is { } people)
        {
            if (people < 0)
            {
                throw new BadUserInputException("total must not be negative", "total");
            }

            var year = ctx.GetArgument<int?>("year") ?? throw new BadUserInputException("give the year the total is for", "year");
            if (year < FirstYear || year > clock.GetUtcNow().Year)
            {
                throw new BadUserInputException($"year must be between {FirstYear} and this year", "year");
            }

            figure = new PopulationTotal(people, year, TextInput.Required(ctx.GetArgument<string?>("source"), "source", TextLimits.ShortText));
        }

        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), async w =>
        {
            await using var cmd = w.Command(TerritorySql.SetPopulation);
            cmd.Parameters.Add(new NpgsqlParameter { Value = kato });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)figure?.Total ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)figure?.Year ?? DBNull.Value });
            cmd.Parameters.Add(Db.Nullable(figure?.Source));
            await cmd.ExecuteNonQueryAsync(ct);
            w.Add(new NewEvent("TERRITORY_POPULATION_SET", "Territory", kato,
                new { kato, before = territory.PopulationTotal, after = figure }, null, kato));
        }, ct);
        return (await TerritoryDb.ByKatoAsync(db, [kato], ct))[kato];
    }
}
