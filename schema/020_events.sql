-- The event log: every change of state, appended in the transaction that makes the change. It feeds
-- subscriptions (LISTEN/NOTIFY wakes each instance, which then reads new rows by id), replays, and audit.
CREATE TABLE events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]*$'),
    entity_type     text NOT NULL,
    entity_id       text NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
    geom            geometry(Geometry, 4326),
    territory_kato  text REFERENCES territories (kato),
    actor           text,
    occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_kind_id_idx ON events (kind, id);
CREATE INDEX events_entity_idx ON events (entity_type, entity_id, id);
CREATE INDEX events_geom_idx ON events USING gist (geom);

-- Append-only for everyone, including the service's own role: history is evidence.
CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% rejected)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change();

-- One notification per transaction (PostgreSQL folds identical ones), delivered at commit; listeners read by id.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('dispatch_events', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
