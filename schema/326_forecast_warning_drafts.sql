-- A forecast of an incident drafts one public warning for the officer to approve; the incident it was drafted for
-- is kept so that later computations, and other forecasts of the same incident, never draft a second one.
ALTER TABLE public_warnings ADD COLUMN drafted_for_incident uuid REFERENCES incidents (id);
CREATE UNIQUE INDEX public_warnings_drafted_for_incident_idx ON public_warnings (drafted_for_incident) WHERE drafted_for_incident IS NOT NULL;
