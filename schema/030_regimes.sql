-- Interaction regimes per territory (Rules §5): DAILY, HIGH_READINESS, EMERGENCY, with full history.
-- A territory with no declaration is in DAILY. The effective regime of a district is the higher of its own
-- and its region's, computed when read.
CREATE TABLE regime_declarations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    territory_kato  text NOT NULL REFERENCES territories (kato),
    regime          text NOT NULL CHECK (regime IN ('DAILY', 'HIGH_READINESS', 'EMERGENCY')),
    basis           text NOT NULL CHECK (length(btrim(basis)) > 0),
    declared_by     text NOT NULL,
    valid_from      timestamptz NOT NULL DEFAULT clock_timestamp(),
    valid_to        timestamptz,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
-- At most one open declaration per territory; a new one closes the old in the same transaction.
CREATE UNIQUE INDEX regime_declarations_open_idx ON regime_declarations (territory_kato) WHERE valid_to IS NULL;
CREATE INDEX regime_declarations_history_idx ON regime_declarations (territory_kato, valid_from DESC);
