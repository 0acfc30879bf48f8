namespace Dispatch.Gis.Alerts;

internal static class AlertMatcherSql
{
    /// <summary>
    /// Events in ($1, $2] joined to the subscriptions whose area they meet — on the GiST index of alert_subscriptions.area,
    /// one index probe per event, never a scan of the subscriptions — filtered by kind, severity and the creator's scope
    /// (checked at every match, as at creation), inserted into the inboxes. An event without a place of its own meets an area
    /// through its territory's geometry. An event about a zone a subscription follows reaches it by the zone's id too (GIN
    /// index on zones): closing the zone empties its share of the area (schema/251) before the matcher reads ZONE_CLOSED. Only
    /// an id that is a uuid is cast: one bad entity id must not stop the matcher for every subscription. The unique (subscription, event) key makes a repeated batch insert nothing twice.
    /// Returns, per subscription that got entries, its territory, the range of new entries and whether it has a webhook.
    /// </summary>
    public const string Match = """
        WITH candidates AS (
            SELECT e.id, e.kind, e.entity_type, e.entity_id, e.payload, e.geom, e.territory_kato,
                   coalesce(e.geom, t.geom) AS place,
                   CASE WHEN e.kind = 'WARNING_RECEIVED' AND upper(e.payload ->> 'severity') IN ('EXTREME', 'SEVERE', 'MODERATE', 'MINOR')
                        THEN upper(e.payload ->> 'severity') ELSE k.severity END AS severity,
                   CASE WHEN e.kind = 'WARNING_RECEIVED' AND upper(e.payload ->> 'urgency') IN ('IMMEDIATE', 'EXPECTED', 'FUTURE', 'PAST')
                        THEN upper(e.payload ->> 'urgency')
                        WHEN z.forecast THEN 'EXPECTED' WHEN z.potential THEN 'FUTURE' ELSE k.urgency END AS urgency,
                   CASE WHEN e.kind = 'WARNING_RECEIVED' AND upper(e.payload ->> 'certainty') IN ('OBSERVED', 'LIKELY', 'POSSIBLE', 'UNLIKELY')
                        THEN upper(e.payload ->> 'certainty')
                        WHEN z.forecast THEN 'LIKELY' WHEN z.potential THEN 'POSSIBLE' ELSE k.certainty END AS certainty,
                   left(CASE WHEN z.forecast THEN replace(k.headline, 'Emergency zone', 'Forecast zone')
                             WHEN z.potential THEN replace(k.headline, 'Emergency zone', 'Potential zone') ELSE k.headline END || coalesce(': ' || coalesce(e.payload ->> 'headline',
                        -- A level change says which domain moved and how far; its payload's name is only the territory's.
                        CASE WHEN e.kind = 'SITUATION_CHANGED' THEN concat_ws(' ', e.payload ->> 'domain', (e.payload ->> 'from') || ' → ' || (e.payload ->> 'to')) END,
                        e.payload ->> 'name', e.payload ->> 'text',
                        e.payload ->> 'regime', e.payload ->> 'to', e.payload ->> 'feed'), '') || coalesce(' (' || t2.name_en || ')', ''), 300) AS headline
            FROM events e
            JOIN alert_kinds k ON k.kind = e.kind
            -- A forecast zone drawn or redrawn is expected, a potential one (a dangerous object's hazard area) possible.
            CROSS JOIN LATERAL (SELECT e.kind IN ('ZONE_CREATED', 'ZONE_CHANGED') AND e.payload ->> 'kind' = 'FORECAST' AS forecast,
                                       e.kind IN ('ZONE_CREATED', 'ZONE_CHANGED') AND e.payload ->> 'kind' = 'POTENTIAL' AS potential) z
            LEFT JOIN territories t ON e.geom IS NULL AND t.kato = e.territory_kato
            LEFT JOIN territories t2 ON t2.kato = e.territory_kato
            WHERE e.id > $1 AND e.id <= $2
        ), inserted AS (
            INSERT INTO alert_inbox (subscription_id, event_id, kind, severity, urgency, certainty, headline, area, territory_kato, objects)
            SELECT s.id, c.id, c.kind, c.severity, c.urgency, c.certainty, c.headline, c.geom, c.territory_kato,
                   jsonb_build_array(jsonb_build_object('type', c.entity_type, 'id', c.entity_id))
                   || CASE WHEN c.payload ? 'incidentId' AND jsonb_typeof(c.payload -> 'incidentId') = 'string' AND c.entity_type <> 'Incident'
                           THEN jsonb_build_array(jsonb_build_object('type', 'Incident', 'id', c.payload ->> 'incidentId')) ELSE '[]'::jsonb END
                   || CASE WHEN c.payload ? 'zoneId' AND jsonb_typeof(c.payload -> 'zoneId') = 'string' AND c.entity_type <> 'Zone'
                           THEN jsonb_build_array(jsonb_build_object('type', 'Zone', 'id', c.payload ->> 'zoneId')) ELSE '[]'::jsonb END
            FROM candidates c
            CROSS JOIN LATERAL (
                SELECT * FROM alert_subscriptions s WHERE s.id IN (
                    SELECT a.id FROM alert_subscriptions a WHERE c.place IS NOT NULL AND ST_Intersects(a.area, c.place)
                    UNION ALL
                    SELECT a.id FROM alert_subscriptions a
                    WHERE a.zones @> ARRAY[CASE WHEN c.entity_type = 'Zone' AND c.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                                THEN c.entity_id::uuid END])
            ) s
            WHERE c.id > s.match_after AND (s.paused_after IS NULL OR c.id <= s.paused_after)
              AND c.kind = ANY (s.kinds)
              -- A route crossing is for the crossing unit's own service only: another service's crew is not on that road.
              AND (c.kind <> 'ROUTE_CROSSES_HAZARD' OR s.owner_service_id::text = c.payload ->> 'serviceId')
              AND alert_severity_rank(c.severity) >= alert_severity_rank(s.min_severity)
              AND (s.scope IS NULL OR c.territory_kato = ANY (s.scope) OR substr(c.territory_kato, 1, 2) || '0000000' = ANY (s.scope))
            ORDER BY c.id, s.id
            ON CONFLICT (subscription_id, event_id) DO NOTHING
            RETURNING subscription_id, seq
        )
        SELECT i.subscription_id, s.territory_kato, min(i.seq), max(i.seq), count(*)::int, s.webhook_url IS NOT NULL
        FROM inserted i JOIN alert_subscriptions s ON s.id = i.subscription_id
        GROUP BY i.subscription_id, s.territory_kato, s.webhook_url
        ORDER BY i.subscription_id
        """;
}
