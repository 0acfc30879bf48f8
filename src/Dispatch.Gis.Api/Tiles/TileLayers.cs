using Dispatch.Gis.Monitoring;

namespace Dispatch.Gis.Tiles;

/// <summary>The allowlist of tile layers.</summary>
internal static class TileLayers
{
    private const string EffectiveRegime = """
        CASE WHEN 'EMERGENCY' IN (own.regime, reg.regime) THEN 'EMERGENCY'
             WHEN 'HIGH_READINESS' IN (own.regime, reg.regime) THEN 'HIGH_READINESS' ELSE 'DAILY' END
        """;

    public static readonly TileLayer Territories = new(
        Name: "territories",
        Description: "Regions and districts with their effective interaction regime (the higher of their own and their region's).",
        From: """
            territories t
            LEFT JOIN regime_declarations own ON own.territory_kato = t.kato AND own.valid_to IS NULL
            LEFT JOIN regime_declarations reg ON reg.territory_kato = t.parent_kato AND reg.valid_to IS NULL
            """,
        Geometry: "t.geom",
        ScopeColumn: "t.kato",
        Attributes:
        [
            new("id", "t.kato", "String", "KATO code"),
            new("level", "t.level", "String", "REGION or DISTRICT"),
            new("kind", "t.kind", "String", "OBLAST, CITY_OF_REPUBLICAN_SIGNIFICANCE or DISTRICT"),
            new("parent", "t.parent_kato", "String", "KATO code of the region (districts)"),
            new("name_kk", "t.name_kk", "String", "name in Kazakh"),
            new("name_ru", "t.name_ru", "String", "name in Russian"),
            new("name_en", "t.name_en", "String", "name in English"),
            new("regime", EffectiveRegime, "String", "effective regime: DAILY, HIGH_READINESS or EMERGENCY"),
            new("own_regime", "coalesce(own.regime, 'DAILY')", "String", "the territory's own declared regime"),
        ],
        Fingerprint: "concat_ws('|', t.kato, t.level, t.name_kk, t.name_ru, t.name_en, t.area_km2, own.id, reg.id)",
        Order: ["t.level", "t.kato"],
        MinZoom: 0,
        MaxZoom: 14,
        Version: 1,
        FeatureId: "t.kato::bigint",
        Polygons: true);

    public static readonly TileLayer Zones = new(
        Name: "zones",
        Description: "Emergency zones: ACTUAL, FORECAST, POTENTIAL; active and closed (filter on status).",
        From: "emergency_zones z",
        Geometry: "z.geom",
        ScopeColumn: "z.territory_kato",
        Attributes:
        [
            new("id", "z.id::text", "String", "zone id"),
            new("name", "z.name", "String", "name"),
            new("kind", "z.kind", "String", "ACTUAL, FORECAST or POTENTIAL"),
            new("hazard", "z.hazard", "String", "hazard (CHEMICAL, FLOOD, …)"),
            new("status", "z.status", "String", "ACTIVE or CLOSED"),
            new("version", "z.version", "Number", "version of the shape"),
            new("incident", "z.incident_id::text", "String", "incident id"),
            new("territory", "z.territory_kato", "String", "KATO code of the district holding most of it"),
            new("updated_at", "to_char(z.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String", "last change (UTC)"),
        ],
        Fingerprint: "concat_ws('|', z.id, z.version, z.status, z.name, z.kind, z.hazard, z.incident_id, z.updated_at)",
        Order: ["z.status", "z.updated_at DESC", "z.id"],
        MinZoom: 0,
        MaxZoom: 16,
        Version: 1,
        Polygons: true);

