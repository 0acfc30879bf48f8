using Dispatch.Gis.Auth;
using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Units;
using Xunit;

namespace Dispatch.Gis.Tests.Units;

public sealed class UnitSqlTests
{
    private static readonly NetTopologySuite.Geometries.Point Almaty = GeoJson.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(76.93, 43.25));

    private static UnitFilter Filter(TerritoryScope? scope = null, SpatialFilter? spatial = null, UnitProfile? profile = null, UnitStatus? status = null,
        Guid? service = null, Paging? paging = null) =>
        new(scope ?? TerritoryScope.All, spatial ?? SpatialFilter.None, profile, status, service, paging ?? new Paging(10, null));

    [Fact]
    public void No_filter_pages_by_id_one_past_the_page_without_a_distance()
    {
        var (sql, parameters) = UnitSql.List(Filter());

        Assert.DoesNotContain("WHERE", sql, StringComparison.Ordinal);
        Assert.Contains("NULL::float8", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY u.id LIMIT $1", sql, StringComparison.Ordinal);
        Assert.Equal(11, Assert.Single(parameters).Value);
    }

    [Fact]
    public void Every_filter_is_a_numbered_parameter_and_the_cursor_comes_last()
    {
        var after = Guid.NewGuid();
        var service = Guid.NewGuid();
        var filter = Filter(TerritoryScope.Parse(["750000000"]), new SpatialFilter(null, new WithinFilter(Almaty, 5000), null), UnitProfile.Fire,
            UnitStatus.Available, service, new Paging(5, after.ToString()));

        var (sql, parameters) = UnitSql.List(filter);

        Assert.Contains("(u.territory_kato = ANY($1) OR substr(u.territory_kato, 1, 2) || '0000000' = ANY($1))", sql, StringComparison.Ordinal);
        // Metres on the geography index, never ST_Distance in WHERE.
        Assert.Contains("ST_DWithin(u.location::geography, $2::geography, $3)", sql, StringComparison.Ordinal);
        Assert.Contains("u.profile = $4", sql, StringComparison.Ordinal);
        Assert.Contains("u.status = $5", sql, StringComparison.Ordinal);
        Assert.Contains("u.service_id = $6", sql, StringComparison.Ordinal);
        Assert.Contains("ST_Distance(u.location::geography, $7::geography)", sql, StringComparison.Ordinal);
        Assert.Contains("u.id > $8", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY u.id LIMIT $9", sql, StringComparison.Ordinal);
        Assert.Equal([5000.0, "FIRE", "AVAILABLE", service, after, 6], parameters.Where((_, i) => i is 2 or 3 or 4 or 5 or 7 or 8).Select(p => p.Value));
    }

    [Fact]
    public void Only_selected_costly_columns_are_read_and_the_distance_only_when_asked_for()
    {
        // DistanceWanted is what SpatialArguments reads from the selection (distanceMeters, or an order by distance).
        var within = new SpatialFilter(null, new WithinFilter(Almaty, 5000), null);
        var (lean, _) = UnitSql.List(Filter(spatial: within with { DistanceWanted = false }) with { Fields = new HashSet<string> { "id", "callSign" } });
        var (located, _) = UnitSql.List(Filter(spatial: within) with { Fields = new HashSet<string> { "id", "position", "distanceMeters" } });
        var (everything, _) = UnitSql.List(Filter(spatial: within));

        Assert.DoesNotContain("u.vehicles", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("u.base,", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("u.location,", lean, StringComparison.Ordinal);
        Assert.DoesNotContain("ST_Distance", lean, StringComparison.Ordinal);
        // The filter itself still runs on the column and its index.
        Assert.Contains("ST_DWithin(u.location::geography", lean, StringComparison.Ordinal);
        Assert.Contains("u.location,", located, StringComparison.Ordinal);
        Assert.Contains("ST_Distance(u.location::geography", located, StringComparison.Ordinal);
        Assert.DoesNotContain("u.vehicles", located, StringComparison.Ordinal);
        Assert.StartsWith($"SELECT {UnitSql.Columns}, ST_Distance(", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Distance_order_computes_the_distance_whatever_is_selected()
    {
        var byDistance = new SpatialFilter(null, new WithinFilter(Almaty, 5000), null, ByDistance: true, DistanceWanted: false);

        var (sql, _) = UnitSql.List(Filter(spatial: byDistance) with { Fields = new HashSet<string> { "id" } });

        // The cursor of a distance-ordered page is "distance|id".
        Assert.Contains("SELECT u.id", sql, StringComparison.Ordinal);
        Assert.Contains(", ST_Distance(u.location::geography", sql[..sql.IndexOf(" FROM ", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    [Fact]
    public void A_bbox_keeps_the_column_bare_so_the_index_applies()
    {
        var (sql, parameters) = UnitSql.Count(Filter(spatial: new SpatialFilter(new BoundingBox(76, 43, 77, 44), null, null)));

        Assert.Equal("SELECT count(*) FROM response_units u WHERE ST_Intersects(u.location, ST_MakeEnvelope($1, $2, $3, $4, 4326))", sql);
        Assert.Equal([76.0, 43.0, 77.0, 44.0], parameters.Select(p => p.Value));
    }

    [Fact]
    public void Nearest_takes_candidates_by_knn_then_orders_by_spheroid_distance()
    {
        var (sql, parameters) = UnitSql.Nearest(Filter(profile: UnitProfile.Medical), Almaty, 10, 20_000);

        Assert.Contains("ORDER BY u.location::geography <-> $4::geography", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY distance, id", sql, StringComparison.Ordinal);
        Assert.Contains("ST_DWithin(u.location::geography, $2::geography, $3)", sql, StringComparison.Ordinal);
        Assert.Equal(["MEDICAL", 20_000.0, 30, 10], parameters.Where((_, i) => i is 0 or 2 or 4 or 5).Select(p => p.Value));
    }

}
