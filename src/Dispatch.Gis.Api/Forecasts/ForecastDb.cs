using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatch.Gis.Events;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.Forecasts;

internal sealed record NewForecast(ForecastModel Model, Guid? DangerousObject, Guid? Incident, Point Source, string? Territory, string? Substance,
    double? ReleasedMassKilograms, IReadOnlyList<int> HorizonsMinutes, ForecastWeather? Weather, bool CompressedGas, bool MassFromStock = false,
    ForecastParameters? Parameters = null, Guid? HydroPost = null);

internal static class ForecastDb
{
    /// <summary>How forecasts' JSON columns are written and read: camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<IDictionary<Guid, Forecast>> ByIdAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids, CancellationToken ct) =>
        (await Db.ReadAllAsync(db, ForecastSql.ById, Read, ct, Db.Ids(ids))).ToDictionary(f => f.Id);

    public static async Task<Connection<Forecast>> ListAsync(NpgsqlDataSource db, ForecastFilter filter, CancellationToken ct)
    {
        var (sql, parameters) = ForecastSql.List(filter);
        var rows = await Db.ReadAllAsync(db, sql, Read, ct, parameters);
        var (countSql, countParameters) = ForecastSql.Count(filter);
        return Connection<Forecast>.Page(rows, filter.Paging, f => Paging.EncodeCursor(f.Id.ToString()), token => Db.CountAsync(db, countSql, countParameters, token));
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<ForecastHorizon>>> HorizonsByForecastAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids,
        CancellationToken ct) =>
        (await Db.ReadAllAsync(db, ForecastSql.HorizonsByForecast, r => new ForecastHorizon(r.GetGuid(0), r.GetInt32(1), r.GetGuid(2), r.GetInt32(3),
            DoubleOrNull(r, 4), DoubleOrNull(r, 5), DoubleOrNull(r, 6), DoubleOrNull(r, 7), DoubleOrNull(r, 8),
            JsonSerializer.Deserialize<List<ForecastWarning>>(r.GetString(9), Json) ?? [],
            JsonSerializer.Deserialize<Exposure>(r.GetString(10), Json)!, JsonDocument.Parse(r.GetString(11)).RootElement.Clone()), ct, Db.Ids(ids)))
        .GroupBy(h => h.ForecastId).ToDictionary(g => g.Key, g => (IReadOnlyList<ForecastHorizon>)g.ToList());

