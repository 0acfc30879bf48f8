-- Dam break (issue 11): a HYDRAULIC object's downstream valley line and the dam figures the breach-wave forecast
-- reads (Forecasts/Models/DamBreak.cs). Set through setDamBreakParameters; the demo data gives the Kapchagay dam one.
ALTER TABLE dangerous_objects
    ADD COLUMN valley_line geometry(LineString, 4326) CHECK (valley_line IS NULL OR ST_IsValid(valley_line)),
    -- {upstreamDepthMetres, relativeBreachWidth, bedSlope, valleyCrossSlope, reservoirVolumeCubicMetres?, waterDepthMetres?,
    --  breachHeightMetres?, breachMode?, basis?}: H0, B, i as the breach-wave table takes them, the side slope for the strip,
    -- and the reservoir and breach for the peak-outflow range.
    ADD COLUMN dam_parameters jsonb,
    ADD CONSTRAINT dangerous_objects_dam_check CHECK ((valley_line IS NULL) = (dam_parameters IS NULL));
