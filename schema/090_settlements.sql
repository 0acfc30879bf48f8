-- Settlements carry the district they lie in, so territorial scope applies to them like to every layer.
ALTER TABLE settlements ADD COLUMN territory_kato text REFERENCES territories (kato);
CREATE INDEX settlements_geog_idx ON settlements USING gist ((geom::geography));
UPDATE settlements s SET territory_kato = (
    SELECT t.kato FROM territories t WHERE t.level = 'DISTRICT' AND ST_Covers(t.geom, s.geom) ORDER BY t.kato LIMIT 1);
