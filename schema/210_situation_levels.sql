-- The situation per territory and domain, judged from observations, earthquakes and warnings (issue 10). A row
-- exists once a domain of a territory has been above NORMAL; a change of level is a SITUATION_CHANGED event.
-- The evidence is what set the level at the last judgement, so a reader sees why, not only what.
CREATE TABLE situation_levels (
    territory_kato  text NOT NULL REFERENCES territories (kato),
    domain          text NOT NULL CHECK (domain IN ('RADIATION', 'CHEMICAL', 'BIOLOGICAL', 'ECOLOGICAL', 'FIRE', 'HYDROLOGICAL',
                                                    'SEISMIC', 'METEOROLOGICAL')),
    level           text NOT NULL CHECK (level IN ('NORMAL', 'ELEVATED', 'HIGH', 'CRITICAL')),
    since           timestamptz NOT NULL,
    previous_level  text,
    evidence        jsonb NOT NULL DEFAULT '[]'::jsonb,
    place           geometry(Geometry, 4326),
    evaluated_at    timestamptz NOT NULL,
    PRIMARY KEY (territory_kato, domain)
);

-- Situation updates now also carry the monitoring domains (the rules' "and other situation").
ALTER TABLE situation_updates DROP CONSTRAINT situation_updates_domain_check;
ALTER TABLE situation_updates ADD CONSTRAINT situation_updates_domain_check
    CHECK (domain IN ('RADIATION', 'CHEMICAL', 'BIOLOGICAL', 'ECOLOGICAL', 'FIRE', 'HYDROLOGICAL', 'SEISMIC', 'METEOROLOGICAL', 'OTHER'));

-- A suggestion to raise a territory's regime, for the 112 officer to accept (which declares it) or dismiss. Never
-- acted on by the service itself: the rules leave the regime to people. One open suggestion per territory and regime.
CREATE TABLE regime_suggestions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    territory_kato  text NOT NULL REFERENCES territories (kato),
    regime          text NOT NULL CHECK (regime IN ('HIGH_READINESS', 'EMERGENCY')),
    domains         text[] NOT NULL,
    level           text NOT NULL CHECK (level IN ('ELEVATED', 'HIGH', 'CRITICAL')),
    reason          text NOT NULL,
    evidence        jsonb NOT NULL DEFAULT '[]'::jsonb,
    status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'DISMISSED', 'LAPSED')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by      text,
    decided_at      timestamptz,
    note            text,
    declaration_id  bigint REFERENCES regime_declarations (id),
    CHECK ((status = 'PENDING') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX regime_suggestions_open_idx ON regime_suggestions (territory_kato, regime) WHERE status = 'PENDING';
CREATE INDEX regime_suggestions_territory_idx ON regime_suggestions (territory_kato, created_at DESC);

-- Situation reports 112 issued: the levels as they were, so the next report can say what changed since.
CREATE TABLE situation_reports (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    territory_kato  text NOT NULL REFERENCES territories (kato),
    issued_by       text NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    levels          jsonb NOT NULL
);
CREATE INDEX situation_reports_territory_idx ON situation_reports (territory_kato, issued_at DESC);
