using Dispatch.Gis.DemoData;
using Dispatch.Gis.ReferenceData;
using Dispatch.Gis.Storage;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace Dispatch.Gis.Tests.DemoData;

/// <summary>A migrated database with the reference data and one demo load, made by the service's own login.</summary>
public sealed class DemoDataFixture : IAsyncLifetime
{
    private readonly string _databaseName = PostgisServer.NewDatabaseName("demo");
    private NpgsqlDataSource? _service;

    public NpgsqlDataSource Db { get; private set; } = null!;
    internal DemoDataLoader Loader { get; private set; } = null!;
    internal DemoReport FirstLoad { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = await PostgisServer.CreateDatabaseAsync(_databaseName);
        Db = new NpgsqlDataSourceBuilder(database.Owner).UseNetTopologySuite().Build();
        _service = new NpgsqlDataSourceBuilder(database.Service).UseNetTopologySuite().Build();
        await new Migrator(new OwnerDataSource(Db, Owned: false), NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        await new ReferenceImporter(_service, NullLogger<ReferenceImporter>.Instance).ImportAsync(CancellationToken.None);
        Loader = new DemoDataLoader(_service, NullLogger<DemoDataLoader>.Instance);
        FirstLoad = await Loader.LoadAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (Db is not null)
        {
            await Db.DisposeAsync();
        }

        await PostgisServer.DropDatabaseAsync(_databaseName);
    }
}

[Trait("Category", "Database")]
public sealed class DemoDataTests(DemoDataFixture demo) : IClassFixture<DemoDataFixture>
{
    // Every row the demo load may touch, taken in SQL so it does not trust the loader's own report.
    private const string Fingerprint = """
        SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
          SELECT s::text AS x FROM duty_services s
          UNION ALL SELECT c::text FROM service_channels c
          UNION ALL SELECT u::text FROM response_units u
          UNION ALL SELECT d::text FROM dangerous_objects d
          UNION ALL SELECT h::text FROM hazard_zones h
          UNION ALL SELECT z::text FROM emergency_zones z
          UNION ALL SELECT v::text FROM emergency_zone_versions v
        ) rows
        """;

    [Fact]
    public void The_first_load_inserts_every_row_of_the_files()
    {
        var r = demo.FirstLoad;
        foreach (var table in new[] { r.Services, r.Channels, r.Units, r.DangerousObjects, r.HazardZones, r.EmergencyZones })
        {
            Assert.True(table.Read > 0);
            Assert.Equal(new TableReport(table.Read, table.Read, 0, 0), table);
        }
    }

    [Fact]
    public async Task Every_profile_has_units_under_a_service_of_the_matching_kind()
    {
        var profiles = await ScalarAsync("""
            SELECT string_agg(profile || ':' || kinds, ',' ORDER BY profile) FROM (
              SELECT u.profile, string_agg(DISTINCT s.kind, '+') AS kinds
              FROM response_units u JOIN duty_services s ON s.id = u.service_id GROUP BY u.profile) p
            """);

        Assert.Equal("FIRE:UDDS_112,HAZMAT:UDDS_112,MEDICAL:AMBULANCE,MEDICAL_AVIATION:MEDICAL_AVIATION,POLICE:POLICE,RESCUE:UDDS_112,UTILITY:UTILITY_EMERGENCY",
            profiles);
        Assert.Equal("0", await ScalarAsync("SELECT count(*) FROM (SELECT profile FROM response_units GROUP BY profile HAVING count(*) < 5) few"));
    }

