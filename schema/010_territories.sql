-- Administrative-territorial units: 17 oblasts + 3 cities of republican significance (level REGION)
-- and their districts / cities of oblast significance / city districts (level DISTRICT).
-- The KATO code is the natural key every partner system already uses.
CREATE TABLE territories (
    kato                text PRIMARY KEY CHECK (kato ~ '^[0-9]{9}$'),
    level               text NOT NULL CHECK (level IN ('REGION', 'DISTRICT')),
    kind                text NOT NULL CHECK (kind IN ('OBLAST', 'CITY_OF_REPUBLICAN_SIGNIFICANCE', 'DISTRICT')),
    parent_kato         text REFERENCES territories (kato),
    name_kk             text NOT NULL,
    name_ru             text NOT NULL,
    name_en             text NOT NULL,
    iso_3166_2          text,
    pcode               text NOT NULL,
    geom                geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    -- Geodesic area on the WGS 84 spheroid; stored because it never changes without the geometry.
    area_km2            double precision GENERATED ALWAYS AS (ST_Area(geom::geography) / 1e6) STORED,
    admin_centre        geometry(Point, 4326),
    admin_centre_name_kk text,
    admin_centre_name_ru text,
    admin_centre_name_en text,
    source              text NOT NULL,
    CHECK ((level = 'REGION') = (parent_kato IS NULL))
);
CREATE INDEX territories_geom_idx ON territories USING gist (geom);
CREATE INDEX territories_parent_kato_idx ON territories (parent_kato);
CREATE INDEX territories_level_kato_idx ON territories (level, kato);
COMMENT ON TABLE territories IS 'Administrative-territorial units with KATO codes (geokz 2024, CC BY 4.0).';

-- Populated places with population (GeoNames cities15000). Territory population is derived from these
-- by point-in-polygon, so a boundary change never leaves a stale total behind.
CREATE TABLE settlements (
    id              bigint PRIMARY KEY,          -- GeoNames id
    name            text NOT NULL,
    name_ascii      text NOT NULL,
    feature_code    text NOT NULL,
    population      integer NOT NULL CHECK (population >= 0),
    geom            geometry(Point, 4326) NOT NULL,
    source          text NOT NULL
);
CREATE INDEX settlements_geom_idx ON settlements USING gist (geom);

-- Potentially dangerous objects. The reference set holds power plants (dams are HYDRAULIC);
-- later migrations add substances, contacts and hazard zones.
CREATE TABLE dangerous_objects (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    external_ref    text UNIQUE,                 -- e.g. 'GPPD:WRI1000297'
    name            text NOT NULL,
    hazard_class    text NOT NULL CHECK (hazard_class IN
                        ('CHEMICAL', 'RADIATION', 'BIOLOGICAL', 'EXPLOSIVE', 'FIRE', 'HYDRAULIC', 'ENERGY', 'OTHER')),
    object_kind     text NOT NULL,
    operator        text,
    capacity_mw     double precision,
    -- NULL when the source location is known to be wrong: a wrong point on a dispatch map is worse than none.
    geom            geometry(Geometry, 4326),
    location_note   text,
    source          text NOT NULL
);
CREATE INDEX dangerous_objects_geom_idx ON dangerous_objects USING gist (geom);
