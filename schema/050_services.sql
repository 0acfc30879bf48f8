-- Duty-dispatch services (Rules §3: eight kinds) and the shift-start communications check (§5.1).
CREATE TABLE duty_services (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code            text NOT NULL UNIQUE,           -- stable external reference, e.g. 'ALA-103'
    kind            text NOT NULL CHECK (kind IN ('UDDS_112', 'POLICE', 'AMBULANCE', 'MEDICAL_AVIATION', 'NATIONAL_SECURITY',
                                                  'AIR_SEARCH_RESCUE', 'UTILITY_EMERGENCY', 'TELECOM_REFERENCE')),
    name            text NOT NULL,
    territory_kato  text NOT NULL REFERENCES territories (kato),
    duty_officer    text,
    phones          text[] NOT NULL DEFAULT '{}',
    call_signs      text[] NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX duty_services_territory_idx ON duty_services (territory_kato, kind);

CREATE TABLE service_channels (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id      uuid NOT NULL REFERENCES duty_services (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('PHONE', 'RADIO', 'SATELLITE', 'DATA_LINK', 'EMAIL', 'MESSENGER')),
    address         text NOT NULL,                  -- number, frequency/call sign, address
    label           text,
    UNIQUE (service_id, kind, address)
);

-- A shift opens a check of every channel of every partner in the territory (and its districts).
CREATE TABLE shifts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    territory_kato  text NOT NULL REFERENCES territories (kato),
    started_by      text NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX shifts_territory_idx ON shifts (territory_kato, started_at DESC);

CREATE TABLE comms_checks (
    shift_id        uuid NOT NULL REFERENCES shifts (id),
    service_id      uuid NOT NULL REFERENCES duty_services (id),
    channel_id      uuid NOT NULL REFERENCES service_channels (id),
    result          text NOT NULL DEFAULT 'PENDING' CHECK (result IN ('PENDING', 'OK', 'FAILED', 'NOT_ANSWERED')),
    note            text,
    confirmed_duty_officer text,
    checked_at      timestamptz,
    checked_by      text,
    PRIMARY KEY (shift_id, channel_id),
    CHECK ((result = 'PENDING') = (checked_at IS NULL))
);
CREATE INDEX comms_checks_service_idx ON comms_checks (service_id);
