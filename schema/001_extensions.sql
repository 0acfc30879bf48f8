-- PostGIS for geometry/geography; pgcrypto is built in since PG13 (gen_random_uuid), so nothing else is needed.
CREATE EXTENSION IF NOT EXISTS postgis;
