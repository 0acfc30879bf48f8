-- Flood by level (issue 11): inundation polygons precomputed for a hydro post, one per water level (metres above
-- the post's zero; the post's WATER_LEVEL readings are in cm). An observed or given level selects the polygon of the
-- highest level not above it (Forecasts/Models/FloodByLevel.cs). Set through setInundationLevels, replaced whole.
CREATE TABLE inundation_levels (
    station_id      uuid NOT NULL REFERENCES monitoring_stations (id) ON DELETE CASCADE,
    level_m         double precision NOT NULL CHECK (level_m BETWEEN -10 AND 30),   -- WATER_LEVEL's range, -1000…3000 cm
    geom            geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    basis           text,                                  -- where the polygon comes from (a DEM run, a survey of a past flood)
    set_by          text NOT NULL,
    set_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, level_m)
);
CREATE INDEX inundation_levels_geom_idx ON inundation_levels USING gist (geom);
