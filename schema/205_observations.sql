-- Observations: station measurements, kept by day so old days are dropped whole, like unit_track. The key
-- (station, parameter, observed_at) makes a re-poll or a resend a no-op. The level is the one the thresholds in
-- force at observed_at gave it when it arrived (station levels, else the national ladder of data/monitoring/thresholds.json).
CREATE TABLE observations (
    station_id      uuid NOT NULL,
    parameter       text NOT NULL,
    observed_at     timestamptz NOT NULL,
    value           double precision NOT NULL,
    level           text NOT NULL CHECK (level IN ('NORMAL', 'ELEVATED', 'HIGH', 'CRITICAL')),
    feed_id         uuid NOT NULL,
    run_id          bigint NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (station_id, parameter, observed_at)
) PARTITION BY RANGE (observed_at);
CREATE TABLE observations_default PARTITION OF observations DEFAULT;
-- No foreign keys on purpose, as on unit_track: every row is checked against its station and feed before it is
-- written (unknown stations are quarantined), and stations and feeds are never deleted.

-- A partition for every day an observation may still arrive for (MaxObservationAge, 30 days by default) and two days
-- ahead: a late reading lands in its day, not in the default partition, whose index would grow with every backfill.
SELECT ensure_daily_partitions('observations', current_date - 31, current_date + 2);

-- The newest observation of each station and parameter: what the situation is judged on, kept current by every
-- ingest (only ever moved forward in time), so judging never scans the partitions.
CREATE TABLE station_latest (
    station_id      uuid NOT NULL REFERENCES monitoring_stations (id),
    parameter       text NOT NULL,
    observed_at     timestamptz NOT NULL,
    value           double precision NOT NULL,
    level           text NOT NULL CHECK (level IN ('NORMAL', 'ELEVATED', 'HIGH', 'CRITICAL')),
    threshold       jsonb,                               -- the threshold that set a level above NORMAL, as evidence
    feed_id         uuid NOT NULL,
    PRIMARY KEY (station_id, parameter)
);

-- Earthquakes from seismic catalogues (USGS / EMSC GeoJSON): one row per feed and event id. A later version of
-- the event (USGS "updated") replaces the earlier; "deleted" keeps the row and drops it from every judgement.
CREATE TABLE seismic_events (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    feed_id         uuid NOT NULL REFERENCES feeds (id),
    external_id     text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    magnitude       double precision NOT NULL,
    mag_type        text,
    depth_km        double precision,
    place           text,
    status          text NOT NULL,
    geom            geometry(Point, 4326) NOT NULL,
    territory_kato  text REFERENCES territories (kato),
    run_id          bigint NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (feed_id, external_id)
);
CREATE INDEX seismic_events_time_idx ON seismic_events (occurred_at DESC);
CREATE INDEX seismic_events_geom_idx ON seismic_events USING gist (geom);

-- Incoming CAP 1.2 alerts (storm warnings), one row per alert and info block. An alert is immutable: an Update or
-- Cancel is a new alert that names the ones it replaces (references), which are then marked, never rewritten.
CREATE TABLE warnings (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    feed_id         uuid NOT NULL REFERENCES feeds (id),
    sender          text NOT NULL,
    identifier      text NOT NULL,
    info_index      integer NOT NULL DEFAULT 0,
    sent_at         timestamptz NOT NULL,
    status          text NOT NULL,                       -- Actual, Exercise, System, Test, Draft
    msg_type        text NOT NULL,                       -- Alert, Update, Cancel, Ack, Error
    category        text[] NOT NULL,
    event           text NOT NULL,
    severity        text NOT NULL,
    urgency         text NOT NULL,
    certainty       text NOT NULL,
    headline        text,
    description     text,
    instruction     text,
    area_desc       text NOT NULL,
    language        text,
    effective_at    timestamptz,
    onset_at        timestamptz,
    expires_at      timestamptz,
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    territory_kato  text REFERENCES territories (kato),  -- the region the area mostly lies in
    replaced_at     timestamptz,                         -- a later Update or Cancel named this alert
    replaced_by     text,
    run_id          bigint NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (sender, identifier, info_index)
);
CREATE INDEX warnings_geom_idx ON warnings USING gist (geom);
CREATE INDEX warnings_active_idx ON warnings (expires_at) WHERE replaced_at IS NULL;
