using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Dispatch.Gis.ReferenceData;

/// <summary>Regions and districts from geokz 2024, with each region's administrative centre.</summary>
internal static class TerritoryImport
{
    private const string Source = "geokz 1.0.2 (2024), CC BY 4.0";

    // Nine source polygons are invalid (self-intersections, two-point slivers). Reference data is repaired,
    // unlike user input, because it is curated and checked: the 'structure' method keeps every shell and hole,
    // and the repaired areas equal the source areas to 0.01 km² (data/README.md).
    private const string Upsert = """
        INSERT INTO territories AS t (kato, level, kind, parent_kato, name_kk, name_ru, name_en, iso_3166_2, pcode, geom,
                                      admin_centre, admin_centre_name_kk, admin_centre_name_ru, admin_centre_name_en, source)
        SELECT s.kato, s.level, s.kind, s.parent_kato, s.name_kk, s.name_ru, s.name_en, s.iso, s.pcode,
               ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(s.geojson), 4326), 'method=structure'), 3)),
               ST_SetSRID(ST_GeomFromGeoJSON(s.centre), 4326), s.centre_kk, s.centre_ru, s.centre_en, $16
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
             AS s(kato, level, kind, parent_kato, name_kk, name_ru, name_en, iso, pcode, geojson, centre, centre_kk, centre_ru, centre_en, unused)
        ON CONFLICT (kato) DO UPDATE SET
            level = EXCLUDED.level, kind = EXCLUDED.kind, parent_kato = EXCLUDED.parent_kato,
            name_kk = EXCLUDED.name_kk, name_ru = EXCLUDED.name_ru, name_en = EXCLUDED.name_en,
            iso_3166_2 = EXCLUDED.iso_3166_2, pcode = EXCLUDED.pcode, geom = EXCLUDED.geom,
            admin_centre = EXCLUDED.admin_centre, admin_centre_name_kk = EXCLUDED.admin_centre_name_kk,
            admin_centre_name_ru = EXCLUDED.admin_centre_name_ru, admin_centre_name_en = EXCLUDED.admin_centre_name_en,
            source = EXCLUDED.source
        WHERE (t.level, t.kind, t.parent_kato, t.name_kk, t.name_ru, t.name_en, t.iso_3166_2, t.pcode, t.source,
               t.admin_centre_name_kk, t.admin_centre_name_ru, t.admin_centre_name_en)
              IS DISTINCT FROM
              (EXCLUDED.level, EXCLUDED.kind, EXCLUDED.parent_kato, EXCLUDED.name_kk, EXCLUDED.name_ru, EXCLUDED.name_en,
               EXCLUDED.iso_3166_2, EXCLUDED.pcode, EXCLUDED.source,
               EXCLUDED.admin_centre_name_kk, EXCLUDED.admin_centre_name_ru, EXCLUDED.admin_centre_name_en)
           OR ST_AsEWKB(t.geom) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.geom)
           OR ST_AsEWKB(t.admin_centre) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.admin_centre)
        RETURNING (xmax = 0)
        """;

    public static async Task<TableReport> RunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var regions = await ReferenceFiles.ReadFeaturesAsync(ReferenceFiles.Regions, ct);
        var districts = await ReferenceFiles.ReadFeaturesAsync(ReferenceFiles.Districts, ct);
        var centres = (await ReferenceFiles.ReadFeaturesAsync(ReferenceFiles.AdminCentres, ct))
            .Where(c => c.Properties.GetProperty("TYPE_CNT1").GetInt32() is 1 or 2 or 3) // 4 is Baikonur, not a region centre
            .ToDictionary(c => c.Properties.Text("ADM1_PCODE"));
        var regionKatoByPcode = regions.ToDictionary(r => r.Properties.Text("ADM1_PCODE"), r => r.Properties.Text("KATO"));

        var rows = regions.Select(r => RegionRow(r.Properties, r.GeometryJson, centres.GetValueOrDefault(r.Properties.Text("ADM1_PCODE"))))
            .Concat(districts.Select(d => DistrictRow(d.Properties, d.GeometryJson, regionKatoByPcode)))
            .ToList();

        var columns = Enumerable.Range(0, 15)
            .Select(i => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r[i]).ToArray() })
            .Append(new NpgsqlParameter { Value = Source });
        return await ReferenceImporter.UpsertAsync(connection, tx, Upsert, rows.Count, columns, ct);
    }

    private static string?[] RegionRow(JsonElement p, string geometry, (JsonElement Properties, string GeometryJson)? centre)
    {
        var oblast = p.Text("unit_type") == "oblast";
        var c = centre?.Properties;
        var (centreKk, centreRu, centreEn) = c is { } cp ? CentreNames(cp) : (null, null, null);
        return
        [
            p.Text("KATO"), "REGION", oblast ? "OBLAST" : "CITY_OF_REPUBLICAN_SIGNIFICANCE", null,
            oblast ? ReferenceFiles.KazakhCyrillic(p.Text("ADM1_KK")) + " облысы" : StripCityMark(ReferenceFiles.KazakhCyrillic(p.Text("ADM1_KK"))),
            oblast ? p.Text("ADM1_RU") + " область" : FixCityRu(p.Text("ADM1_RU")),
            oblast ? p.Text("ADM1_EN") + " Region" : StripCityMark(p.Text("ADM1_EN")),
            p.Text("ISO_3166_2_numeric"), p.Text("ADM1_PCODE"), geometry,
            centre?.GeometryJson, centreKk, centreRu, centreEn, null,
        ];
    }

    private static string?[] DistrictRow(JsonElement p, string geometry, Dictionary<string, string> regionKatoByPcode)
    {
        // The source gives districts as bare adjectives ("Абайский"); the noun is added so the name reads as a name.
        // Cities of oblast significance are nouns ("Семей") and stay as they are.
        var ru = p.Text("ADM2_RU");
        var isRaion = ru.EndsWith("ий", StringComparison.Ordinal) || ru.EndsWith("ой", StringComparison.Ordinal);
        var kk = ReferenceFiles.KazakhCyrillic(p.Text("ADM2_KK"));
        return
        [
            p.Text("KATO"), "DISTRICT", "DISTRICT", regionKatoByPcode[p.Text("ADM1_PCODE")],
            isRaion ? kk + " ауданы" : kk,
            isRaion ? ru + " район" : ru,
            isRaion ? p.Text("ADM2_EN") + " District" : p.Text("ADM2_EN"),
            null, p.Text("ADM2_PCODE"), geometry,
            null, null, null, null, null,
        ];
    }

    private static (string Kk, string Ru, string En) CentreNames(JsonElement c) =>
        // The source still calls the capital Nur-Sultan; it has been Astana again since September 2022.
        c.Text("NAME_EN") == "Nur-Sultan"
            ? ("Астана", "Астана", "Astana")
            : (ReferenceFiles.KazakhCyrillic(c.Text("NAME_KK")), c.Text("NAME_RU"), c.Text("NAME_EN"));

    private static string StripCityMark(string name) =>
        name.Replace(" (city)", "", StringComparison.Ordinal).Replace(" (қала)", "", StringComparison.Ordinal);

    // The source keeps the pre-1993 Russian form for Shymkent.
    private static string FixCityRu(string name) => name == "Чимкент" ? "Шымкент" : name;
}
