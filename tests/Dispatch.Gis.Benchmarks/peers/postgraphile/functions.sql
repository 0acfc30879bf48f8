-- The two SQL functions PostGraphile serves in the benchmark suite (run-suite.sh applies them to the benchmark
-- database only, never to the service's). They return the same rows as the service's units(within:) and
-- nearestUnits: within ordered by id; nearest by the spheroid distance among the sphere-KNN candidates, then id.
CREATE SCHEMA IF NOT EXISTS bench_peer;

CREATE OR REPLACE FUNCTION bench_peer.units_within(lon float8, lat float8, meters float8)
RETURNS SETOF public.response_units LANGUAGE sql STABLE AS $$
    SELECT u.* FROM public.response_units u
    WHERE ST_DWithin(u.location::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, meters)
    ORDER BY u.id
$$;

CREATE OR REPLACE FUNCTION bench_peer.nearest_units(lon float8, lat float8, n int)
RETURNS SETOF public.response_units LANGUAGE sql STABLE AS $$
    SELECT (c.u).* FROM (
        SELECT u, ST_Distance(u.location::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) AS d
        FROM public.response_units u
        ORDER BY u.location::geography <-> ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
        LIMIT n * 2 + 10) c
    ORDER BY c.d, (c.u).id
    LIMIT n
$$;
