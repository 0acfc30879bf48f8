namespace Dispatch.Gis.DemoData;

/// <summary>
/// The demo upserts. Each returns one boolean row per written row (true inserted, false updated), which is what
/// <see cref="ReferenceData.ReferenceImporter.UpsertAsync"/> counts; rows already equal to the file are not written.
/// </summary>
internal static class DemoSql
{
    public const string MissingTerritories = """
        SELECT coalesce(string_agg(k, ', ' ORDER BY k), '') FROM unnest($1::text[]) k WHERE NOT EXISTS (SELECT 1 FROM territories t WHERE t.kato = k)
        """;

    public const string MissingObjects = """
        SELECT coalesce(string_agg(r, ', ' ORDER BY r), '') FROM unnest($1::text[]) r
        WHERE NOT EXISTS (SELECT 1 FROM dangerous_objects o WHERE o.external_ref = r AND o.geom IS NOT NULL)
        """;

    public const string Services = """
        INSERT INTO duty_services AS t (code, kind, name, territory_kato, duty_officer, phones, call_signs)
        SELECT s.code, s.kind, s.name, s.territory, s.officer,
               ARRAY(SELECT jsonb_array_elements_text(s.phones::jsonb)), ARRAY(SELECT jsonb_array_elements_text(s.call_signs::jsonb))
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
             AS s(code, kind, name, territory, officer, phones, call_signs)
        ON CONFLICT (code) DO UPDATE SET
            kind = EXCLUDED.kind, name = EXCLUDED.name, territory_kato = EXCLUDED.territory_kato, duty_officer = EXCLUDED.duty_officer,
            phones = EXCLUDED.phones, call_signs = EXCLUDED.call_signs, updated_at = clock_timestamp()
        WHERE (t.kind, t.name, t.territory_kato, t.duty_officer, t.phones, t.call_signs)
              IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name, EXCLUDED.territory_kato, EXCLUDED.duty_officer, EXCLUDED.phones, EXCLUDED.call_signs)
        RETURNING (xmax = 0)
        """;

    // Channels no longer in the file are left alone: shift checks may already refer to them.
    public const string Channels = """
        INSERT INTO service_channels AS t (service_id, kind, address, label)
        SELECT d.id, s.kind, s.address, s.label
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(code, kind, address, label)
        JOIN duty_services d ON d.code = s.code
        ON CONFLICT (service_id, kind, address) DO UPDATE SET label = EXCLUDED.label
        WHERE t.label IS DISTINCT FROM EXCLUDED.label
        RETURNING (xmax = 0)
        """;

    // Status, position and composition are live state, changed through the API (status changes, AVL fixes,
    // composition reports), so a reload sets them only for a new unit. A unit still at its base follows a moved base.
    public const string Units = """
        INSERT INTO response_units AS t (service_id, call_sign, profile, status, personnel, vehicles, base_name, base, territory_kato, location)
        SELECT d.id, s.call_sign, s.profile, s.status, s.personnel, s.vehicles::jsonb, s.base_name, p.base, d.territory_kato, p.base
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::float8[], $9::float8[])
             AS s(code, call_sign, profile, status, personnel, vehicles, base_name, lon, lat)
        JOIN duty_services d ON d.code = s.code
        CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS base) p
        ON CONFLICT (service_id, call_sign) DO UPDATE SET
            profile = EXCLUDED.profile, base_name = EXCLUDED.base_name, base = EXCLUDED.base, territory_kato = EXCLUDED.territory_kato,
            location = CASE WHEN t.location_at IS NULL THEN EXCLUDED.base ELSE t.location END
        WHERE (t.profile, t.base_name, t.territory_kato) IS DISTINCT FROM (EXCLUDED.profile, EXCLUDED.base_name, EXCLUDED.territory_kato)
           OR ST_AsEWKB(t.base) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.base)
        RETURNING (xmax = 0)
        """;

