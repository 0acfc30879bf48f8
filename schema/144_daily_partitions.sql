-- Daily range partitions, one pair of functions for every time-partitioned table (the unit track, observations):
-- <table>_YYYYMMDD holds [day, day + 1) in UTC and a <table>_default partition catches what has no day of its own.
-- The unit track's own pair (060, 120) becomes a call of these, so both tables keep exactly the same rules.

-- Creates the daily partitions [day_from, day_to] that do not exist yet. A day whose rows already sit in the
-- default partition is left there (creating it would fail); that only happens for rows far in the past.
CREATE FUNCTION ensure_daily_partitions(parent regclass, day_from date, day_to date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    d date;
    created integer := 0;
    name text;
BEGIN
    FOR d IN SELECT generate_series(day_from, day_to, interval '1 day')::date LOOP
        name := parent::text || '_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(name) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                               name, parent, d::timestamptz AT TIME ZONE 'UTC', (d + 1)::timestamptz AT TIME ZONE 'UTC');
                created := created + 1;
            EXCEPTION WHEN check_violation THEN
                RAISE NOTICE '%: % stays in the default partition', parent, d;
            END;
        END IF;
    END LOOP;
    RETURN created;
END
$$;

-- Retention: daily partitions that end before keep_from are dropped whole (no row-by-row delete, no bloat); rows
-- that landed in the default partition are deleted by the age in time_column.
CREATE FUNCTION drop_daily_partitions(parent regclass, time_column text, keep_from date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent AND c.relname ~ ('^' || parent::text || '_[0-9]{8}$')
          AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= keep_from
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    EXECUTE format('DELETE FROM %I WHERE %I < $1', parent::text || '_default', time_column) USING keep_from::timestamp AT TIME ZONE 'UTC';
    RETURN dropped;
END
$$;

DROP FUNCTION ensure_unit_track_partitions(date, date);
DROP FUNCTION drop_unit_track_partitions(date);
