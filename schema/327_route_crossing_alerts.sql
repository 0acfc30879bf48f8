-- A forecast zone lying across the straight path of a unit on its way to the incident: an alert for the unit's own
-- service (the matcher sends it to that service's subscriptions only).
INSERT INTO alert_kinds (kind, severity, urgency, certainty, headline) VALUES
    ('ROUTE_CROSSES_HAZARD', 'SEVERE', 'IMMEDIATE', 'LIKELY', 'Route crosses a forecast hazard zone');