    [Fact]
    public async Task Every_unit_base_lies_in_its_service_territory_and_region()
    {
        var outside = await ScalarAsync("""
            SELECT count(*) FROM response_units u
            JOIN duty_services s ON s.id = u.service_id
            JOIN territories own ON own.kato = s.territory_kato
            JOIN territories region ON region.kato = left(s.territory_kato, 2) || '0000000'
            WHERE NOT ST_Covers(own.geom, u.base) OR NOT ST_Covers(region.geom, u.base)
               OR u.territory_kato IS DISTINCT FROM s.territory_kato
            """);
        var notAtBase = await ScalarAsync("""
            SELECT count(*) FROM response_units WHERE NOT ST_Equals(location, base) OR location_at IS NOT NULL
            """);

        Assert.Equal("0", outside);
        Assert.Equal("0", notAtBase);
        Assert.True(long.Parse(await ScalarAsync("SELECT count(*) FROM response_units") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 200);
    }

    [Theory]
    [InlineData("75")]
    [InlineData("19")]
    public async Task All_eight_service_kinds_serve_the_territory_or_its_districts(string region)
    {
        await using var cmd = demo.Db.CreateCommand("""
            SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM duty_services WHERE left(territory_kato, 2) = $1
            """);
        cmd.Parameters.AddWithValue(region);

        Assert.Equal("AIR_SEARCH_RESCUE,AMBULANCE,MEDICAL_AVIATION,NATIONAL_SECURITY,POLICE,TELECOM_REFERENCE,UDDS_112,UTILITY_EMERGENCY",
            (string?)await cmd.ExecuteScalarAsync());
        Assert.Equal("0", await ScalarAsync("SELECT count(*) FROM duty_services WHERE code NOT LIKE 'DEMO-%' OR name NOT LIKE 'Демо:%'"));
        Assert.Equal("0", await ScalarAsync("""
            SELECT count(*) FROM duty_services s
            WHERE (SELECT count(*) FROM service_channels c WHERE c.service_id = s.id) NOT BETWEEN 2 AND 4
            """));
    }

    [Fact]
    public async Task Chlorine_and_ammonia_stores_carry_their_UN_numbers_and_district()
    {
        // Reading the camelCase keys back proves the JSON has the shape the API writes and documents.
        var chemicals = await ScalarAsync("""
            SELECT string_agg(o.object_kind || ':' || x."unNumber" || ':' || x.state || '@' || left(o.territory_kato, 2), ',' ORDER BY o.object_kind)
            FROM dangerous_objects o
            CROSS JOIN LATERAL jsonb_to_recordset(o.substances) AS x("unNumber" text, "casNumber" text, "quantityTonnes" float8, state text)
            WHERE o.external_ref LIKE 'DEMO:%' AND o.hazard_class = 'CHEMICAL' AND x."casNumber" IS NOT NULL AND x."quantityTonnes" > 0
            """);
        var contactsWithPhones = await ScalarAsync("""
            SELECT bool_and(jsonb_array_length(contacts) > 0 AND NOT EXISTS (
                SELECT 1 FROM jsonb_array_elements(contacts) c WHERE NOT (c ? 'name' AND c ? 'role' AND c ? 'phone')))
            FROM dangerous_objects WHERE external_ref LIKE 'DEMO:%'
            """);

        Assert.Equal("ammonia refrigeration plant:1005:LIQUEFIED_GAS@75,chlorine store:1017:LIQUEFIED_GAS@75", chemicals);
        Assert.Equal("True", contactsWithPhones);
        Assert.Equal("0", await ScalarAsync("SELECT count(*) FROM dangerous_objects WHERE external_ref LIKE 'DEMO:%' AND territory_kato IS NULL"));
    }

    [Fact]
    public async Task Kapchagay_dam_has_a_flood_zone_and_stays_the_reference_row()
    {
        var flood = await ScalarAsync("""
            SELECT count(*) FROM hazard_zones h JOIN dangerous_objects o ON o.id = h.object_id
            WHERE o.external_ref = 'GPPD:WRI1000297' AND h.kind = 'FLOOD' AND h.basis ILIKE '%синтетич%'
              AND ST_Area(h.geom::geography) > 1e8
            """);
        var chlorineZone = await ScalarAsync("""
            SELECT round((ST_Area(h.geom::geography) / (pi() * 1000 ^ 2))::numeric, 2) FROM hazard_zones h JOIN dangerous_objects o ON o.id = h.object_id
            WHERE o.external_ref = 'DEMO:ALA-WTP-CHLORINE' AND h.kind = 'SANITARY_PROTECTION'
            """);

        Assert.Equal("1", flood);
        Assert.Equal("0.99", chlorineZone);
        Assert.Equal("33", await ScalarAsync("SELECT count(*) FROM dangerous_objects WHERE external_ref LIKE 'GPPD:%'"));
    }

    [Fact]
    public async Task Kapchagay_dam_has_a_valley_line_down_the_Ile_from_the_dam_and_its_figures()
    {
        var valley = await ScalarAsync("""
            SELECT round((ST_Length(valley_line::geography) / 1000)::numeric, -1) || ' ' || (ST_Distance(ST_StartPoint(valley_line)::geography, geom::geography) < 1000)
                   || ' ' || (ST_X(ST_EndPoint(valley_line)) < ST_X(geom) AND ST_Y(ST_EndPoint(valley_line)) > ST_Y(geom))
                   || ' ' || (dam_parameters ->> 'reservoirVolumeCubicMetres')
            FROM dangerous_objects WHERE external_ref = 'GPPD:WRI1000297'
            """);

        // About 240 km of polyline (the river meanders over some 450 km), from the dam to Lake Balkhash north-west of it; the reservoir's 28.14 km³.
        Assert.Equal("240 true true 28140000000", valley);
    }

    [Fact]
    public async Task The_demo_emergency_zone_is_active_potential_with_its_first_version()
    {
        var zone = await ScalarAsync("""
            SELECT string_agg(z.kind || ' ' || z.status || ' v' || z.version || ' ' || left(z.territory_kato, 2) || ' ' || ST_Equals(v.area_added, z.geom), ',')
            FROM emergency_zones z JOIN emergency_zone_versions v ON v.zone_id = z.id AND v.version = z.version
            WHERE z.created_by = 'demo'
            """);

        Assert.Equal("POTENTIAL ACTIVE v1 19 true", zone);
    }

    [Fact]
    public async Task A_second_load_changes_no_row()
    {
        var before = await ScalarAsync(Fingerprint);

        var report = await demo.Loader.LoadAsync(CancellationToken.None);

        foreach (var table in new[] { report.Services, report.Channels, report.Units, report.DangerousObjects, report.HazardZones, report.EmergencyZones })
        {
            Assert.Equal(new TableReport(table.Read, 0, 0, table.Read), table);
        }

        Assert.Equal(before, await ScalarAsync(Fingerprint));
    }

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var cmd = demo.Db.CreateCommand(sql);
        return (await cmd.ExecuteScalarAsync())?.ToString();
    }
}

/// <summary>Reloads over a database the running service has changed; a fixture of its own, so the main tests see the pristine set.</summary>
[Trait("Category", "Database")]
public sealed class DemoReloadTests(DemoDataFixture demo) : IClassFixture<DemoDataFixture>
{
    private const string FireBase = """
        SELECT ST_AsText(u.base) FROM response_units u JOIN duty_services s ON s.id = u.service_id
        WHERE s.code = 'DEMO-ALA-112' AND u.call_sign = $1
        """;

