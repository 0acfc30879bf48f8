-- Standing alert subscriptions (issue 12): a partner's area of interest kept server-side, matched against every new
-- event by the alert matcher, each match recorded once in the subscription's inbox and, for a webhook, delivered in
-- order by the DeliverWebhooks job.

-- What each alerting event kind means in the CAP vocabulary, and the words its headline starts with. Reference data:
-- the matcher joins it in the same INSERT that writes the inbox, so a kind absent here never alerts.
CREATE TABLE alert_kinds (
    kind            text PRIMARY KEY CHECK (kind ~ '^[A-Z][A-Z0-9_]*$'),
    severity        text NOT NULL CHECK (severity IN ('EXTREME', 'SEVERE', 'MODERATE', 'MINOR', 'UNKNOWN')),
    urgency         text NOT NULL CHECK (urgency IN ('IMMEDIATE', 'EXPECTED', 'FUTURE', 'PAST', 'UNKNOWN')),
    certainty       text NOT NULL CHECK (certainty IN ('OBSERVED', 'LIKELY', 'POSSIBLE', 'UNLIKELY', 'UNKNOWN')),
    headline        text NOT NULL
);
INSERT INTO alert_kinds (kind, severity, urgency, certainty, headline) VALUES
    ('ZONE_CREATED',            'SEVERE',   'IMMEDIATE', 'OBSERVED', 'Emergency zone drawn'),
    ('ZONE_CHANGED',            'SEVERE',   'IMMEDIATE', 'OBSERVED', 'Emergency zone redrawn'),
    ('ZONE_CLOSED',             'MINOR',    'PAST',      'OBSERVED', 'Emergency zone closed'),
    ('UNIT_ENTERED_ZONE',       'MODERATE', 'IMMEDIATE', 'OBSERVED', 'Unit entered a zone'),
    ('UNIT_EXITED_ZONE',        'MINOR',    'IMMEDIATE', 'OBSERVED', 'Unit left a zone'),
    ('REGIME_DECLARED',         'SEVERE',   'IMMEDIATE', 'OBSERVED', 'Regime declared'),
    ('INCIDENT_RECEIVED',       'MODERATE', 'IMMEDIATE', 'LIKELY',   'Incident received'),
    ('INCIDENT_CLASSIFIED',     'MODERATE', 'IMMEDIATE', 'OBSERVED', 'Incident classified'),
    ('INCIDENT_STATUS_CHANGED', 'MINOR',    'EXPECTED',  'OBSERVED', 'Incident status changed'),
    ('SITUATION_UPDATE_SENT',   'MODERATE', 'EXPECTED',  'OBSERVED', 'Situation update'),
    ('SITUATION_CHANGED',       'SEVERE',   'EXPECTED',  'LIKELY',   'Situation level changed'),
    ('FORCES_REQUESTED',        'MODERATE', 'IMMEDIATE', 'OBSERVED', 'Additional forces requested'),
    ('HAZARD_ZONE_ADDED',       'MODERATE', 'FUTURE',    'POSSIBLE', 'Hazard zone of a dangerous object'),
    ('WARNING_RECEIVED',        'UNKNOWN',  'UNKNOWN',   'UNKNOWN',  'Warning received'),
    ('FEED_SILENT',             'MINOR',    'EXPECTED',  'OBSERVED', 'Monitoring feed silent');

-- Severity as a number, so "at least SEVERE" is one comparison.
CREATE FUNCTION alert_severity_rank(severity text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE severity WHEN 'EXTREME' THEN 4 WHEN 'SEVERE' THEN 3 WHEN 'MODERATE' THEN 2 WHEN 'MINOR' THEN 1 ELSE 0 END::smallint
$$;

CREATE TABLE alert_subscriptions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_service_id uuid NOT NULL REFERENCES duty_services (id),
    territory_kato  text NOT NULL REFERENCES territories (kato),    -- the owner's, for scope
    name            text NOT NULL,
    kinds           text[] NOT NULL CHECK (cardinality(kinds) > 0),
    min_severity    text NOT NULL CHECK (min_severity IN ('EXTREME', 'SEVERE', 'MODERATE', 'MINOR', 'UNKNOWN')),
    -- What was asked for, kept to show it back; area is their union, the one thing the matcher reads.
    requested_area  geometry(Geometry, 4326),
    territories     text[] NOT NULL DEFAULT '{}',
    zones           uuid[] NOT NULL DEFAULT '{}',
    area            geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(area) AND NOT ST_IsEmpty(area)),
    -- The creator's territorial scope, checked again at every match: null = nationwide.
    scope           text[],
    deliver_socket  boolean NOT NULL,
    webhook_url     text,
    webhook_secret  text,
    status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'PAUSED', 'FAILING')),
    -- Which events are owed, as event ids (ids are in commit order): those after match_after (the newest event when it was
    -- created or resumed) and, while paused, none after paused_after. The matcher may run late, so the status at match
    -- time cannot say whether an event came before a pause.
    match_after     bigint NOT NULL DEFAULT 0,
    paused_after    bigint,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (deliver_socket OR webhook_url IS NOT NULL),
    CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
);
-- The matcher joins each new event to subscriptions through this index, never by scanning them.
CREATE INDEX alert_subscriptions_area_idx ON alert_subscriptions USING gist (area);
CREATE INDEX alert_subscriptions_owner_idx ON alert_subscriptions (owner_service_id);

-- One row per (subscription, event): the unique key is the backstop should two matchers ever race.
-- seq orders a subscription's entries (the inbox cursor); id is what callers and webhooks see (the idempotency key).
CREATE TABLE alert_inbox (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    subscription_id uuid NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
    event_id        bigint NOT NULL,
    kind            text NOT NULL,
    severity        text NOT NULL,
    urgency         text NOT NULL,
    certainty       text NOT NULL,
    headline        text NOT NULL,
    area            geometry(Geometry, 4326),
    territory_kato  text,
    objects         jsonb NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    acknowledged_at timestamptz,
    acknowledged_by text,
    delivered_at    timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX alert_inbox_subscription_idx ON alert_inbox (subscription_id, seq);
CREATE INDEX alert_inbox_undelivered_idx ON alert_inbox (subscription_id, seq) WHERE delivered_at IS NULL;
CREATE INDEX alert_inbox_unacknowledged_idx ON alert_inbox (event_id) WHERE acknowledged_at IS NULL;

-- Webhook state per subscription: the delivery job takes a row FOR UPDATE SKIP LOCKED, so one instance delivers a
-- subscription's entries at a time, in order.
CREATE TABLE alert_webhook_state (
    subscription_id uuid PRIMARY KEY REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    last_error      text,
    last_status     integer,
    last_attempt_at timestamptz
);

-- How far the matcher has read the event log. Advanced in the transaction that writes the inbox rows, under a row
-- lock, so a matcher that dies mid-batch leaves the cursor where it was and the next one redoes the batch.
CREATE TABLE alert_matcher_cursor (
    name            text PRIMARY KEY,
    last_event_id   bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Starts at the end of the log: subscriptions created later are not owed the past.
INSERT INTO alert_matcher_cursor (name, last_event_id) SELECT 'standing', coalesce(max(id), 0) FROM events;
