-- Geofencing compares unit positions with zone shapes, so a position batch and a zone change must not run at once
-- (each would judge against the other's old state). Two zone changes may: each judges its own zone against
-- positions that cannot move meanwhile, and changes of the same zone queue on its row. An advisory lock is only
-- shared or exclusive, which made every zone writer wait for every other; a table lock has the conflict matrix
-- wanted here: position writers take this table in ROW EXCLUSIVE mode and zone writers in SHARE mode, and each mode
-- admits its own kind and excludes the other. The table holds no rows and is never written.
CREATE TABLE geofence_gate ();
