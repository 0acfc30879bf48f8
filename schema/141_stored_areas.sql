-- Areas are computed when a shape is written, not every time it is read: a page of zones of 10,000 vertices each
-- would otherwise re-run a geodesic area per row per request, whether the client asked for it or not (issue 16).
ALTER TABLE emergency_zones
    ADD COLUMN area_km2 double precision GENERATED ALWAYS AS (ST_Area(geom::geography) / 1e6) STORED;
ALTER TABLE emergency_zone_versions
    ADD COLUMN area_added_km2 double precision GENERATED ALWAYS AS (coalesce(ST_Area(area_added::geography) / 1e6, 0)) STORED,
    ADD COLUMN area_removed_km2 double precision GENERATED ALWAYS AS (coalesce(ST_Area(area_removed::geography) / 1e6, 0)) STORED;
