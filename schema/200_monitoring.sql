-- Monitoring (issue 10): the stations of the observation, control and forecasting services and of potentially
-- dangerous objects (Rules §5.2), the feeds that bring their data, and every run of every feed.

-- A place that measures: a Kazhydromet hydro post or meteorological station, a sanitary service's gamma post, a
-- dangerous object's own sensor. The territory is the district its point lies in, found when it is placed, so
-- territorial scope and the situation per territory apply to stations like to every other layer.
CREATE TABLE monitoring_stations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_.:-]{0,63}$'),
    name            text NOT NULL,
    operator        text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('HYDRO_POST', 'METEO_STATION', 'RADIATION_POST', 'AIR_QUALITY_POST',
                                                  'SEISMIC_STATION', 'OBJECT_SENSOR')),
    geom            geometry(Point, 4326) NOT NULL,
    territory_kato  text REFERENCES territories (kato),
    parameters      text[] NOT NULL CHECK (cardinality(parameters) > 0),
    dangerous_object_id uuid REFERENCES dangerous_objects (id),
    water_body      text,                                -- the river or lake of a hydro post
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX monitoring_stations_geom_idx ON monitoring_stations USING gist (geom);
CREATE INDEX monitoring_stations_territory_idx ON monitoring_stations (territory_kato);
CREATE INDEX monitoring_stations_object_idx ON monitoring_stations (dangerous_object_id) WHERE dangerous_object_id IS NOT NULL;

-- A station's own levels, dated and cited: a hydro post's danger level (ОУ) is set for that post, and reports of
-- one post's level disagree, so every row says from when it holds, where it comes from, and whether anyone checked.
-- An observation is judged by the rows in force at its own time (the latest valid_from at or before it).
CREATE TABLE station_thresholds (
    station_id      uuid NOT NULL REFERENCES monitoring_stations (id) ON DELETE CASCADE,
    parameter       text NOT NULL,
    level           text NOT NULL CHECK (level IN ('ELEVATED', 'HIGH', 'CRITICAL')),
    valid_from      date NOT NULL,
    value           double precision NOT NULL,
    label           text,                                -- "неблагоприятный уровень", "опасный уровень (ОУ)"
    citation        text,
    verified        boolean NOT NULL,
    source          text NOT NULL,                       -- 'api' or 'thresholds.json <version>'
    PRIMARY KEY (station_id, parameter, level, valid_from),
    CHECK (NOT verified OR citation IS NOT NULL)
);

-- A feed: where and how often to fetch, how to read it, and how long silence is tolerated. PUSH feeds are fed by
-- reportObservations (sensor accounts) and are never fetched; their silence is watched all the same.
CREATE TABLE feeds (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_.:-]{0,63}$'),
    name            text NOT NULL,
    format          text NOT NULL CHECK (format IN ('GEOJSON_QUAKES', 'CSV', 'JSON', 'CAP', 'PUSH')),
    url             text,
    interval_seconds integer CHECK (interval_seconds BETWEEN 1 AND 86400),
    timeout_seconds integer NOT NULL DEFAULT 15 CHECK (timeout_seconds BETWEEN 1 AND 300),
    source_crs      integer NOT NULL DEFAULT 4326,
    mapping         jsonb NOT NULL DEFAULT '{}'::jsonb,
    silence_seconds integer NOT NULL CHECK (silence_seconds BETWEEN 1 AND 604800),
    retry_attempts  integer NOT NULL DEFAULT 3 CHECK (retry_attempts BETWEEN 0 AND 10),
    retry_backoff_seconds integer NOT NULL DEFAULT 10 CHECK (retry_backoff_seconds BETWEEN 1 AND 3600),
    territory_kato  text REFERENCES territories (kato),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((format = 'PUSH') = (url IS NULL)),
    CHECK ((format = 'PUSH') = (interval_seconds IS NULL))
);

-- A feed's health, kept apart from its configuration so a poll never waits for an administrator's edit.
-- silent_since is set once when nothing new arrived within the window (FEED_SILENT) and cleared once when
-- something does (FEED_RECOVERED), so each is announced exactly once.
CREATE TABLE feed_state (
    feed_id         uuid PRIMARY KEY REFERENCES feeds (id),
    watched_from    timestamptz NOT NULL DEFAULT clock_timestamp(),  -- the silence clock's start before any data
    last_polled_at  timestamptz,
    last_success_at timestamptz,
    last_error_at   timestamptz,
    last_error      text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_new_data_at timestamptz,                        -- the last run that stored anything new
    newest_observed_at timestamptz,                      -- the newest observation (or event) time the feed delivered
    silent_since    timestamptz,
    extent          geometry(Geometry, 4326)             -- where the feed's data lies, for its health events
);

-- Every run of every feed, fetched or pushed: what came, what went in, what was quarantined, or why it failed.
CREATE TABLE feed_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed_id         uuid NOT NULL REFERENCES feeds (id),
    job_run_id      bigint,                              -- the ledger row of the poll (job_runs.id); NULL for a push
    actor           text NOT NULL,
    attempt         integer NOT NULL DEFAULT 1,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    outcome         text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
    http_status     integer,
    bytes           bigint,
    received        integer NOT NULL DEFAULT 0,
    stored          integer NOT NULL DEFAULT 0,
    duplicates      integer NOT NULL DEFAULT 0,
    updated         integer NOT NULL DEFAULT 0,
    rejected        integer NOT NULL DEFAULT 0,
    newest_observed_at timestamptz,
    error           text,
    CHECK ((outcome = 'FAILED') = (error IS NOT NULL))
);
CREATE INDEX feed_runs_feed_idx ON feed_runs (feed_id, id DESC);
CREATE INDEX feed_runs_ended_idx ON feed_runs (ended_at);

-- Quarantine: rows a run refused, each with where it was (CSV line, JSON pointer, XML path) and why. They never
-- reach the observations; an operator reads them to fix the feed or the station register.
CREATE TABLE feed_rejections (
    run_id          bigint NOT NULL REFERENCES feed_runs (id) ON DELETE CASCADE,
    ordinal         integer NOT NULL,
    line            integer,
    pointer         text,
    reason          text NOT NULL,
    raw             text,
    PRIMARY KEY (run_id, ordinal)
);
