using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using Npgsql;

namespace Dispatch.Gis.Forecasts;

internal sealed record ForecastFilter(TerritoryScope Scope, ForecastState? State, Paging Paging);

/// <summary>SQL text of the forecasts; values are always parameters.</summary>
internal static class ForecastSql
{
    public const string Columns = """
        f.id, f.model, f.state, f.progress, f.dangerous_object_id, f.incident_id, f.source, f.territory_kato, f.substance, f.released_mass_kg,
        f.horizons_minutes, f.weather::text, f.compressed_gas, f.station_id, f.inputs::text, f.inputs_hash, f.version, f.assumptions, f.warnings::text,
        f.error, f.created_by, f.created_at, f.started_at, f.finished_at, f.mass_from_stock, f.parameters::text, f.hydro_post_id, f.figures::text
        """;

    public const string ById = $"SELECT {Columns} FROM forecasts f WHERE f.id = ANY($1)";

    public const string LockById = $"SELECT {Columns} FROM forecasts f WHERE f.id = $1 FOR NO KEY UPDATE";

    public const string Insert = """
        INSERT INTO forecasts (model, dangerous_object_id, incident_id, source, territory_kato, substance, released_mass_kg, horizons_minutes, weather,
                               compressed_gas, created_by, mass_from_stock, parameters, hydro_post_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13::jsonb, $14)
        RETURNING id
        """;

    public const string SetState = """
        UPDATE forecasts SET state = $2, progress = $3, error = $4, updated_at = clock_timestamp(),
            started_at = CASE WHEN $2 = 'RUNNING' THEN clock_timestamp() ELSE started_at END,
            finished_at = CASE WHEN $2 IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN clock_timestamp() ELSE finished_at END
        WHERE id = $1
        """;

    public const string Computed = """
        UPDATE forecasts SET state = 'SUCCEEDED', progress = 1, error = NULL, version = version + 1, station_id = $2, inputs = $3::jsonb, inputs_hash = $4,
            assumptions = $5, warnings = $6::jsonb, weather_seen = $7, figures = $8::jsonb, updated_at = clock_timestamp(), finished_at = clock_timestamp()
        WHERE id = $1
        RETURNING version
        """;

    public const string InsertVersion = """
        INSERT INTO forecast_versions (forecast_id, version, reason, inputs, inputs_hash, station_id) VALUES ($1, $2, $3, $4::jsonb, $5, $6)
        """;

    public const string VersionsByForecast = """
        SELECT forecast_id, version, reason, inputs::text, inputs_hash, station_id, computed_at
        FROM forecast_versions WHERE forecast_id = ANY($1) ORDER BY forecast_id, version
        """;

    /// <summary>A computation takes the pending request and notes when it reads its inputs (what a later edit is compared with).</summary>
    public const string TakeRequest = """
        UPDATE forecasts SET recompute_requested_at = NULL, evaluated_at = clock_timestamp() WHERE id = $1 AND state <> 'CANCELLED'
        """;

    /// <summary>What the computation saw of the weather, kept when the result stands or the computation failed.</summary>
    public const string Seen = "UPDATE forecasts SET weather_seen = $2 WHERE id = $1";

    public const string HorizonsByForecast = """
        SELECT forecast_id, minutes, zone_id, zone_version, depth_m, table_depth_m, transport_cap_m, possible_area_m2, actual_area_m2, warnings::text,
               exposure::text, figures::text
        FROM forecast_horizons WHERE forecast_id = ANY($1) ORDER BY forecast_id, minutes
        """;

    public const string UpsertHorizon = """
        INSERT INTO forecast_horizons (forecast_id, minutes, zone_id, zone_version, depth_m, table_depth_m, transport_cap_m, possible_area_m2,
                                       actual_area_m2, warnings, exposure, figures)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb)
        ON CONFLICT (forecast_id, minutes) DO UPDATE SET zone_id = EXCLUDED.zone_id, zone_version = EXCLUDED.zone_version, depth_m = EXCLUDED.depth_m,
            table_depth_m = EXCLUDED.table_depth_m, transport_cap_m = EXCLUDED.transport_cap_m, possible_area_m2 = EXCLUDED.possible_area_m2,
            actual_area_m2 = EXCLUDED.actual_area_m2, warnings = EXCLUDED.warnings, exposure = EXCLUDED.exposure,
            figures = EXCLUDED.figures
        """;

    /// <summary>A horizon the latest computation no longer has (a flood level fallen below the post's lowest, a plume that no longer reaches the threshold).</summary>
    public const string DeleteHorizon = "DELETE FROM forecast_horizons WHERE forecast_id = $1 AND minutes = $2";

    /// <summary>A monitoring station's place, territory and kind.</summary>
    public const string StationSource = "SELECT geom, territory_kato, kind FROM monitoring_stations WHERE id = $1";

    /// <summary>A dangerous object's place: a point on its shape (a site polygon's point on surface), its territory.</summary>
    public const string ObjectSource = """
        SELECT ST_PointOnSurface(geom), territory_kato FROM dangerous_objects WHERE id = $1 AND geom IS NOT NULL
        """;

    /// <summary>
    /// The nearest meteorological station within $2 metres with a fresh wind or temperature reading ($3: how old a reading may be).
    /// </summary>
    public const string NearestMeteo = $"""
        SELECT s.id, s.code, ST_Distance(s.geom::geography, $1::geography), ws.value, ws.observed_at, t.value, t.observed_at, {ForecastWatchSql.WeatherSeen}
        FROM monitoring_stations s
        LEFT JOIN station_latest ws ON ws.station_id = s.id AND ws.parameter = 'WIND_SPEED' AND ws.observed_at > clock_timestamp() - $3::interval
        LEFT JOIN station_latest t ON t.station_id = s.id AND t.parameter = 'AIR_TEMPERATURE' AND t.observed_at > clock_timestamp() - $3::interval
        WHERE s.kind = 'METEO_STATION' AND (ws.value IS NOT NULL OR t.value IS NOT NULL) AND ST_DWithin(s.geom::geography, $1::geography, $2)
        ORDER BY s.geom::geography <-> $1::geography
        LIMIT 1
        """;

    public static (string Sql, NpgsqlParameter[] Parameters) List(ForecastFilter filter)
    {
        var where = Conditions(filter);
        var page = where.KeysetPage("f.id", filter.Paging.AfterGuid, filter.Paging.First);
        return ($"SELECT {Columns} FROM forecasts f{where.Sql}{page}", where.Parameters);
    }

    public static (string Sql, NpgsqlParameter[] Parameters) Count(ForecastFilter filter)
    {
        var where = Conditions(filter);
        return ($"SELECT count(*) FROM forecasts f{where.Sql}", where.Parameters);
    }

    private static SqlConditions Conditions(ForecastFilter filter)
    {
        var where = new SqlConditions();
        where.AddScope("f.territory_kato", filter.Scope.SqlCodes);
        where.AddEqual("f.state", filter.State);
        return where;
    }
}
