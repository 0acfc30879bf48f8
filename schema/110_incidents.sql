-- The 112 card and everything the emergency regime hangs on it (Rules §5.3).
CREATE TABLE incidents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,   -- what officers say on the radio
    received_at     timestamptz NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('CALL', 'PARTNER_REPORT', 'MONITORING', 'SMS', 'OTHER')),
    caller_name     text,
    caller_phone    text,
    reported_by_service uuid REFERENCES duty_services (id),
    location        geometry(Point, 4326) NOT NULL,
    address         text,
    territory_kato  text REFERENCES territories (kato),           -- the district that contains the point
    description     text NOT NULL,
    preliminary_type text,
    urgency         smallint CHECK (urgency BETWEEN 1 AND 4),      -- ambulance categories 1–4 (norms 10/15/30/60 min)
    status          text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED', 'CLASSIFIED', 'RESPONDING', 'LOCALISED', 'LIQUIDATED', 'CLOSED')),
    origin          text CHECK (origin IN ('NATURAL', 'MAN_MADE')),
    type            text,
    scale           text CHECK (scale IN ('OBJECT', 'LOCAL', 'REGIONAL', 'GLOBAL')),
    zone_extent     text,
    suggested_scale text,
    rule_version    text,
    classified_by   text,
    classified_at   timestamptz,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX incidents_location_idx ON incidents USING gist (location);
CREATE INDEX incidents_territory_idx ON incidents (territory_kato, received_at DESC);
-- Everything about an incident carries its id in the event payload; the timeline reads it back by this.
CREATE INDEX events_incident_idx ON events ((payload ->> 'incidentId'), id);

CREATE TABLE force_requests (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    service_id      uuid NOT NULL REFERENCES duty_services (id),
    personnel       integer NOT NULL DEFAULT 0 CHECK (personnel >= 0),
    vehicles        jsonb NOT NULL DEFAULT '[]'::jsonb,
    note            text,
    status          text NOT NULL DEFAULT 'REQUESTED' CHECK (status IN ('REQUESTED', 'ACKNOWLEDGED', 'FULFILLED')),
    requested_by    text NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    acknowledged_by text,
    acknowledged_at timestamptz,
    fulfilled_at    timestamptz
);
CREATE INDEX force_requests_incident_idx ON force_requests (incident_id);
CREATE INDEX force_requests_service_idx ON force_requests (service_id, status);

CREATE TABLE deployments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    incident_id     uuid NOT NULL REFERENCES incidents (id),
    unit_id         uuid NOT NULL REFERENCES response_units (id),
    force_request_id uuid REFERENCES force_requests (id),
    requested_at    timestamptz NOT NULL,
    dispatched_at   timestamptz NOT NULL,
    departed_at     timestamptz,
    arrived_at      timestamptz,
    left_at         timestamptz,
    personnel       integer,
    vehicles        jsonb,
    flags           text[] NOT NULL DEFAULT '{}',                  -- AVL reconciliation findings
    dispatched_by   text NOT NULL,
    CHECK (requested_at <= dispatched_at),
    CHECK (departed_at IS NULL OR dispatched_at <= departed_at),
    CHECK (arrived_at IS NULL OR (departed_at IS NOT NULL AND departed_at <= arrived_at)),
    CHECK (left_at IS NULL OR (arrived_at IS NOT NULL AND arrived_at <= left_at))
);
-- A unit is on at most one deployment that has not left the zone.
CREATE UNIQUE INDEX deployments_active_unit_idx ON deployments (unit_id) WHERE left_at IS NULL;
CREATE INDEX deployments_incident_idx ON deployments (incident_id);

CREATE TABLE deployment_reports (
    deployment_id   uuid NOT NULL REFERENCES deployments (id),
    client_report_id text NOT NULL,                                 -- a resend with the same id is a no-op
    personnel       integer,
    vehicles        jsonb,
    departed_at     timestamptz,
    arrived_at      timestamptz,
    left_at         timestamptz,
    reported_by     text NOT NULL,
    reported_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (deployment_id, client_report_id)
);

CREATE TABLE readiness_reports (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id      uuid NOT NULL REFERENCES duty_services (id),
    units           uuid[] NOT NULL,
    personnel       integer NOT NULL DEFAULT 0,
    vehicles        jsonb NOT NULL DEFAULT '[]'::jsonb,
    reported_by     text NOT NULL,
    reported_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX readiness_reports_service_idx ON readiness_reports (service_id, reported_at DESC);

CREATE TABLE situation_updates (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    territory_kato  text NOT NULL REFERENCES territories (kato),
    zone_id         uuid REFERENCES emergency_zones (id),
    zone_version    integer,
    incident_id     uuid REFERENCES incidents (id),
    domain          text NOT NULL CHECK (domain IN ('RADIATION', 'CHEMICAL', 'BIOLOGICAL', 'ECOLOGICAL', 'FIRE', 'OTHER')),
    text            text NOT NULL,
    sent_by         text NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX situation_updates_territory_idx ON situation_updates (territory_kato, sent_at DESC);

CREATE TABLE situation_update_recipients (
    update_id       uuid NOT NULL REFERENCES situation_updates (id),
    service_id      uuid NOT NULL REFERENCES duty_services (id),
    acknowledged_by text,
    acknowledged_at timestamptz,
    PRIMARY KEY (update_id, service_id)
);
CREATE INDEX situation_update_recipients_pending_idx ON situation_update_recipients (service_id) WHERE acknowledged_at IS NULL;
