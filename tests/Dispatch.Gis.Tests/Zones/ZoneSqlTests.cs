using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Zones;
using Xunit;

namespace Dispatch.Gis.Tests.Zones;

public sealed class ZoneSqlTests
{
    [Fact]
    public void Filters_become_parameters_in_order_and_the_page_is_keyed_by_id()
    {
        var after = Guid.NewGuid();
        var shape = GeoJson.Factory.CreatePolygon([new(76, 43), new(77, 43), new(77, 44), new(76, 43)]);
        var filter = new ZoneFilter(TerritoryScope.Parse(["190000000"]), new SpatialFilter(null, null, shape), ZoneKind.Forecast, ZoneStatus.Active, Hazard.Chemical,
            new Paging(20, after.ToString()));

        var (sql, parameters) = ZoneSql.List(filter);

        Assert.Contains("(z.territory_kato = ANY($1) OR substr(z.territory_kato, 1, 2) || '0000000' = ANY($1))", sql, StringComparison.Ordinal);
        Assert.Contains("ST_Intersects(z.geom, $2)", sql, StringComparison.Ordinal);
        Assert.Contains("z.kind = $3 AND z.status = $4 AND z.hazard = $5", sql, StringComparison.Ordinal);
        Assert.Contains("z.id > $6", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY z.id LIMIT $7", sql, StringComparison.Ordinal);
        Assert.Equal(["FORECAST", "ACTIVE", "CHEMICAL", after, 21], parameters.Skip(2).Select(p => p.Value));
    }

    [Fact]
    public void Count_has_the_filters_but_neither_cursor_nor_limit()
    {
        var (sql, parameters) = ZoneSql.Count(new ZoneFilter(TerritoryScope.All, SpatialFilter.None, null, ZoneStatus.Closed, null, new Paging(5, Guid.NewGuid().ToString())));

        Assert.Equal("SELECT count(*) FROM emergency_zones z WHERE z.status = $1", sql);
        Assert.Equal("CLOSED", Assert.Single(parameters).Value);
    }
}