    public static readonly TileLayer DangerousObjects = new(
        Name: "dangerous-objects",
        Description: "Potentially dangerous objects by hazard class (objects without a trustworthy location are left out).",
        From: "dangerous_objects o",
        Geometry: "o.geom",
        ScopeColumn: "o.territory_kato",
        Attributes:
        [
            new("id", "o.id::text", "String", "object id"),
            new("name", "o.name", "String", "name"),
            new("hazard_class", "o.hazard_class", "String", "CHEMICAL, RADIATION, BIOLOGICAL, EXPLOSIVE, FIRE, HYDRAULIC, ENERGY, OTHER"),
            new("object_kind", "o.object_kind", "String", "kind of object"),
            new("operator", "o.operator", "String", "operator"),
            new("territory", "o.territory_kato", "String", "KATO code of its district"),
        ],
        Fingerprint: "concat_ws('|', o.id, o.name, o.hazard_class, o.object_kind, o.operator, o.updated_at)",
        Order: ["o.id"],
        MinZoom: 3,
        MaxZoom: 16,
        Version: 1,
        Where: "o.geom IS NOT NULL",
        Polygons: true);

    /// <summary>{staleAfter} is the configured silence after which a unit is shown as stale.</summary>
    public static readonly TileLayer Units = new(
        Name: "units",
        Description: "Response units at their latest fix (or base), by profile and status; stale when silent too long.",
        From: "response_units u",
        Geometry: "u.location",
        ScopeColumn: "u.territory_kato",
        Attributes:
        [
            new("id", "u.id::text", "String", "unit id"),
            new("call_sign", "u.call_sign", "String", "call sign"),
            new("profile", "u.profile", "String", "FIRE, POLICE, MEDICAL, RESCUE, UTILITY, MEDICAL_AVIATION, HAZMAT"),
            new("status", "u.status", "String", "AVAILABLE, DISPATCHED, EN_ROUTE, ON_SCENE, …"),
            new("stale", "(u.location_at IS NULL OR u.location_at < now() - {staleAfter})", "Boolean", "no fix for longer than the configured silence"),
            new("at", "to_char(u.location_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String", "time of the latest fix (UTC)"),
            new("heading", "u.heading_deg", "Number", "heading, degrees"),
            new("service", "u.service_id::text", "String", "duty-dispatch service id"),
        ],
        Fingerprint: "concat_ws('|', u.id, u.location_at, u.status_changed_at, u.status, u.call_sign, u.heading_deg, u.location_at IS NULL OR u.location_at < now() - {staleAfter})",
        Order: ["(u.location_at IS NULL OR u.location_at < now() - {staleAfter})", "u.location_at DESC", "u.id"],
        MinZoom: 6,
        MaxZoom: 16,
        Version: 1);

    public static readonly TileLayer Incidents = new(
        Name: "incidents",
        Description: "Incident cards at their reported point, by status.",
        From: "incidents i",
        Geometry: "i.location",
        ScopeColumn: "i.territory_kato",
        Attributes:
        [
            new("id", "i.id::text", "String", "incident id"),
            new("number", "i.number", "Number", "card number"),
            new("status", "i.status", "String", "RECEIVED, CLASSIFIED, RESPONDING, LOCALISED, LIQUIDATED, CLOSED"),
            new("type", "coalesce(i.type, i.preliminary_type)", "String", "type (classified, else preliminary)"),
            new("scale", "i.scale", "String", "OBJECT, LOCAL, REGIONAL, GLOBAL"),
            new("urgency", "i.urgency", "Number", "urgency 1–4"),
            new("received_at", "to_char(i.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String", "received (UTC)"),
        ],
        Fingerprint: "concat_ws('|', i.id, i.status, i.type, i.preliminary_type, i.scale, i.urgency, i.classified_at)",
        Order: ["i.status = 'CLOSED'", "i.received_at DESC", "i.id"],
        MinZoom: 3,
        MaxZoom: 16,
        Version: 1,
        FeatureId: "i.number");

