using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Territories;

internal sealed record Settlement(long Id, string Name, string FeatureCode, int Population, Point Point, string? TerritoryKato, double? DistanceMeters) : Auth.ITerritorial;

internal sealed record SettlementFilter(TerritoryScope Scope, SpatialFilter Spatial, int? MinPopulation, Paging Paging);

internal static class SettlementDb
{
    public const string Columns = "s.id, s.name, s.feature_code, s.population, s.geom, s.territory_kato";

    public static async Task<Connection<Settlement>> ListAsync(NpgsqlDataSource db, SettlementFilter filter, CancellationToken ct)
    {
        var where = new SqlConditions();
        where.AddScope("s.territory_kato", filter.Scope.SqlCodes);

        filter.Spatial.AppendTo(where, "s.geom", "s.geom::geography");
        if (filter.MinPopulation is { } min)
        {
            where.Add("s.population >= {0}", min);
        }

        var countSql = $"SELECT count(*) FROM settlements s{where.Sql}";
        var countParameters = where.Parameters;
        var distance = filter.Spatial.DistanceSelect(where, "s.geom::geography");
        var order = filter.Spatial.DistanceOrder(where, "s.geom::geography", "s.id", filter.Paging,
            s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
        object[]? after = null;
        if (order is null && filter.Paging.After is { } cursor)
        {
            // Largest first; the cursor is "population:id".
            var parts = cursor.Split(':');
            if (parts.Length != 2 || !int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var population)
                || !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                throw new BadUserInputException("after is not a cursor this service issued", "after");
            }

            after = [population, id];
        }

        var page = order is null
            ? where.KeysetPage(["s.population", "s.id"], after, filter.Paging.First, descending: true)
            : $" {order} LIMIT {where.Parameter(filter.Paging.First + 1)}";
        await using var cmd = db.CreateCommand($"SELECT {Columns}, {distance} FROM settlements s{where.Sql}{page}");
        cmd.Parameters.AddRange(where.Parameters);
        var rows = await ReadAsync(cmd, ct);

        return Connection<Settlement>.Page(rows, filter.Paging, s => filter.Spatial.ByDistance
                ? filter.Spatial.CursorOf(s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), s.DistanceMeters)
                : Paging.EncodeCursor(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Population}:{s.Id}")),
            token => Db.CountAsync(db, countSql, countParameters, token));
    }

    internal static async Task<List<Settlement>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct, int at = 0)
    {
        var rows = new List<Settlement>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(Map(reader, at));
        }

        return rows;
    }

    internal static Settlement Map(NpgsqlDataReader r, int at) => new(r.GetInt64(at), r.GetString(at + 1), r.GetString(at + 2), r.GetInt32(at + 3),
        r.GetFieldValue<Point>(at + 4), r.IsDBNull(at + 5) ? null : r.GetString(at + 5), r.IsDBNull(at + 6) ? null : r.GetDouble(at + 6));
}

internal sealed class SettlementGraphType : ObjectGraphType<Settlement>
{
    public SettlementGraphType()
    {
        Name = "Settlement";
        Description = "A populated place of 15,000 people or more (GeoNames).";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field(x => x.Name);
        Field(x => x.FeatureCode).Description("GeoNames feature code (PPLC capital, PPLA region seat…).");
        Field(x => x.Population);
        Field<NonNullGraphType<GeometryGraphType>>("point").Resolve(ctx => ctx.Source.Point);
        Field(x => x.TerritoryKato, nullable: true).Description("The district it lies in.");
        Field<FloatGraphType>("distanceMeters").Resolve(ctx => ctx.Source.DistanceMeters);
    }
}

internal sealed class SettlementConnectionGraphType() : ConnectionGraphType<Settlement, SettlementGraphType>("Settlement");

internal static class SettlementQueries
{
    public static void AddTo(ObjectGraphType root, NpgsqlDataSource db, SpatialArguments spatial, IOptions<PagingOptions> paging)
    {
        var field = root.Field<NonNullGraphType<SettlementConnectionGraphType>>("settlements").Description("Settlements, largest first.");
        SpatialArguments.AddTo(field);
        field.Argument<IntGraphType>("minPopulation")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .AllowRoles(AccessRules.Readers)
            .ResolveAsync(async ctx => await SettlementDb.ListAsync(db, new SettlementFilter(ctx.Caller().Scope, await spatial.ReadAsync(ctx),
                ctx.GetArgument<int?>("minPopulation"), Paging.From(ctx.GetArgument<int?>("first"), ctx.GetArgument<string?>("after"), paging.Value)),
                ctx.CancellationToken));
    }
}
