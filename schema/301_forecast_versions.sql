-- Forecasts recomputed when their inputs change (issue 11): every computation that produced a result keeps the inputs
-- it used; the forecast remembers what it last read (the weather station's readings, the object's edit time) so a
-- watcher can tell, set-based, which active forecasts read something that has since changed.
ALTER TABLE forecasts
    ADD COLUMN mass_from_stock boolean NOT NULL DEFAULT false,   -- the released mass is the object's stock of the substance, read at each computation
    ADD COLUMN weather_seen text,                                -- the nearest fresh meteo station and its readings' times, as last read
    ADD COLUMN evaluated_at timestamptz,                         -- when the last computation read its inputs
    ADD COLUMN recompute_requested_at timestamptz;               -- a recomputation is asked for and not yet taken by a computation
CREATE INDEX forecasts_live_idx ON forecasts (id) WHERE state <> 'CANCELLED';

CREATE TABLE forecast_versions (
    forecast_id     uuid NOT NULL REFERENCES forecasts (id),
    version         integer NOT NULL CHECK (version > 0),
    reason          text NOT NULL CHECK (reason IN ('QUEUED', 'REFRESH_REQUESTED', 'INPUTS_CHANGED', 'SCHEDULED')),
    inputs          jsonb NOT NULL,
    inputs_hash     text NOT NULL,
    station_id      uuid REFERENCES monitoring_stations (id),
    computed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (forecast_id, version)
);
REVOKE UPDATE, DELETE, TRUNCATE ON forecast_versions FROM dispatch_app;