    public const string DangerousObjects = """
        INSERT INTO dangerous_objects AS t (external_ref, name, hazard_class, object_kind, operator, geom, substances, contacts, source, territory_kato)
        SELECT s.ref, s.name, s.hazard_class, s.kind, s.operator, p.geom, s.substances::jsonb, s.contacts::jsonb, $9,
               (SELECT d.kato FROM territories d WHERE d.level = 'DISTRICT' AND ST_Covers(d.geom, p.geom) ORDER BY d.kato LIMIT 1)
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS s(ref, name, hazard_class, kind, operator, geojson, substances, contacts)
        CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326) AS geom) p
        ON CONFLICT (external_ref) DO UPDATE SET
            name = EXCLUDED.name, hazard_class = EXCLUDED.hazard_class, object_kind = EXCLUDED.object_kind, operator = EXCLUDED.operator,
            geom = EXCLUDED.geom, substances = EXCLUDED.substances, contacts = EXCLUDED.contacts, source = EXCLUDED.source,
            territory_kato = EXCLUDED.territory_kato, location_note = NULL, updated_at = clock_timestamp()
        WHERE (t.name, t.hazard_class, t.object_kind, t.operator, t.substances, t.contacts, t.source, t.territory_kato, t.location_note)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.hazard_class, EXCLUDED.object_kind, EXCLUDED.operator, EXCLUDED.substances,
                                EXCLUDED.contacts, EXCLUDED.source, EXCLUDED.territory_kato, NULL)
           OR ST_AsEWKB(t.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
        RETURNING (xmax = 0)
        """;

    // hazard_zones has no unique key (the API lets an officer add zones of any name), so (object, name) is matched
    // here; the loader's advisory lock keeps two loads from both inserting. A zone is the file's polygon, or a
    // geodesic buffer of the file's geometry or, without one, of the object's own location.
    public const string HazardZones = """
        WITH s AS (
            SELECT o.id AS object_id, s.kind, s.name, s.basis,
                   ST_Multi(CASE WHEN s.buffer IS NULL THEN g.shape ELSE ST_Buffer(g.shape::geography, s.buffer)::geometry END) AS geom
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[]) AS s(ref, kind, name, basis, geojson, buffer)
            JOIN dangerous_objects o ON o.external_ref = s.ref
            CROSS JOIN LATERAL (SELECT coalesce(ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326), o.geom) AS shape) g
        ), changed AS (
            UPDATE hazard_zones h SET kind = s.kind, geom = s.geom, basis = s.basis
            FROM s
            WHERE h.object_id = s.object_id AND h.name = s.name
              AND ((h.kind, h.basis) IS DISTINCT FROM (s.kind, s.basis) OR ST_AsEWKB(h.geom) IS DISTINCT FROM ST_AsEWKB(s.geom))
            RETURNING false
        ), added AS (
            INSERT INTO hazard_zones (object_id, kind, name, geom, basis)
            SELECT s.object_id, s.kind, s.name, s.geom, s.basis FROM s
            WHERE NOT EXISTS (SELECT 1 FROM hazard_zones h WHERE h.object_id = s.object_id AND h.name = s.name)
            RETURNING true
        )
        SELECT * FROM changed UNION ALL SELECT * FROM added
        """;

    // Demo zones are known by (created_by 'demo', name) and only ever inserted: once there, a zone is the officers'
    // to change or close through the API, which versions every change; a reload must not undo their work.
    public const string EmergencyZones = """
        WITH s AS (
            SELECT s.name, s.kind, s.hazard, s.note, g.geom,
                   (SELECT t.kato FROM territories t WHERE t.level = 'DISTRICT' AND ST_Intersects(t.geom, g.geom)
                    ORDER BY ST_Area(ST_Intersection(t.geom, g.geom)::geography) DESC LIMIT 1) AS territory
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS s(name, kind, hazard, note, geojson)
            CROSS JOIN LATERAL (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326)) AS geom) g
            WHERE NOT EXISTS (SELECT 1 FROM emergency_zones z WHERE z.created_by = $6 AND z.name = s.name)
        ), added AS (
            INSERT INTO emergency_zones (kind, name, hazard, geom, territory_kato, created_by)
            SELECT s.kind, s.name, s.hazard, s.geom, s.territory, $6 FROM s
            RETURNING id, geom, name
        ), versions AS (
            INSERT INTO emergency_zone_versions (zone_id, version, geom, area_added, note, changed_by)
            SELECT a.id, 1, a.geom, a.geom, s.note, $6 FROM added a JOIN s ON s.name = a.name
            RETURNING true
        )
        SELECT * FROM versions
        """;

    // A reference dam (GPPD:…) gets its valley line and figures; the row is otherwise left as the reference import wrote it.
    public const string Dams = """
        WITH s AS (
            SELECT s.ref, ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326) AS line, s.dam::jsonb AS dam
            FROM unnest($1::text[], $2::text[], $3::text[]) AS s(ref, geojson, dam)
        )
        UPDATE dangerous_objects o SET valley_line = s.line, dam_parameters = s.dam, updated_at = clock_timestamp()
        FROM s
        WHERE o.external_ref = s.ref AND o.hazard_class = 'HYDRAULIC'
          AND (o.dam_parameters IS DISTINCT FROM s.dam OR ST_AsEWKB(o.valley_line) IS DISTINCT FROM ST_AsEWKB(s.line))
        RETURNING false
        """;
}
