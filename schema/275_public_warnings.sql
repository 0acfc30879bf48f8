-- Public warnings (Rules §6.4): each is a chain of CAP 1.2 messages, Alert → Update… → Cancel, every message kept.
CREATE TABLE public_warnings (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    state           text NOT NULL DEFAULT 'ACTIVE' CHECK (state IN ('ACTIVE', 'CANCELLED')),
    area_source     text NOT NULL CHECK (area_source IN ('ZONE', 'TERRITORY', 'POLYGON')),
    zone_id         uuid REFERENCES emergency_zones (id),   -- the zone it follows: a redraw drafts an update
    territory_kato  text REFERENCES territories (kato),     -- whose scope it is in
    messages        integer NOT NULL DEFAULT 0,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK ((area_source = 'ZONE') = (zone_id IS NOT NULL))
);
CREATE INDEX public_warnings_zone_idx ON public_warnings (zone_id) WHERE zone_id IS NOT NULL AND state = 'ACTIVE';

-- One row per CAP message. ACTUAL ones are public and never change; a DRAFT (from a zone redraw) becomes ACTUAL
-- only when an officer confirms it, or DISCARDED when a later change overtakes it.
CREATE TABLE public_warning_messages (
    identifier      text PRIMARY KEY,                       -- CAP identifier: sender + uuid
    warning_id      uuid NOT NULL REFERENCES public_warnings (id),
    seq             integer NOT NULL,
    sender          text NOT NULL,
    sent            timestamptz NOT NULL,
    msg_type        text NOT NULL CHECK (msg_type IN ('ALERT', 'UPDATE', 'CANCEL')),
    status          text NOT NULL CHECK (status IN ('ACTUAL', 'DRAFT', 'DISCARDED')),
    refs            text[] NOT NULL DEFAULT '{}',           -- "sender,identifier,sent" of the messages it replaces
    note            text,
    event           text NOT NULL,
    category        text NOT NULL,
    urgency         text NOT NULL,
    severity        text NOT NULL,
    certainty       text NOT NULL,
    response_type   text,
    effective       timestamptz NOT NULL,
    expires         timestamptz NOT NULL CHECK (expires > effective),
    texts           jsonb NOT NULL,                         -- one entry per language: one CAP <info> each
    geom            geometry(MultiPolygon, 4326) NOT NULL,  -- the area as drawn; polygons below are what CAP carries
    polygons        text[] NOT NULL,
    geocodes        text[] NOT NULL,                        -- KATO codes
    zone_version    integer,
    cap_xml         text NOT NULL,                          -- exactly what is served, validated before it was stored
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    confirmed_by    text,
    confirmed_at    timestamptz,
    UNIQUE (warning_id, seq)
);
CREATE INDEX public_warning_messages_geom_idx ON public_warning_messages USING gist (geom);
CREATE UNIQUE INDEX public_warning_messages_one_draft_idx ON public_warning_messages (warning_id) WHERE status = 'DRAFT';
