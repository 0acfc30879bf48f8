-- Units whose AVL fell silent: a row while a unit's latest fix is older than the stale threshold, kept by the
-- stale-AVL sweep job, so "went silent" and "reports again" are each announced once (UNIT_POSITION_STALE /
-- UNIT_POSITION_RESUMED) instead of every reader guessing. A table of its own, so the sweep never rewrites the
-- heavily indexed response_units rows.
CREATE TABLE stale_units (
    unit_id         uuid PRIMARY KEY REFERENCES response_units (id),
    last_fix_at     timestamptz NOT NULL,
    detected_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