    public static readonly TileLayer Stations = new(
        Name: "stations",
        Description: "Monitoring stations (hydro, meteo, radiation, air quality, object sensors) at the level of their worst current reading.",
        From: StationSql.WithWorstReading,
        Geometry: "s.geom",
        ScopeColumn: "s.territory_kato",
        Attributes:
        [
            new("id", "s.id::text", "String", "station id"),
            new("code", "s.code", "String", "station code"),
            new("name", "s.name", "String", "name"),
            new("kind", "s.kind", "String", "HYDRO_POST, METEO_STATION, RADIATION_POST, AIR_QUALITY_POST, …"),
            new("operator", "s.operator", "String", "who runs it"),
            new("level", StationSql.Level, "String", "NO_DATA, NORMAL, ELEVATED, HIGH or CRITICAL: its worst current reading"),
            new("parameter", "worst.parameter", "String", "the parameter of that reading"),
            new("value", "worst.value", "Number", "its value, in the parameter's unit"),
            new("observed_at", "to_char(worst.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String", "when it was observed (UTC)"),
            new("territory", "s.territory_kato", "String", "KATO code of its district"),
        ],
        Fingerprint: "concat_ws('|', s.id, s.updated_at, worst.level, worst.parameter, worst.value, worst.observed_at)",
        Order: [StationSql.LevelRank + " DESC", "s.code"],
        MinZoom: 4,
        MaxZoom: 16,
        Version: 1);

    /// <summary>
    /// Current public warnings (what /cap/feed.atom lists), one feature each: its latest public step's words (from the
    /// first part's message) over the whole area (m.area, the union of every part's area: the last part, a convex hull
    /// of what was left over, may overlap the others, and overlapping members would make an invalid MultiPolygon; with
    /// the parts' identifiers and geocodes); drafts never show.
    /// Shared with the OGC collection of the same name.
    /// </summary>
    public const string CurrentWarnings = """
        public_warnings w
        JOIN LATERAL (SELECT h.*, step.area, step.identifiers, step.all_geocodes
                      FROM public_warning_messages h
                      CROSS JOIN LATERAL (
                          SELECT ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(p.geom)), 3)) AS area, array_agg(p.identifier ORDER BY p.part) AS identifiers,
                                 coalesce((SELECT array_agg(DISTINCT g ORDER BY g) FROM public_warning_messages q, unnest(q.geocodes) g
                                           WHERE q.warning_id = h.warning_id AND q.seq = h.seq AND q.status = h.status), '{}') AS all_geocodes
                          FROM public_warning_messages p WHERE p.warning_id = h.warning_id AND p.seq = h.seq AND p.status = h.status) step
                      WHERE h.warning_id = w.id AND h.status = 'ACTUAL' ORDER BY h.seq DESC, h.part LIMIT 1) m
          ON w.state = 'ACTIVE' AND m.expires > now()
        """;

    public static readonly TileLayer PublicWarnings = new(
        Name: "public-warnings",
        Description: "Current public warnings (CAP 1.2) over their areas, by severity; cancelled, expired and draft ones are not shown.",
        From: CurrentWarnings,
        Geometry: "m.area",
        ScopeColumn: "w.territory_kato",
        Attributes:
        [
            new("id", "w.id::text", "String", "warning id"),
            new("identifier", "m.identifier", "String", "CAP identifier of the latest message, its first part's when the area goes out as separate alerts (served at /cap/{identifier}.xml)"),
            new("msg_type", "m.msg_type", "String", "ALERT or UPDATE"),
            new("event", "m.event", "String", "what the warning is about"),
            new("headline", "m.texts -> 0 ->> 'headline'", "String", "headline in the first language given"),
            new("severity", "m.severity", "String", "EXTREME, SEVERE, MODERATE, MINOR, UNKNOWN"),
            new("urgency", "m.urgency", "String", "IMMEDIATE, EXPECTED, FUTURE, PAST, UNKNOWN"),
            new("certainty", "m.certainty", "String", "OBSERVED, LIKELY, POSSIBLE, UNLIKELY, UNKNOWN"),
            new("expires", "to_char(m.expires AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String", "expiry (UTC)"),
            new("territory", "w.territory_kato", "String", "KATO code of the territory it is in"),
        ],
        Fingerprint: "concat_ws('|', w.id, m.identifier, w.state)",
        Order: ["m.sent DESC", "w.id"],
        MinZoom: 0,
        MaxZoom: 16,
        Version: 1,
        Polygons: true);

    public static readonly IReadOnlyList<TileLayer> All = [Territories, Zones, DangerousObjects, Units, Incidents, Stations, PublicWarnings];

    public static TileLayer? Find(string name) => All.FirstOrDefault(l => l.Name == name);
}
