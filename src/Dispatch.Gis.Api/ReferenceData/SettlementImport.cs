using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.ReferenceData;

/// <summary>GeoNames populated places of 15,000 or more, the basis of territory population figures.</summary>
internal static class SettlementImport
{
    private const string Upsert = """
        INSERT INTO settlements AS t (id, name, name_ascii, feature_code, population, geom, source, territory_kato)
        SELECT s.id, s.name, s.name_ascii, s.feature_code, s.population, p.geom, $8,
               (SELECT d.kato FROM territories d WHERE d.level = 'DISTRICT' AND ST_Covers(d.geom, p.geom) ORDER BY d.kato LIMIT 1)
        FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::float8[], $7::float8[])
             AS s(id, name, name_ascii, feature_code, population, lon, lat)
        CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) AS geom) p
        ON CONFLICT (id) DO UPDATE SET
            name = EXCLUDED.name, name_ascii = EXCLUDED.name_ascii, feature_code = EXCLUDED.feature_code,
            population = EXCLUDED.population, geom = EXCLUDED.geom, source = EXCLUDED.source, territory_kato = EXCLUDED.territory_kato
        WHERE (t.name, t.name_ascii, t.feature_code, t.population, t.source, t.territory_kato)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_ascii, EXCLUDED.feature_code, EXCLUDED.population, EXCLUDED.source, EXCLUDED.territory_kato)
           OR ST_AsEWKB(t.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
        RETURNING (xmax = 0)
        """;

    public static async Task<TableReport> RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var features = await ReferenceFiles.ReadFeaturesAsync(ReferenceFiles.Settlements, ct);
        var rows = features.Select(f =>
        {
            using var geometry = System.Text.Json.JsonDocument.Parse(f.GeometryJson);
            var coordinates = geometry.RootElement.GetProperty("coordinates");
            var p = f.Properties;
            return (Id: p.GetProperty("geonameid").GetInt64(), Name: p.Text("name"), Ascii: p.Text("asciiname"),
                Code: p.Text("feature_code"), Population: p.GetProperty("population").GetInt32(),
                Lon: coordinates[0].GetDouble(), Lat: coordinates[1].GetDouble());
        }).ToList();

        NpgsqlParameter[] parameters =
        [
            new() { Value = rows.Select(r => r.Id).ToArray() },
            new() { Value = rows.Select(r => r.Name).ToArray() },
            new() { Value = rows.Select(r => r.Ascii).ToArray() },
            new() { Value = rows.Select(r => r.Code).ToArray() },
            new() { Value = rows.Select(r => r.Population).ToArray() },
            new() { Value = rows.Select(r => r.Lon).ToArray() },
            new() { Value = rows.Select(r => r.Lat).ToArray() },
            new() { Value = "GeoNames cities15000, CC BY 4.0" },
        ];
        return await ReferenceImporter.UpsertAsync(connection, tx, Upsert, rows.Count, parameters, ct);
    }
}