    [Fact]
    public async Task A_reload_restores_what_the_files_describe_and_keeps_live_state()
    {
        var dispatchedBase = await ScalarAsync(FireBase, "Пламя-0101");
        var idleBase = await ScalarAsync(FireBase, "Пламя-0102");
        // One unit on its way somewhere with a new composition, another still at base; someone moved both bases,
        // edited a service, a hazard zone and a channel, and closed the demo zone.
        Assert.Equal("6", await ScalarAsync("""
            WITH moved AS (
                UPDATE response_units u SET base = ST_SetSRID(ST_MakePoint(76.90, 43.24), 4326), location = ST_SetSRID(ST_MakePoint(76.90, 43.24), 4326)
                FROM duty_services s WHERE s.id = u.service_id AND s.code = 'DEMO-ALA-112' AND u.call_sign = 'Пламя-0102'
                RETURNING 1
            ), dispatched AS (
                UPDATE response_units u SET base = ST_SetSRID(ST_MakePoint(76.90, 43.24), 4326), status = 'EN_ROUTE',
                                            location = ST_SetSRID(ST_MakePoint(76.95, 43.25), 4326), location_at = now(),
                                            personnel = 4, vehicles = '[{"type": "fire engine AC-40", "count": 2}]'
                FROM duty_services s WHERE s.id = u.service_id AND s.code = 'DEMO-ALA-112' AND u.call_sign = 'Пламя-0101'
                RETURNING 1
            ), officer AS (
                UPDATE duty_services SET duty_officer = 'someone else' WHERE code = 'DEMO-ALA-112' RETURNING 1
            ), channel AS (
                DELETE FROM service_channels c USING duty_services s WHERE s.id = c.service_id AND s.code = 'DEMO-ALA-112' AND c.address = '112'
                RETURNING 1
            ), basis AS (
                UPDATE hazard_zones h SET basis = 'edited' FROM dangerous_objects o
                WHERE o.id = h.object_id AND o.external_ref = 'DEMO:ALA-WTP-CHLORINE' AND h.kind = 'SANITARY_PROTECTION'
                RETURNING 1
            ), closed AS (
                UPDATE emergency_zones SET status = 'CLOSED' WHERE created_by = 'demo' RETURNING 1
            )
            SELECT (SELECT count(*) FROM moved) + (SELECT count(*) FROM dispatched) + (SELECT count(*) FROM officer)
                 + (SELECT count(*) FROM channel) + (SELECT count(*) FROM basis) + (SELECT count(*) FROM closed)
            """));

        var report = await demo.Loader.LoadAsync(CancellationToken.None);

        Assert.Equal(new TableReport(report.Services.Read, 0, 1, report.Services.Read - 1), report.Services);
        Assert.Equal(new TableReport(report.Channels.Read, 1, 0, report.Channels.Read - 1), report.Channels);
        Assert.Equal(new TableReport(report.Units.Read, 0, 2, report.Units.Read - 2), report.Units);
        Assert.Equal(new TableReport(report.HazardZones.Read, 0, 1, report.HazardZones.Read - 1), report.HazardZones);
        Assert.Equal(new TableReport(1, 0, 0, 1), report.EmergencyZones);
        Assert.Equal(dispatchedBase, await ScalarAsync(FireBase, "Пламя-0101"));
        Assert.Equal(idleBase, await ScalarAsync(FireBase, "Пламя-0102"));
        Assert.Equal("EN_ROUTE POINT(76.95 43.25) 4 2", await ScalarAsync("""
            SELECT u.status || ' ' || ST_AsText(u.location) || ' ' || u.personnel || ' ' || (u.vehicles -> 0 ->> 'count')
            FROM response_units u JOIN duty_services s ON s.id = u.service_id WHERE s.code = 'DEMO-ALA-112' AND u.call_sign = $1
            """, "Пламя-0101"));
        Assert.Equal(idleBase, await ScalarAsync("""
            SELECT ST_AsText(u.location) FROM response_units u JOIN duty_services s ON s.id = u.service_id
            WHERE s.code = 'DEMO-ALA-112' AND u.call_sign = $1 AND u.location_at IS NULL
            """, "Пламя-0102"));
        Assert.Equal("CLOSED 1", await ScalarAsync("SELECT min(status) || ' ' || count(*) FROM emergency_zones WHERE created_by = $1", "demo"));

        var again = await demo.Loader.LoadAsync(CancellationToken.None);
        Assert.Equal(0, again.Services.Inserted + again.Services.Updated + again.Channels.Inserted + again.Channels.Updated
            + again.Units.Inserted + again.Units.Updated + again.HazardZones.Inserted + again.HazardZones.Updated + again.EmergencyZones.Inserted);
    }

    private async Task<string?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var cmd = demo.Db.CreateCommand(sql);
        foreach (var p in parameters)
        {
            cmd.Parameters.AddWithValue(p);
        }

        return (await cmd.ExecuteScalarAsync())?.ToString();
    }
}
