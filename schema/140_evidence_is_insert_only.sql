-- Evidence cannot be forged or rewritten by the running service (issue 16). Migrations run as the owner; the service
-- logs in as a member of dispatch_app.
--
-- Ids and times of the two logs come from the database only: INSERT is granted on the other columns, so naming id
-- (OVERRIDING SYSTEM VALUE into a gap) or at / occurred_at in an insert is refused.
REVOKE INSERT ON events, audit_log FROM dispatch_app;
GRANT INSERT (kind, entity_type, entity_id, payload, geom, territory_kato, actor) ON events TO dispatch_app;
GRANT INSERT (subject, actor_name, role, service_id, operation, arguments, outcome, error_code, territory_kato, client_address, trace_id)
    ON audit_log TO dispatch_app;

-- History tables are insert-only for the service: a zone's versions, partners' reports, readiness, situation updates.
REVOKE UPDATE, DELETE, TRUNCATE ON emergency_zone_versions, deployment_reports, readiness_reports, situation_updates FROM dispatch_app;
REVOKE INSERT ON emergency_zone_versions FROM dispatch_app;
GRANT INSERT (zone_id, version, geom, area_added, area_removed, note, changed_by) ON emergency_zone_versions TO dispatch_app;

-- A regime declaration is written once and closed once: the service may set valid_to and nothing else, and the
-- trigger (for every role) refuses to reopen, re-close or alter a declaration.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON regime_declarations FROM dispatch_app;
GRANT INSERT (territory_kato, regime, basis, declared_by) ON regime_declarations TO dispatch_app;
GRANT UPDATE (valid_to) ON regime_declarations TO dispatch_app;

CREATE FUNCTION regime_declarations_close_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
       OR (NEW.id, NEW.territory_kato, NEW.regime, NEW.basis, NEW.declared_by, NEW.valid_from)
          IS DISTINCT FROM (OLD.id, OLD.territory_kato, OLD.regime, OLD.basis, OLD.declared_by, OLD.valid_from) THEN
        RAISE EXCEPTION 'regime declaration % is history: it may only be closed, once', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER regime_declarations_close_once BEFORE UPDATE ON regime_declarations
    FOR EACH ROW EXECUTE FUNCTION regime_declarations_close_once();
CREATE TRIGGER regime_declarations_no_delete BEFORE DELETE ON regime_declarations
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
CREATE TRIGGER emergency_zone_versions_append_only BEFORE UPDATE OR DELETE ON emergency_zone_versions
    FOR EACH ROW EXECUTE FUNCTION events_reject_change();
