using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.ReferenceData;

/// <summary>WRI Global Power Plant Database rows for Kazakhstan, as potentially dangerous objects.</summary>
internal static class PowerPlantImport
{
    private const string Upsert = """
        INSERT INTO dangerous_objects AS t (external_ref, name, hazard_class, object_kind, operator, capacity_mw, geom, location_note, source, territory_kato)
        SELECT s.ref, s.name, s.hazard_class, s.kind, s.operator, s.capacity, p.geom, s.note, $10,
               (SELECT d.kato FROM territories d WHERE d.level = 'DISTRICT' AND ST_Covers(d.geom, p.geom) ORDER BY d.kato LIMIT 1)
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::bool[], $9::text[])
             AS s(ref, name, hazard_class, kind, operator, capacity, geojson, located, note)
        CROSS JOIN LATERAL (SELECT CASE WHEN s.located THEN ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326) END AS geom) p
        ON CONFLICT (external_ref) DO UPDATE SET
            name = EXCLUDED.name, hazard_class = EXCLUDED.hazard_class, object_kind = EXCLUDED.object_kind,
            operator = EXCLUDED.operator, capacity_mw = EXCLUDED.capacity_mw, geom = EXCLUDED.geom,
            location_note = EXCLUDED.location_note, source = EXCLUDED.source, territory_kato = EXCLUDED.territory_kato
        WHERE (t.name, t.hazard_class, t.object_kind, t.operator, t.capacity_mw, t.location_note, t.source, t.territory_kato)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.hazard_class, EXCLUDED.object_kind, EXCLUDED.operator,
                                EXCLUDED.capacity_mw, EXCLUDED.location_note, EXCLUDED.source, EXCLUDED.territory_kato)
           OR ST_AsEWKB(t.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
        RETURNING (xmax = 0)
        """;

    public static async Task<(TableReport Report, int WithoutLocation)> RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var features = await ReferenceFiles.ReadFeaturesAsync(ReferenceFiles.PowerPlants, ct);
        var rows = features.Select(f =>
        {
            var p = f.Properties;
            var note = p.TextOrNull("qa_note");
            // Two GPPD rows carry another plant's coordinates (data/README.md). They stay in the registry
            // without a location: a dispatcher must not be shown a dangerous object where it is not.
            var located = note is null || !note.Contains("treat location as wrong", StringComparison.Ordinal);
            var kind = p.Text("hazard_class");
            return (Ref: "GPPD:" + p.Text("gppd_idnr"), Name: p.Text("name"),
                Hazard: kind == "hydro_power_plant_dam" ? "HYDRAULIC" : "ENERGY", Kind: kind,
                Operator: p.TextOrNull("owner"), Capacity: p.NumberOrNull("capacity_mw"),
                Geometry: f.GeometryJson, Located: located, Note: note);
        }).ToList();

        NpgsqlParameter[] parameters =
        [
            new() { Value = rows.Select(r => r.Ref).ToArray() },
            new() { Value = rows.Select(r => r.Name).ToArray() },
            new() { Value = rows.Select(r => r.Hazard).ToArray() },
            new() { Value = rows.Select(r => r.Kind).ToArray() },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.Operator).ToArray() },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double, Value = rows.Select(r => r.Capacity).ToArray() },
            new() { Value = rows.Select(r => r.Geometry).ToArray() },
            new() { Value = rows.Select(r => r.Located).ToArray() },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.Note).ToArray() },
            new() { Value = "WRI Global Power Plant Database v1.3.0, CC BY 4.0" },
        ];
        var report = await ReferenceImporter.UpsertAsync(connection, tx, Upsert, rows.Count, parameters, ct);
        return (report, rows.Count(r => !r.Located));
    }
}
