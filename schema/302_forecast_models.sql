-- Forecast models beyond the chemical release (issue 11, "Models"): a forecast names its model; what only one model
-- asks for (a plume's emission rate, a flood's water level) is kept in parameters, and each horizon's figures are
-- the model's own (figures), so the chemical-only columns become optional.
ALTER TABLE forecasts DROP CONSTRAINT forecasts_model_check;
ALTER TABLE forecasts ADD CONSTRAINT forecasts_model_check
    CHECK (model IN ('CHEMICAL_RELEASE', 'GAUSSIAN_PLUME', 'DAM_BREAK', 'FLOOD_BY_LEVEL'));
ALTER TABLE forecasts
    ALTER COLUMN substance DROP NOT NULL,                        -- a dam break or a flood releases no substance
    ALTER COLUMN released_mass_kg DROP NOT NULL,
    ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}'::jsonb,     -- what the officer asked that only this model reads
    ADD COLUMN hydro_post_id uuid REFERENCES monitoring_stations (id), -- FLOOD_BY_LEVEL: the post whose level selects the zone
    ADD COLUMN figures jsonb;                                     -- the latest computation's model-wide figures (a dam's peak outflow)
ALTER TABLE forecasts ADD CONSTRAINT forecasts_chemical_inputs_check
    CHECK (model <> 'CHEMICAL_RELEASE' OR (substance IS NOT NULL AND released_mass_kg IS NOT NULL));
CREATE INDEX forecasts_hydro_post_idx ON forecasts (hydro_post_id) WHERE hydro_post_id IS NOT NULL;

-- A flood by level is not a time after an event: its one "horizon" is 0, the level as it stands.
ALTER TABLE forecast_horizons DROP CONSTRAINT forecast_horizons_minutes_check;
ALTER TABLE forecast_horizons ADD CONSTRAINT forecast_horizons_minutes_check CHECK (minutes >= 0);
ALTER TABLE forecast_horizons
    ALTER COLUMN depth_m DROP NOT NULL,
    ALTER COLUMN table_depth_m DROP NOT NULL,
    ALTER COLUMN transport_cap_m DROP NOT NULL,
    ALTER COLUMN possible_area_m2 DROP NOT NULL,
    ALTER COLUMN actual_area_m2 DROP NOT NULL,
    ADD COLUMN figures jsonb NOT NULL DEFAULT '{}'::jsonb;       -- the model's figures for this horizon (reach, wave height, level)
