using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Map;
using Dispatch.Gis.Ogc;
using Xunit;

namespace Dispatch.Gis.Tests.Ogc;

public sealed class OgcSqlTests
{
    private static readonly OgcCollection Units = OgcCollections.Find("units")!;

    [Fact]
    public void Items_are_keyset_pages_with_every_filter_a_parameter()
    {
        var after = Guid.NewGuid();
        var query = new OgcQuery(Units, TerritoryScope.Parse(["750000000"]), new BoundingBox(76, 43, 77, 44),
            new OgcInterval(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null), 10, after.ToString());

        var (sql, parameters) = OgcSql.Items(query);

        Assert.Contains("ST_Intersects(u.location, ST_MakeEnvelope($1, $2, $3, $4, 4326))", sql, StringComparison.Ordinal);
        Assert.Contains("u.location_at >= $5", sql, StringComparison.Ordinal);
        Assert.Contains("u.territory_kato = ANY($6)", sql, StringComparison.Ordinal);
        Assert.Contains("u.id > $7", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY u.id LIMIT $8", sql, StringComparison.Ordinal);
        Assert.Contains("ST_AsGeoJSON(ST_ForcePolygonCCW(u.location), 7)", sql, StringComparison.Ordinal);
        Assert.Equal(after, parameters[6].Value);
        Assert.Equal(11, parameters[7].Value);
    }

    [Fact]
    public void The_count_ignores_the_cursor_and_an_instant_is_an_equality()
    {
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var (sql, parameters) = OgcSql.Count(new OgcQuery(Units, TerritoryScope.All, null, new OgcInterval(at, at), 10, Guid.NewGuid().ToString()));

        Assert.Equal("SELECT count(*) FROM response_units u WHERE u.location_at = $1", sql);
        Assert.Equal(at, Assert.Single(parameters).Value);
    }

    [Theory]
    [InlineData("2026-01-01T00:00:00Z", true, true)]
    [InlineData("2026-01-01T00:00:00Z/..", true, false)]
    [InlineData("../2026-01-01T00:00:00Z", false, true)]
    [InlineData("/2026-01-01T00:00:00Z", false, true)]
    public void Datetime_reads_instants_and_open_intervals(string text, bool hasStart, bool hasEnd)
    {
        var interval = OgcEndpoints.ParseDatetime(Units, text)!;

        Assert.Equal(hasStart, interval.Start is not null);
        Assert.Equal(hasEnd, interval.End is not null);
    }

    [Fact]
    public void Parameters_are_checked()
    {
        Assert.Throws<BadUserInputException>(() => OgcEndpoints.ParseDatetime(OgcCollections.Find("territories")!, "2026-01-01T00:00:00Z"));
        Assert.Throws<BadUserInputException>(() => OgcEndpoints.ParseDatetime(Units, "2026-02-01T00:00:00Z/2026-01-01T00:00:00Z"));
        Assert.Throws<BadUserInputException>(() => OgcEndpoints.ParseBBox("76,43,77"));
        Assert.Equal(new BoundingBox(76, 43, 77, 44), OgcEndpoints.ParseBBox("76,43,0,77,44,100"));
        Assert.Equal(1000, OgcEndpoints.ParseLimit("5000", new PagingOptions()));
        Assert.Null(OgcSql.Key(Units, "x'; DROP TABLE units; --"));
        Assert.Null(OgcCollections.Find("response_units"));
    }

    [Fact]
    public void Search_matches_the_text_literally_and_scopes_every_part()
    {
        var (sql, parameters) = MapSearchSql.Search("50%_off", TerritoryScope.Parse(["750000000"]), 10);

        Assert.Equal("%50\\%\\_off%", parameters[0].Value);
        Assert.Equal(10, System.Text.RegularExpressions.Regex.Count(sql, "= ANY\\(")); // the code itself or its region, in each of the five parts
        Assert.DoesNotContain("50%_off", sql, StringComparison.Ordinal);
    }
}
