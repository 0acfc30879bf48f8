namespace Dispatch.Gis.Monitoring;

/// <summary>SQL fragments that show a station the way the map and the OGC collection both do.</summary>
internal static class StationSql
{
    /// <summary>
    /// FROM monitoring_stations s with its worst current reading as <c>worst</c> (level, parameter, value, observed_at):
    /// a station is shown at the level of its worst parameter, newest first among equals. station_latest holds one row
    /// per station and parameter, so the lateral read is a handful of index rows.
    /// </summary>
    public const string WithWorstReading = """
        monitoring_stations s
        LEFT JOIN LATERAL (
            SELECT l.level, l.parameter, l.value, l.observed_at
            FROM station_latest l
            WHERE l.station_id = s.id
            ORDER BY array_position(ARRAY['NORMAL', 'ELEVATED', 'HIGH', 'CRITICAL'], l.level) DESC, l.observed_at DESC
            LIMIT 1
        ) worst ON true
        """;

    /// <summary>NO_DATA until the first reading: a station that never reported is not "normal".</summary>
    public const string Level = "coalesce(worst.level, 'NO_DATA')";

    /// <summary>Orders NO_DATA below NORMAL, so the worst stations win a crowded tile.</summary>
    public const string LevelRank = "coalesce(array_position(ARRAY['NORMAL', 'ELEVATED', 'HIGH', 'CRITICAL'], worst.level), 0)";
}
