-- Forecast jobs (issue 11): a forecast is asked for, queued, computed by a one-shot scheduler job, and recomputed
-- as new versions; each horizon is a FORECAST emergency zone (emergency_zones, so geofencing and the situation
-- updates apply unchanged) with what it reaches.
CREATE TABLE forecasts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    model           text NOT NULL CHECK (model IN ('CHEMICAL_RELEASE')),
    state           text NOT NULL DEFAULT 'QUEUED' CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    progress        real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    dangerous_object_id uuid REFERENCES dangerous_objects (id),
    incident_id     uuid REFERENCES incidents (id),
    source          geometry(Point, 4326) NOT NULL,
    territory_kato  text REFERENCES territories (kato),   -- the district of the source, for scope
    substance       text NOT NULL,                         -- the model's substance id
    released_mass_kg double precision NOT NULL CHECK (released_mass_kg > 0),
    horizons_minutes integer[] NOT NULL CHECK (cardinality(horizons_minutes) > 0),
    compressed_gas  boolean NOT NULL DEFAULT false,
    weather         jsonb,                                 -- what the caller gave; NULL: the nearest meteo station, else planning values
    station_id      uuid REFERENCES monitoring_stations (id), -- the station whose readings the last computation used
    inputs          jsonb,                                 -- every input the last computation used, resolved
    inputs_hash     text,                                  -- sha-256 of inputs: the same inputs never compute twice
    version         integer NOT NULL DEFAULT 0,            -- computations that produced a result
    assumptions     text[] NOT NULL DEFAULT '{}',
    warnings        jsonb NOT NULL DEFAULT '[]'::jsonb,    -- [{code, message}]
    error           text,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    started_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX forecasts_state_idx ON forecasts (state, id);
CREATE INDEX forecasts_territory_idx ON forecasts (territory_kato);
CREATE INDEX forecasts_station_idx ON forecasts (station_id) WHERE station_id IS NOT NULL;

-- One row per horizon of a forecast: its zone (kept across versions) and the latest computation's figures.
CREATE TABLE forecast_horizons (
    forecast_id     uuid NOT NULL REFERENCES forecasts (id),
    minutes         integer NOT NULL CHECK (minutes > 0),
    zone_id         uuid NOT NULL REFERENCES emergency_zones (id),
    zone_version    integer NOT NULL,
    depth_m         double precision NOT NULL,
    table_depth_m   double precision NOT NULL,
    transport_cap_m double precision NOT NULL,
    possible_area_m2 double precision NOT NULL,
    actual_area_m2  double precision NOT NULL,
    warnings        jsonb NOT NULL DEFAULT '[]'::jsonb,
    exposure        jsonb NOT NULL,                        -- population, settlements, objects, units, route crossings
    PRIMARY KEY (forecast_id, minutes)
);
CREATE INDEX forecast_horizons_zone_idx ON forecast_horizons (zone_id);
