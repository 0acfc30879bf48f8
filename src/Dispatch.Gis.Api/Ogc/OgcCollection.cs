using Dispatch.Gis.Monitoring;

namespace Dispatch.Gis.Ogc;

internal enum OgcKey
{
    Uuid,
    Text,
}

/// <summary>
/// One OGC API – Features collection, declared once: its rows, the key that orders pages and names features, the
/// GeoJSON properties (a json_build_object over the row), the instant <c>datetime</c> filters on (none: the
/// parameter does not apply) and the column deciding the territorial scope. Fixed text from the code only.
/// </summary>
internal sealed record OgcCollection(
    string Id,
    string Title,
    string Description,
    string From,
    string Key,
    OgcKey KeyType,
    string Geometry,
    string ScopeColumn,
    string Properties,
    string? Temporal = null,
    string? TemporalDescription = null);

/// <summary>The collections at /ogc/collections.</summary>
internal static class OgcCollections
{
    public static readonly IReadOnlyList<OgcCollection> All =
    [
        new("territories", "Territories", "Regions and districts (KATO) with their effective interaction regime.",
            """
            territories t
            LEFT JOIN regime_declarations own ON own.territory_kato = t.kato AND own.valid_to IS NULL
            LEFT JOIN regime_declarations reg ON reg.territory_kato = t.parent_kato AND reg.valid_to IS NULL
            """,
            "t.kato", OgcKey.Text, "t.geom", "t.kato",
            """
            json_build_object('kato', t.kato, 'level', t.level, 'kind', t.kind, 'parentKato', t.parent_kato, 'nameKk', t.name_kk,
                'nameRu', t.name_ru, 'nameEn', t.name_en, 'areaKm2', round(t.area_km2::numeric, 3),
                'regime', CASE WHEN 'EMERGENCY' IN (own.regime, reg.regime) THEN 'EMERGENCY'
                               WHEN 'HIGH_READINESS' IN (own.regime, reg.regime) THEN 'HIGH_READINESS' ELSE 'DAILY' END)
            """),
        new("zones", "Emergency zones", "ACTUAL, FORECAST and POTENTIAL emergency zones, active and closed.",
            "emergency_zones z", "z.id", OgcKey.Uuid, "z.geom", "z.territory_kato",
            """
            json_build_object('name', z.name, 'kind', z.kind, 'hazard', z.hazard, 'status', z.status, 'version', z.version,
                'incidentId', z.incident_id, 'territoryKato', z.territory_kato, 'createdAt', z.created_at, 'updatedAt', z.updated_at,
                'areaKm2', round((ST_Area(z.geom::geography) / 1e6)::numeric, 3))
            """,
            "z.updated_at", "time of the zone's latest change"),
        new("dangerous-objects", "Dangerous objects", "Potentially dangerous objects by hazard class (geometry null where the location is not trustworthy).",
            "dangerous_objects o", "o.id", OgcKey.Uuid, "o.geom", "o.territory_kato",
            """
            json_build_object('name', o.name, 'hazardClass', o.hazard_class, 'objectKind', o.object_kind, 'operator', o.operator,
                'capacityMw', o.capacity_mw, 'territoryKato', o.territory_kato, 'substances', o.substances, 'externalRef', o.external_ref,
                'updatedAt', o.updated_at)
            """,
            "o.updated_at", "time of the object's latest update"),
        new("units", "Response units", "Units of the duty-dispatch services at their latest fix (or base).",
            "response_units u", "u.id", OgcKey.Uuid, "u.location", "u.territory_kato",
            """
            json_build_object('callSign', u.call_sign, 'profile', u.profile, 'status', u.status, 'statusChangedAt', u.status_changed_at,
                'at', u.location_at, 'speedKmh', u.speed_kmh, 'headingDeg', u.heading_deg, 'personnel', u.personnel,
                'serviceId', u.service_id, 'territoryKato', u.territory_kato)
            """,
            "u.location_at", "time of the latest AVL fix"),
        new("incidents", "Incidents", "Incident cards at their reported point.",
            "incidents i", "i.id", OgcKey.Uuid, "i.location", "i.territory_kato",
            """
            json_build_object('number', i.number, 'status', i.status, 'receivedAt', i.received_at, 'channel', i.channel,
                'address', i.address, 'type', coalesce(i.type, i.preliminary_type), 'scale', i.scale, 'urgency', i.urgency,
                'territoryKato', i.territory_kato)
            """,
            "i.received_at", "time the call or report was received"),
        new("stations", "Monitoring stations", "Hydro, meteo, radiation and air-quality posts and object sensors, at the level of their worst current reading.",
            StationSql.WithWorstReading, "s.id", OgcKey.Uuid, "s.geom", "s.territory_kato",
            $$"""
            json_build_object('code', s.code, 'name', s.name, 'kind', s.kind, 'operator', s.operator, 'parameters', s.parameters,
                'waterBody', s.water_body, 'dangerousObjectId', s.dangerous_object_id, 'territoryKato', s.territory_kato,
                'level', {{StationSql.Level}}, 'levelParameter', worst.parameter, 'levelValue', worst.value, 'observedAt', worst.observed_at,
                'updatedAt', s.updated_at)
            """,
            "worst.observed_at", "time of the reading that sets its level"),
        new("public-warnings", "Public warnings", "Current public warnings (CAP 1.2): each one's latest public message over its whole area (identifiers: one per separate part).",
            Tiles.TileLayers.CurrentWarnings, "w.id", OgcKey.Uuid, "m.area", "w.territory_kato",
            """
            json_build_object('identifier', m.identifier, 'msgType', m.msg_type, 'event', m.event, 'category', m.category, 'urgency', m.urgency,
                'severity', m.severity, 'certainty', m.certainty, 'headline', m.texts -> 0 ->> 'headline', 'sent', m.sent, 'effective', m.effective,
                'expires', m.expires, 'geocodes', m.all_geocodes, 'capPath', '/cap/' || m.identifier || '.xml', 'territoryKato', w.territory_kato,
                'identifiers', m.identifiers)
            """,
            "m.sent", "time the latest message was sent"),
    ];

    public static OgcCollection? Find(string id) => All.FirstOrDefault(c => c.Id == id);
}
