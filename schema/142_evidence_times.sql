-- What issue 16's forgery probe still found after 140 (measured with the service's own login): a zone version with a
-- number of its choosing, and report and update times written by the caller instead of the database.
--
-- The times of partners' reports, readiness reports and situation updates are when the service received them, so
-- they come from the database only; the times a partner reports (departed, arrived, left) are separate columns.
REVOKE INSERT ON deployment_reports, readiness_reports, situation_updates FROM dispatch_app;
GRANT INSERT (deployment_id, client_report_id, personnel, vehicles, departed_at, arrived_at, left_at, reported_by)
    ON deployment_reports TO dispatch_app;
GRANT INSERT (service_id, units, personnel, vehicles, reported_by) ON readiness_reports TO dispatch_app;
GRANT INSERT (territory_kato, zone_id, zone_version, incident_id, domain, text, sent_by) ON situation_updates TO dispatch_app;

-- A zone version is the zone's current version, written in the same transaction that set it: no number ahead of
-- the zone and no second row for one version (the primary key), whoever inserts.
CREATE FUNCTION emergency_zone_versions_current() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM (SELECT z.version FROM emergency_zones z WHERE z.id = NEW.zone_id) THEN
        RAISE EXCEPTION 'zone % is not at version %', NEW.zone_id, NEW.version USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER emergency_zone_versions_current BEFORE INSERT ON emergency_zone_versions
    FOR EACH ROW EXECUTE FUNCTION emergency_zone_versions_current();
