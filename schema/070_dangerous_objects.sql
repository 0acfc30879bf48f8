-- Potentially dangerous objects in full: substances, contacts, the territory they sit in, and their own hazard zones.
ALTER TABLE dangerous_objects
    ADD COLUMN substances jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{"name": "chlorine", "unNumber": "1017", "quantityTonnes": 30, "state": "LIQUEFIED_GAS"}]
    ADD COLUMN contacts jsonb NOT NULL DEFAULT '[]'::jsonb,     -- [{"name": "...", "role": "shift supervisor", "phone": "+7..."}]
    ADD COLUMN territory_kato text REFERENCES territories (kato),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT clock_timestamp();
CREATE INDEX dangerous_objects_geog_idx ON dangerous_objects USING gist ((geom::geography));
UPDATE dangerous_objects o SET territory_kato = (
    SELECT t.kato FROM territories t WHERE t.level = 'DISTRICT' AND ST_Covers(t.geom, o.geom) ORDER BY t.kato LIMIT 1)
WHERE o.geom IS NOT NULL;

CREATE TABLE hazard_zones (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_id       uuid NOT NULL REFERENCES dangerous_objects (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('SANITARY_PROTECTION', 'FLOOD', 'CHEMICAL_CONTAMINATION', 'EXPLOSION', 'RADIATION', 'OTHER')),
    name            text NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
    basis           text                                  -- where the zone comes from (a permit, a model run)
);
CREATE INDEX hazard_zones_geom_idx ON hazard_zones USING gist (geom);
CREATE INDEX hazard_zones_object_idx ON hazard_zones (object_id);
