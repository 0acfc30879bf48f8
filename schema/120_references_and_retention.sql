-- References that were only implied: a zone drawn for an incident points at a real incident. A dangling id could
-- only have come from a caller's typo before this constraint; it meant nothing, so it is cleared, not kept.
UPDATE emergency_zones z SET incident_id = NULL
WHERE incident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = z.incident_id);
ALTER TABLE emergency_zones ADD CONSTRAINT emergency_zones_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id);
CREATE INDEX emergency_zones_incident_idx ON emergency_zones (incident_id) WHERE incident_id IS NOT NULL;

-- unit_track keeps no foreign key to response_units on purpose: units are never deleted, every fix is checked against
-- its unit before it is written, and a per-row key check would cost the AVL ingest path more than it protects.

-- Track retention: daily partitions that end before keep_from are dropped whole (no row-by-row delete, no bloat);
-- rows that landed in the default partition (days that had no partition of their own) are deleted by age.
CREATE FUNCTION drop_unit_track_partitions(keep_from date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'unit_track'::regclass AND c.relname ~ '^unit_track_[0-9]{8}$'
          AND to_date(substr(c.relname, 12), 'YYYYMMDD') + 1 <= keep_from
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM unit_track_default WHERE at < (keep_from::timestamp AT TIME ZONE 'UTC');
    RETURN dropped;
END
$$;
