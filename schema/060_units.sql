-- Response units (formations) and their live positions (AVL).
CREATE TABLE response_units (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id      uuid NOT NULL REFERENCES duty_services (id),
    call_sign       text NOT NULL,
    profile         text NOT NULL CHECK (profile IN ('FIRE', 'POLICE', 'MEDICAL', 'RESCUE', 'UTILITY', 'MEDICAL_AVIATION', 'HAZMAT')),
    status          text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'HIGH_READINESS', 'DISPATCHED', 'EN_ROUTE',
                                                                        'ON_SCENE', 'LEAVING', 'RETURNING', 'OUT_OF_SERVICE')),
    status_changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    personnel       integer NOT NULL DEFAULT 0 CHECK (personnel >= 0),
    vehicles        jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{"type": "fire engine AC-40", "count": 2}]
    base_name       text,
    base            geometry(Point, 4326) NOT NULL,
    territory_kato  text REFERENCES territories (kato),
    -- Where the unit is now: the latest AVL fix, or its base until one arrives. Kept on the unit row so every
    -- spatial question about units is one indexed table.
    location        geometry(Point, 4326) NOT NULL,
    location_at     timestamptz,                          -- NULL while at base without a fix
    speed_kmh       real,
    heading_deg     real,
    UNIQUE (service_id, call_sign)
);
CREATE INDEX response_units_location_idx ON response_units USING gist (location);
-- Metre-accurate distance and KNN: geography expression index (ST_DWithin / <-> on geography use it).
CREATE INDEX response_units_location_geog_idx ON response_units USING gist ((location::geography));
CREATE INDEX response_units_profile_status_idx ON response_units (profile, status);
CREATE INDEX response_units_service_idx ON response_units (service_id);

-- Every fix, kept by day so old days are dropped, not deleted. (unit_id, at) makes a resend a no-op.
CREATE TABLE unit_track (
    unit_id         uuid NOT NULL,
    at              timestamptz NOT NULL,
    geom            geometry(Point, 4326) NOT NULL,
    speed_kmh       real,
    heading_deg     real,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (unit_id, at)
) PARTITION BY RANGE (at);
CREATE TABLE unit_track_default PARTITION OF unit_track DEFAULT;

-- Creates the daily partitions [day_from, day_to] that do not exist yet. A day whose rows already sit in the
-- default partition is left there (creating it would fail); that only happens for fixes far in the past.
CREATE FUNCTION ensure_unit_track_partitions(day_from date, day_to date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d date;
    created integer := 0;
    name text;
BEGIN
    FOR d IN SELECT generate_series(day_from, day_to, interval '1 day')::date LOOP
        name := 'unit_track_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(name) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF unit_track FOR VALUES FROM (%L) TO (%L)',
                               name, d::timestamptz AT TIME ZONE 'UTC', (d + 1)::timestamptz AT TIME ZONE 'UTC');
                created := created + 1;
            EXCEPTION WHEN check_violation THEN
                RAISE NOTICE 'unit_track: % stays in the default partition', d;
            END;
        END IF;
    END LOOP;
    RETURN created;
END
$$;
SELECT ensure_unit_track_partitions(current_date - 1, current_date + 2);