    /// <summary>Where a dangerous object is (a point on its shape) and its territory; null when it has no usable location.</summary>
    public static async Task<(Point Source, string? Territory)?> ObjectSourceAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, ForecastSql.ObjectSource, r => (r.GetFieldValue<Point>(0), r.TextOrNull(1)), ct,
            new NpgsqlParameter { Value = id });
        return rows.Count == 0 ? null : rows[0];
    }

    public static async Task<Guid> CreateAsync(UnitOfWork w, NewForecast forecast, CancellationToken ct)
    {
        Guid id;
        await using (var cmd = w.Command(ForecastSql.Insert))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(forecast.Model) });
            cmd.Parameters.Add(Db.NullableId(forecast.DangerousObject));
            cmd.Parameters.Add(Db.NullableId(forecast.Incident));
            cmd.Parameters.Add(new NpgsqlParameter { Value = forecast.Source });
            cmd.Parameters.Add(Db.Nullable(forecast.Territory));
            cmd.Parameters.Add(Db.Nullable(forecast.Substance));
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = (object?)forecast.ReleasedMassKilograms ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = forecast.HorizonsMinutes.ToArray() });
            cmd.Parameters.Add(Db.Nullable(forecast.Weather is null ? null : JsonSerializer.Serialize(forecast.Weather, Json)));
            cmd.Parameters.Add(new NpgsqlParameter { Value = forecast.CompressedGas });
            cmd.Parameters.Add(new NpgsqlParameter { Value = w.Actor });
            cmd.Parameters.Add(new NpgsqlParameter { Value = forecast.MassFromStock });
            cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(forecast.Parameters ?? new ForecastParameters(), Json) });
            cmd.Parameters.Add(Db.NullableId(forecast.HydroPost));
            id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        }

        w.Add(new NewEvent("FORECAST_QUEUED", "Forecast", id.ToString(), new
        {
            forecastId = id, model = DbEnum.Text(forecast.Model), incidentId = forecast.Incident, dangerousObjectId = forecast.DangerousObject,
            substance = forecast.Substance, releasedMassKilograms = forecast.ReleasedMassKilograms, horizonsMinutes = forecast.HorizonsMinutes,
            parameters = forecast.Parameters, hydroPostId = forecast.HydroPost,
        }, forecast.Source, forecast.Territory));
        return id;
    }

    /// <summary>Locks the forecast's row for a change of state (after the geofence gate, before any zone row).</summary>
    public static async Task<Forecast> LockAsync(UnitOfWork w, Guid id, CancellationToken ct) =>
        (await Db.ReadAllAsync(w, ForecastSql.LockById, Read, ct, new NpgsqlParameter { Value = id })).SingleOrDefault()
        ?? throw new NotFoundException("no such forecast", "forecast");

    public static async Task SetStateAsync(UnitOfWork w, Guid id, ForecastState state, double progress, string? error, CancellationToken ct)
    {
        await using var cmd = w.Command(ForecastSql.SetState);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DbEnum.Text(state) });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Real, Value = (float)progress });
        cmd.Parameters.Add(Db.Nullable(error));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<int> ComputedAsync(UnitOfWork w, Guid id, Guid? station, string inputsJson, string hash, IReadOnlyList<string> assumptions,
        IReadOnlyList<ForecastWarning> warnings, string? weatherSeen, string? figuresJson, ComputationReason reason, CancellationToken ct)
    {
        int version;
        await using var cmd = w.Command(ForecastSql.Computed);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(Db.NullableId(station));
        cmd.Parameters.Add(new NpgsqlParameter { Value = inputsJson });
        cmd.Parameters.Add(new NpgsqlParameter { Value = hash });
        cmd.Parameters.Add(new NpgsqlParameter { Value = assumptions.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(warnings, Json) });
        cmd.Parameters.Add(Db.Nullable(weatherSeen));
        cmd.Parameters.Add(Db.Nullable(figuresJson));
        version = (int)(await cmd.ExecuteScalarAsync(ct))!;
        await using var history = w.Command(ForecastSql.InsertVersion);
        history.Parameters.Add(new NpgsqlParameter { Value = id });
        history.Parameters.Add(new NpgsqlParameter { Value = version });
        history.Parameters.Add(new NpgsqlParameter { Value = DbEnum.Text(reason) });
        history.Parameters.Add(new NpgsqlParameter { Value = inputsJson });
        history.Parameters.Add(new NpgsqlParameter { Value = hash });
        history.Parameters.Add(Db.NullableId(station));
        await history.ExecuteNonQueryAsync(ct);
        return version;
    }

    /// <summary>A row of a recomputation request: what its event names.</summary>
    public sealed record Requested(Guid Id, Guid? IncidentId, int Version, Point Source, string? TerritoryKato);

    /// <summary>Marks forecasts as asked to recompute (see <see cref="ForecastWatchSql.Request"/>); returns those marked now.</summary>
    public static async Task<List<Requested>> RequestAsync(UnitOfWork w, IReadOnlyList<Guid> ids, TimeSpan? trustPendingFor, CancellationToken ct) =>
        await Db.ReadAllAsync(w, ForecastWatchSql.Request, r => new Requested(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetInt32(2),
                r.GetFieldValue<Point>(3), r.TextOrNull(4)), ct, Db.Ids(ids),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = (object?)trustPendingFor ?? DBNull.Value });

    public static async Task TakeRequestAsync(UnitOfWork w, Guid id, CancellationToken ct)
    {
        await using var cmd = w.Command(ForecastSql.TakeRequest);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task SeenAsync(UnitOfWork w, Guid id, string? weatherSeen, CancellationToken ct)
    {
        await using var cmd = w.Command(ForecastSql.Seen);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(Db.Nullable(weatherSeen));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IDictionary<Guid, IReadOnlyList<ForecastVersion>>> VersionsByForecastAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids,
        CancellationToken ct) =>
        (await Db.ReadAllAsync(db, ForecastSql.VersionsByForecast, r => new ForecastVersion(r.GetGuid(0), r.GetInt32(1),
            DbEnum.Parse<ComputationReason>(r.GetString(2)), JsonDocument.Parse(r.GetString(3)).RootElement.Clone(), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetGuid(5), r.GetDateTime(6)), ct, Db.Ids(ids)))
        .GroupBy(v => v.ForecastId).ToDictionary(g => g.Key, g => (IReadOnlyList<ForecastVersion>)g.ToList());

    public static async Task UpsertHorizonAsync(UnitOfWork w, ForecastHorizon h, CancellationToken ct)
    {
        await using var cmd = w.Command(ForecastSql.UpsertHorizon);
        cmd.Parameters.Add(new NpgsqlParameter { Value = h.ForecastId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = h.Minutes });
        cmd.Parameters.Add(new NpgsqlParameter { Value = h.ZoneId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = h.ZoneVersion });
        foreach (var figure in new[] { h.DepthMeters, h.TableDepthMeters, h.TransportCapMeters, h.PossibleAreaSquareMeters, h.ActualAreaSquareMeters })
        {
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double, Value = (object?)figure ?? DBNull.Value });
        }

        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(h.Warnings, Json) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(h.Exposure, Json) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = h.Figures?.GetRawText() ?? "{}" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<IReadOnlyList<ForecastHorizon>> HorizonsAsync(UnitOfWork w, Guid id, CancellationToken ct) =>
        await Db.ReadAllAsync(w, ForecastSql.HorizonsByForecast, r => new ForecastHorizon(r.GetGuid(0), r.GetInt32(1), r.GetGuid(2), r.GetInt32(3),
            DoubleOrNull(r, 4), DoubleOrNull(r, 5), DoubleOrNull(r, 6), DoubleOrNull(r, 7), DoubleOrNull(r, 8), [], new Exposure(0, "", [], [], [], [])), ct,
            Db.Ids([id]));

    public static async Task DeleteHorizonAsync(UnitOfWork w, Guid id, int minutes, CancellationToken ct)
    {
        await using var cmd = w.Command(ForecastSql.DeleteHorizon);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = minutes });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A monitoring station's place, territory and kind; null when there is no such station.</summary>
    public static async Task<(Point Source, string? Territory, string Kind)?> StationSourceAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        var rows = await Db.ReadAllAsync(db, ForecastSql.StationSource, r => (r.GetFieldValue<Point>(0), r.TextOrNull(1), r.GetString(2)), ct,
            new NpgsqlParameter { Value = id });
        return rows.Count == 0 ? null : rows[0];
    }

    private static double? DoubleOrNull(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetDouble(ordinal);

    private static Forecast Read(NpgsqlDataReader r) => new(
        r.GetGuid(0), DbEnum.Parse<ForecastModel>(r.GetString(1)), DbEnum.Parse<ForecastState>(r.GetString(2)), r.GetFloat(3),
        r.IsDBNull(4) ? null : r.GetGuid(4), r.IsDBNull(5) ? null : r.GetGuid(5), r.GetFieldValue<Point>(6), r.TextOrNull(7), r.TextOrNull(8), DoubleOrNull(r, 9),
        r.GetFieldValue<int[]>(10), r.IsDBNull(11) ? null : JsonSerializer.Deserialize<ForecastWeather>(r.GetString(11), Json), r.GetBoolean(12),
        r.IsDBNull(13) ? null : r.GetGuid(13), r.IsDBNull(14) ? null : JsonDocument.Parse(r.GetString(14)).RootElement.Clone(), r.TextOrNull(15),
        r.GetInt32(16), r.GetFieldValue<string[]>(17), JsonSerializer.Deserialize<List<ForecastWarning>>(r.GetString(18), Json) ?? [], r.TextOrNull(19),
        r.GetString(20), r.GetDateTime(21), r.IsDBNull(22) ? null : r.GetDateTime(22), r.IsDBNull(23) ? null : r.GetDateTime(23),
        r.GetBoolean(24), JsonSerializer.Deserialize<ForecastParameters>(r.GetString(25), Json) ?? new ForecastParameters(),
        r.IsDBNull(26) ? null : r.GetGuid(26), r.IsDBNull(27) ? null : JsonDocument.Parse(r.GetString(27)).RootElement.Clone());
}
