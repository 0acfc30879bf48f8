-- Vertex counts kept with the shapes, so a request can be told it would exceed the response cap before a batch of
-- boundaries or zone shapes is read and encoded (issue 16: nine aliases of a hundred 10,000-vertex zones built a
-- 214 MB answer, and 1.3 GB of process memory, before the cap on the serialised answer refused it).
ALTER TABLE territories
    ADD COLUMN vertices integer GENERATED ALWAYS AS (ST_NPoints(geom)) STORED;
ALTER TABLE emergency_zones
    ADD COLUMN vertices integer GENERATED ALWAYS AS (ST_NPoints(geom)) STORED;
ALTER TABLE emergency_zone_versions
    ADD COLUMN vertices integer GENERATED ALWAYS AS (
        ST_NPoints(geom) + coalesce(ST_NPoints(area_added), 0) + coalesce(ST_NPoints(area_removed), 0)) STORED;
