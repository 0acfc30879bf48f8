namespace Dispatch.Gis.Forecasts;

/// <summary>SQL of the input watcher and the periodic refresh; values are always parameters.</summary>
internal static class ForecastWatchSql
{
    /// <summary>
    /// What a computation "saw" of the weather stations, as one comparable text: the nearest meteorological station with
    /// a fresh reading and the times of its wind and temperature readings (epoch seconds, independent of the session's
    /// time zone). Both the computation and the watcher compute it with this expression over the same joins.
    /// </summary>
    public const string WeatherSeen = """
        s.id::text || '|' || coalesce(extract(epoch FROM ws.observed_at)::text, '') || '|' || coalesce(extract(epoch FROM t.observed_at)::text, '')
        """;

    /// <summary>What a flood-by-level computation saw of its post: the time of the post's latest WATER_LEVEL reading (alias lv).</summary>
    public const string LevelSeen = "'level|' || extract(epoch FROM lv.observed_at)::text";

    /// <summary>A forecast still followed: not cancelled, computed at least once, young enough, its incident (if any) not over.</summary>
    private const string Live = """
        f.state <> 'CANCELLED' AND f.evaluated_at IS NOT NULL AND f.created_at > clock_timestamp() - $1::interval
          AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = f.incident_id AND i.status IN ('LIQUIDATED', 'CLOSED'))
        """;

    /// <summary>
    /// Live forecasts whose inputs changed since their last computation read them ($1 active window, $2 meteo radius in
    /// metres, $3 reading age, $4 how long a pending request is trusted): the nearest fresh meteorological station or its
    /// readings differ from what the computation saw (only when the officer did not give both wind and temperature), or
    /// the object whose stock is the released mass, or whose dam breaks, was edited after the computation read it; or the
    /// hydro post whose level a flood follows has a newer WATER_LEVEL reading (what it saw is kept in weather_seen too).
    /// </summary>
    public const string Due = $"""
        SELECT f.id,
               (f.mass_from_stock AND o.updated_at > f.evaluated_at) AS stock_changed,
               (f.model = 'DAM_BREAK' AND o.updated_at > f.evaluated_at) AS dam_changed,
               f.model IN ('CHEMICAL_RELEASE', 'GAUSSIAN_PLUME')
                 AND (f.weather IS NULL OR f.weather ->> 'windSpeedMetresPerSecond' IS NULL OR f.weather ->> 'airTemperatureCelsius' IS NULL)
                 AND f.weather_seen IS DISTINCT FROM n.seen AS weather_changed,
               f.model = 'FLOOD_BY_LEVEL' AND f.parameters ->> 'waterLevelMetres' IS NULL
                 AND f.weather_seen IS DISTINCT FROM {LevelSeen} AS level_changed
        FROM forecasts f
        LEFT JOIN dangerous_objects o ON o.id = f.dangerous_object_id
        LEFT JOIN station_latest lv ON lv.station_id = f.hydro_post_id AND lv.parameter = 'WATER_LEVEL'
        LEFT JOIN LATERAL (
            SELECT {WeatherSeen} AS seen
            FROM monitoring_stations s
            LEFT JOIN station_latest ws ON ws.station_id = s.id AND ws.parameter = 'WIND_SPEED' AND ws.observed_at > clock_timestamp() - $3::interval
            LEFT JOIN station_latest t ON t.station_id = s.id AND t.parameter = 'AIR_TEMPERATURE' AND t.observed_at > clock_timestamp() - $3::interval
            WHERE s.kind = 'METEO_STATION' AND (ws.value IS NOT NULL OR t.value IS NOT NULL) AND ST_DWithin(s.geom::geography, f.source::geography, $2)
            ORDER BY s.geom::geography <-> f.source::geography
            LIMIT 1
        ) n ON true
        WHERE {Live}
          AND (f.recompute_requested_at IS NULL OR f.recompute_requested_at < clock_timestamp() - $4::interval)
          AND (((f.mass_from_stock OR f.model = 'DAM_BREAK') AND o.updated_at > f.evaluated_at)
               OR (f.model IN ('CHEMICAL_RELEASE', 'GAUSSIAN_PLUME')
                   AND (f.weather IS NULL OR f.weather ->> 'windSpeedMetresPerSecond' IS NULL OR f.weather ->> 'airTemperatureCelsius' IS NULL)
                   AND f.weather_seen IS DISTINCT FROM n.seen)
               OR (f.model = 'FLOOD_BY_LEVEL' AND f.parameters ->> 'waterLevelMetres' IS NULL
                   AND f.weather_seen IS DISTINCT FROM {LevelSeen}))
        ORDER BY f.id
        """;

    /// <summary>Every live forecast ($1 active window), for the periodic refresh.</summary>
    public const string AllLive = $"SELECT f.id FROM forecasts f WHERE {Live} ORDER BY f.id";

    /// <summary>
    /// Marks the forecasts ($1) as asked to recompute, locking them in id order; a forecast whose request another
    /// instance has just made ($2: how long a request is trusted) is left out, so a change is announced once.
    /// </summary>
    public const string Request = """
        WITH locked AS (SELECT id FROM forecasts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE)
        UPDATE forecasts f SET recompute_requested_at = clock_timestamp()
        FROM locked
        WHERE f.id = locked.id AND f.state <> 'CANCELLED'
          AND ($2::interval IS NULL OR f.recompute_requested_at IS NULL OR f.recompute_requested_at < clock_timestamp() - $2::interval)
        RETURNING f.id, f.incident_id, f.version, f.source, f.territory_kato
        """;
}
