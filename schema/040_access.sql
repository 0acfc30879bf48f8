-- What the running service may do. Migrations run as the database owner; the service logs in as a member of
-- dispatch_app (schema/roles/010_roles.sql), which gets ordinary rights on every table, except that the two
-- logs that are evidence — the audit log and the event log — are insert-and-read only.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dispatch_app') THEN
        CREATE ROLE dispatch_app NOLOGIN;
    END IF;
END
$$;

-- Every mutation, allowed or denied: who, as what, did what with which arguments, and how it ended.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    subject         text,                       -- token sub; NULL when no token was presented
    actor_name      text,
    role            text,
    service_id      text,
    operation       text NOT NULL,              -- the mutation field
    arguments       jsonb NOT NULL DEFAULT '{}'::jsonb,
    outcome         text NOT NULL CHECK (outcome IN ('ALLOWED', 'DENIED', 'FAILED')),
    error_code      text,
    territory_kato  text,                       -- the territory the mutation targeted, when it has one
    client_address  text,
    trace_id        text,
    CHECK ((outcome = 'ALLOWED') = (error_code IS NULL))
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_subject_idx ON audit_log (subject, id DESC);
CREATE INDEX audit_log_territory_idx ON audit_log (territory_kato, id DESC);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change();

GRANT USAGE ON SCHEMA public TO dispatch_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dispatch_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dispatch_app;
-- Tables later migrations create get the same rights; an append-only one must REVOKE as below.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dispatch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dispatch_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, events FROM dispatch_app;
-- The journal is the owner's: the service reads it for /health/ready and never writes it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_versions FROM dispatch_app;
