-- Forecasts as alerts (issue 12): a computed forecast is an alert of its own, placed on the area its horizons cover, and
-- a forecast zone drawn or redrawn is what is expected, not what was observed (the matcher reads the zone's kind from
-- the event).
INSERT INTO alert_kinds (kind, severity, urgency, certainty, headline) VALUES
    ('FORECAST_COMPUTED', 'SEVERE', 'EXPECTED', 'LIKELY', 'Forecast computed');
