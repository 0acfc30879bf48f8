using Dispatch.Gis.ReferenceData;
using Dispatch.Gis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Dispatch.Gis.Tests.Storage;

[Collection(ApiCollection.Name)]
[Trait("Category", "Database")]
public sealed class ReferenceImportTests(ApiFixture api)
{
    // A fingerprint of every imported row, taken in SQL so it does not trust the importer's own report.
    private const string Fingerprint = """
        SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
          SELECT t::text AS x FROM territories t
          UNION ALL SELECT s::text FROM settlements s
          UNION ALL SELECT d::text FROM dangerous_objects d
        ) rows
        """;

    [Fact]
    public async Task A_second_import_changes_no_row()
    {
        var before = await FingerprintAsync();
        var xminBefore = await ScalarAsync("SELECT sum(xmin::text::bigint) FROM territories");

        var report = await api.Services.GetRequiredService<ReferenceImporter>().ImportAsync(CancellationToken.None);

        Assert.Equal(new TableReport(244, 0, 0, 244), report.Territories);
        Assert.Equal(new TableReport(84, 0, 0, 84), report.Settlements);
        Assert.Equal(new TableReport(33, 0, 0, 33), report.DangerousObjects);
        Assert.Equal(before, await FingerprintAsync());
        // No row version was written either: an UPDATE to identical values would still change xmin.
        Assert.Equal(xminBefore, await ScalarAsync("SELECT sum(xmin::text::bigint) FROM territories"));
    }

    [Fact]
    public async Task Counts_match_the_reference_files()
    {
        Assert.Equal("20", await ScalarAsync("SELECT count(*) FROM territories WHERE level = 'REGION'"));
        Assert.Equal("224", await ScalarAsync("SELECT count(*) FROM territories WHERE level = 'DISTRICT'"));
        Assert.Equal("84", await ScalarAsync("SELECT count(*) FROM settlements"));
        Assert.Equal("33", await ScalarAsync("SELECT count(*) FROM dangerous_objects WHERE external_ref LIKE 'GPPD:%'"));
        Assert.Equal("4", await ScalarAsync("SELECT count(*) FROM dangerous_objects WHERE external_ref LIKE 'GPPD:%' AND hazard_class = 'HYDRAULIC'"));
        Assert.Equal("0", await ScalarAsync("SELECT count(*) FROM territories WHERE NOT ST_IsValid(geom)"));
    }

    [Fact]
    public async Task The_two_GPPD_rows_with_borrowed_coordinates_have_no_location()
    {
        var unlocated = await ScalarAsync("""
            SELECT string_agg(external_ref, ',' ORDER BY external_ref) FROM dangerous_objects WHERE geom IS NULL
            """);

        Assert.Equal("GPPD:WRI1000290,GPPD:WRI1000291", unlocated);
        Assert.Equal("2", await ScalarAsync("SELECT count(*) FROM dangerous_objects WHERE geom IS NULL AND location_note LIKE '%wrong%'"));
    }

    [Fact]
    public async Task Kapchagay_dam_is_a_hydraulic_object_in_Almaty_Region()
    {
        var region = await ScalarAsync("""
            SELECT t.kato FROM dangerous_objects d JOIN territories t ON t.level = 'REGION' AND ST_Covers(t.geom, d.geom)
            WHERE d.name = 'Kapchagan' AND d.hazard_class = 'HYDRAULIC'
            """);

        Assert.Equal("190000000", region);
    }

    private Task<string?> FingerprintAsync() => ScalarAsync(Fingerprint);

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var cmd = api.Db.CreateCommand(sql);
        return (await cmd.ExecuteScalarAsync())?.ToString();
    }
}
