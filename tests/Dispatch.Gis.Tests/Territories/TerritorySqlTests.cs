using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Territories;
using Xunit;

namespace Dispatch.Gis.Tests.Territories;

public sealed class TerritorySqlTests
{
    private static readonly Paging FirstPage = new(10, null);

    [Fact]
    public void No_filter_gives_no_where_clause_and_limit_one_past_the_page()
    {
        var (sql, parameters) = TerritorySql.List(new TerritoryFilter(TerritoryScope.All, null, null, null, null, null, FirstPage));

        Assert.DoesNotContain("WHERE", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY kato LIMIT $1", sql, StringComparison.Ordinal);
        Assert.Equal(11, Assert.Single(parameters).Value);
    }

    [Fact]
    public void Filters_become_numbered_parameters_never_text()
    {
        var box = new BoundingBox(76, 43, 77, 44);
        var filter = new TerritoryFilter(TerritoryScope.All, TerritoryLevel.District, "750000000'; DROP TABLE territories; --", box, null, null, new Paging(5, "750000000"));

        var (sql, parameters) = TerritorySql.List(filter);

        Assert.Contains("level = $1", sql, StringComparison.Ordinal);
        Assert.Contains("parent_kato = $2", sql, StringComparison.Ordinal);
        Assert.Contains("ST_MakeEnvelope($3, $4, $5, $6, 4326)", sql, StringComparison.Ordinal);
        Assert.Contains("kato > $7", sql, StringComparison.Ordinal);
        Assert.EndsWith("LIMIT $8", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("DROP", sql, StringComparison.Ordinal);
        Assert.Equal(["DISTRICT", "750000000'; DROP TABLE territories; --", 76.0, 43.0, 77.0, 44.0, "750000000", 6],
            parameters.Select(p => p.Value));
    }

    [Fact]
    public void Count_ignores_the_cursor_and_the_limit()
    {
        var filter = new TerritoryFilter(TerritoryScope.All, TerritoryLevel.Region, null, null, null, null, new Paging(5, "190000000"));

        var (sql, parameters) = TerritorySql.Count(filter);

        Assert.Equal("SELECT count(*) FROM territories WHERE level = $1", sql);
        Assert.Single(parameters);
    }

    [Fact]
    public void A_scoped_token_sees_its_codes_and_their_districts_only()
    {
        var scope = TerritoryScope.Parse(["750000000", "191000000"]);
        var (sql, parameters) = TerritorySql.List(new TerritoryFilter(scope, null, null, null, null, null, FirstPage));

        Assert.Contains("(kato = ANY($1) OR substr(kato, 1, 2) || '0000000' = ANY($1))", sql, StringComparison.Ordinal);
        Assert.Equal(new[] { "750000000", "191000000" }, ((string[])parameters[0].Value!).Order().Reverse());
        Assert.True(scope.Covers("751110000"));
        Assert.True(scope.Covers("191000000"));
        Assert.False(scope.Covers("190000000"));
        Assert.False(scope.Covers("710000000"));
        Assert.False(scope.Covers(null));
        Assert.True(TerritoryScope.All.Covers(null));
    }
}
