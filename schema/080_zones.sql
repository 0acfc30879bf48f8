-- Emergency zones: ACTUAL, FORECAST or POTENTIAL; every change is a new version, none is overwritten.
CREATE TABLE emergency_zones (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind            text NOT NULL CHECK (kind IN ('ACTUAL', 'FORECAST', 'POTENTIAL')),
    name            text NOT NULL,
    hazard          text NOT NULL CHECK (hazard IN ('RADIATION', 'CHEMICAL', 'BIOLOGICAL', 'ECOLOGICAL', 'FIRE', 'FLOOD',
                                                    'SEISMIC', 'METEOROLOGICAL', 'TECHNOGENIC', 'OTHER')),
    status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLOSED')),
    version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    geom            geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    territory_kato  text REFERENCES territories (kato),   -- the region holding most of it, for scope
    incident_id     uuid,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX emergency_zones_geom_idx ON emergency_zones USING gist (geom);
CREATE INDEX emergency_zones_active_geom_idx ON emergency_zones USING gist (geom) WHERE status = 'ACTIVE';

CREATE TABLE emergency_zone_versions (
    zone_id         uuid NOT NULL REFERENCES emergency_zones (id),
    version         integer NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    area_added      geometry(MultiPolygon, 4326),          -- relative to the previous version
    area_removed    geometry(MultiPolygon, 4326),
    note            text,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (zone_id, version)
);
-- For "zones within N metres of a unit or point" (ST_DWithin on geography).
CREATE INDEX emergency_zones_geog_idx ON emergency_zones USING gist ((geom::geography));

-- Differences of polygons may come out empty or as mixed collections; keep only the areal part, or NULL.
CREATE FUNCTION nullif_empty(g geometry) RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN g IS NULL OR ST_IsEmpty(ST_CollectionExtract(g, 3)) THEN NULL ELSE ST_Multi(ST_CollectionExtract(g, 3)) END
$$;
