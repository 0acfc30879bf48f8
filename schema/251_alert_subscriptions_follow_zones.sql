-- Standing subscriptions on zones follow the zones (issue 12): a subscription's area is the union of what was drawn, its
-- territories and the CURRENT shapes of its zones that are still open, recomputed in the transaction that redraws or
-- closes a zone, so the matcher (which reads only alert_subscriptions.area) never sees a stale shape. A redraw widens or
-- narrows what the subscription meets; a closed zone stops counting, since nothing more happens inside a zone that no
-- longer exists. The zone's own events (ZONE_CHANGED, ZONE_CLOSED) still reach the subscriptions that follow it, by its
-- id (AlertMatcherSql). A subscription left with nothing but closed zones keeps an empty area, which meets nothing.

ALTER TABLE alert_subscriptions DROP CONSTRAINT alert_subscriptions_area_check;
ALTER TABLE alert_subscriptions ADD CONSTRAINT alert_subscriptions_area_check CHECK (ST_IsValid(area));

-- Which subscriptions follow a zone: looked up on every redraw, never by scanning the subscriptions.
CREATE INDEX alert_subscriptions_zones_idx ON alert_subscriptions USING gin (zones);

CREATE FUNCTION alert_subscription_area(requested geometry, katos text[], zone_ids uuid[]) RETURNS geometry
LANGUAGE sql STABLE AS $$
    SELECT coalesce(ST_UnaryUnion(ST_Collect(g)), ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, 4326)) FROM (
        SELECT requested AS g WHERE requested IS NOT NULL
        UNION ALL SELECT geom FROM territories WHERE kato = ANY (katos)
        UNION ALL SELECT geom FROM emergency_zones WHERE id = ANY (zone_ids) AND status = 'ACTIVE'
    ) parts
$$;

CREATE FUNCTION alert_subscriptions_follow_zone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Locked in id order, as every write here locks the rows it changes: two redraws of zones shared by the same
    -- subscriptions then wait for each other instead of deadlocking.
    PERFORM 1 FROM alert_subscriptions WHERE zones @> ARRAY[NEW.id] ORDER BY id FOR UPDATE;
    UPDATE alert_subscriptions
    SET area = alert_subscription_area(requested_area, territories, zones), updated_at = clock_timestamp()
    WHERE zones @> ARRAY[NEW.id];
    RETURN NULL;
END
$$;

CREATE TRIGGER alert_subscriptions_follow_zone
AFTER UPDATE OF geom, status ON emergency_zones
FOR EACH ROW WHEN (OLD.geom IS DISTINCT FROM NEW.geom OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION alert_subscriptions_follow_zone();
