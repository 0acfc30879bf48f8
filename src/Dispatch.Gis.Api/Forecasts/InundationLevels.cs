using Dispatch.Gis.Auth;
using Dispatch.Gis.Events;
using Dispatch.Gis.Forecasts.Models;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using GraphQL;
using GraphQL.Types;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

internal sealed record StoredInundationLevel(double LevelMetres, Polygon Zone, string? Basis, DateTime SetAt);

/// <summary>The level a hydro post last reported (WATER_LEVEL, cm above the post's zero, as station_latest keeps it).</summary>
internal sealed record ObservedLevel(double Metres, DateTime ObservedAt, string Seen);

internal static class InundationLevelDb
{
    private const string ByStation = """
        SELECT level_m, geom, basis, set_at FROM inundation_levels WHERE station_id = $1 ORDER BY level_m
        """;

    private const string Delete = "DELETE FROM inundation_levels WHERE station_id = $1";

    private const string Insert = """
        INSERT INTO inundation_levels (station_id, level_m, geom, basis, set_by)
        SELECT $1, l, g, b, $5 FROM unnest($2::float8[], $3::geometry[], $4::text[]) AS s(l, g, b)
        """;

    private const string Latest = $"""
        SELECT value, observed_at, {ForecastWatchSql.LevelSeen} FROM station_latest lv WHERE lv.station_id = $1 AND lv.parameter = 'WATER_LEVEL'
        """;

    public static Task<List<StoredInundationLevel>> ByStationAsync(NpgsqlDataSource db, Guid station, CancellationToken ct) =>
        Db.ReadAllAsync(db, ByStation, r => new StoredInundationLevel(r.GetDouble(0), r.GetFieldValue<Polygon>(1), r.TextOrNull(2), r.GetDateTime(3)), ct,
            new NpgsqlParameter { Value = station });

    public static async Task<ObservedLevel?> LatestAsync(NpgsqlDataSource db, Guid station, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, Latest, r => new ObservedLevel(r.GetDouble(0) / 100, r.GetDateTime(1), r.GetString(2)), ct,
            new NpgsqlParameter { Value = station });
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Replaces the post's levels under the station's row lock, so two edits never interleave.</summary>
    public static async Task SetAsync(UnitOfWork w, Guid station, string? territory, Point at, IReadOnlyList<InundationLevel> levels, IReadOnlyList<string?> bases,
        CancellationToken ct)
    {
        await w.LockAsync(LockedTable.MonitoringStations, [station], ct);
        await using (var delete = w.Command(Delete))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = station });
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = w.Command(Insert))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = station });
            insert.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.LevelMetres).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = levels.Select(l => l.Zone).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = bases.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            await insert.ExecuteNonQueryAsync(ct);
        }

        w.Add(new NewEvent("INUNDATION_LEVELS_SET", "MonitoringStation", station.ToString(),
            new { stationId = station, levelsMetres = levels.Select(l => l.LevelMetres).ToArray() }, at, territory));
    }
}

internal sealed record InundationLevelInput(double LevelMetres, Geometry Zone, string? Basis);

/// <summary>setInundationLevels: a hydro post's precomputed inundation polygons, one per level, replaced whole.</summary>
internal sealed class InundationLevelMutations(NpgsqlDataSource db, SpatialArguments spatial)
{
    public const int MaxLevels = 50;

    public void AddTo(ObjectGraphType root) =>
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<InundationLevelGraphType>>>>("setInundationLevels")
            .Description("Replaces a HYDRO_POST's inundation polygons (one Polygon per level, metres above the post's zero); FLOOD_BY_LEVEL forecasts draw them. An empty list clears them.")
            .Argument<NonNullGraphType<IdGraphType>>("hydroPost")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<InundationLevelInputGraphType>>>>("levels")
            .Argument<IntGraphType>("crs")
            .AllowRoles(Role.Admin)
            .ResolveAsync(SetInundationLevelsAsync);

    private async Task<object?> SetInundationLevelsAsync(IResolveFieldContext ctx)
    {
        var ct = ctx.CancellationToken;
        var id = ctx.GetId("hydroPost");
        var post = await ForecastDb.StationSourceAsync(db, id, ct) ?? throw new NotFoundException("no such monitoring station", "hydroPost");
        ctx.AuditTerritory(post.Territory);
        ctx.Caller().RequireTerritory(post.Territory, "hydroPost");
        if (post.Kind != "HYDRO_POST")
        {
            throw new BadUserInputException($"inundation levels belong to a HYDRO_POST, not a {post.Kind}", "hydroPost");
        }

        var given = ctx.GetArgument<List<InundationLevelInput>>("levels");
        if (given.Count > MaxLevels)
        {
            throw new BadUserInputException($"at most {MaxLevels} levels per post", "levels");
        }

        var epsg = ctx.GetArgument<int?>("crs") ?? GeoJson.Wgs84;
        var levels = new List<InundationLevel>();
        var bases = new List<string?>();
        for (var i = 0; i < given.Count; i++)
        {
            var at = $"levels[{i}]";
            var zone = await spatial.GeometryAsync(given[i].Zone, epsg, at + ".zone", ct) as Polygon
                ?? throw new InvalidGeometryException("an inundation zone is one Polygon", at + ".zone");
            ModelInput.InRange(given[i].LevelMetres, at + ".levelMetres", FloodByLevelStep.MinLevelMetres, FloodByLevelStep.MaxLevelMetres, "m above the post's zero");
            levels.Add(new InundationLevel(given[i].LevelMetres, Geodesy.Rfc7946(zone)));
            bases.Add(TextInput.Optional(given[i].Basis, at + ".basis", TextLimits.Note, multiline: true));
        }

        ForecastSteps.Named(() => FloodByLevel.Select(levels, 0), new Dictionary<string, string>(StringComparer.Ordinal) { ["inundationLevels"] = "levels" });
        await UnitOfWork.RunAsync(db, ctx.WriteOrigin(), w => InundationLevelDb.SetAsync(w, id, post.Territory, post.Source, levels, bases, ct), ct);
        return (await InundationLevelDb.ByStationAsync(db, id, ct)).ToList();
    }
}

internal sealed class InundationLevelInputGraphType : InputObjectGraphType<InundationLevelInput>
{
    public InundationLevelInputGraphType()
    {
        Name = "InundationLevelInput";
        Field<NonNullGraphType<FloatGraphType>>("levelMetres").Description("Metres above the post's zero, −10…30.");
        Field<NonNullGraphType<GeometryGraphType>>("zone").Description("The area under water at this level: one Polygon.");
        Field<StringGraphType>("basis").Description("Where the polygon comes from.");
    }
}

internal sealed class InundationLevelGraphType : ObjectGraphType<StoredInundationLevel>
{
    public InundationLevelGraphType()
    {
        Name = "InundationLevel";
        Field(x => x.LevelMetres);
        Field<NonNullGraphType<GeometryGraphType>>("zone").Resolve(ctx => GeoJson.Write(ctx.Source.Zone));
        Field(x => x.Basis, nullable: true);
        Field<NonNullGraphType<DateTimeGraphType>>("setAt").Resolve(ctx => ctx.Source.SetAt);
    }
}
