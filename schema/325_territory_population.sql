-- A district's resident population as a statistics office publishes it (e.g. the Bureau of National Statistics'
-- population by district at the start of a year), set by an administrator with its year and source. NULL until
-- someone sets it: no total is derived or guessed. Forecast exposure spreads the part of it that lives outside
-- the settlement points over the district's area.
ALTER TABLE territories
    ADD COLUMN population_total  bigint CHECK (population_total >= 0),
    ADD COLUMN population_year   integer CHECK (population_year BETWEEN 1900 AND 2200),
    ADD COLUMN population_source text,
    ADD CONSTRAINT territories_population_complete CHECK (
        (population_total IS NULL AND population_year IS NULL AND population_source IS NULL)
        OR (population_total IS NOT NULL AND population_year IS NOT NULL AND population_source IS NOT NULL AND level = 'DISTRICT'));
-- Exposure finds the districts with a total under a zone; there are few, so a partial index keeps that lookup small.
CREATE INDEX territories_population_geom_idx ON territories USING gist (geom) WHERE population_total IS NOT NULL;
