using Dispatch.Gis.Auth;
using Dispatch.Gis.Tiles;
using Xunit;

namespace Dispatch.Gis.Tests.Tiles;

public sealed class TileSqlTests
{
    private static readonly TileSettings Settings = new(4096, 64, 10_000, TimeSpan.FromMinutes(5));

    [Fact]
    public void The_envelope_is_transformed_to_the_data_srid_never_the_column()
    {
        var (sql, parameters) = TileSql.Tile(new TileRequest(TileLayers.Zones, 12, 2878, 1495, TerritoryScope.All), Settings);

        Assert.Contains("ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4), 4326) AS area", sql, StringComparison.Ordinal);
        Assert.Contains("ST_Intersects(z.geom, bounds.area)", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("ST_Transform(z.geom", sql, StringComparison.Ordinal);
        Assert.Contains("ST_AsMVTGeom(ST_Transform(ST_Simplify(f.geom, $5, true), 3857), bounds.clip, 4096, 64, true)", sql, StringComparison.Ordinal);
        Assert.Contains("ST_AsMVT(mvt.*, 'zones', 4096, 'geom')", sql, StringComparison.Ordinal);
        Assert.Contains("LIMIT $6", sql, StringComparison.Ordinal);
        // The feature limit ranks by source values carried as hidden keys, not by the formatted attributes.
        Assert.Contains("z.status AS o0, z.updated_at AS o1, z.id AS o2", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY o0, o1 DESC, o2 LIMIT $6", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("o0", sql[sql.IndexOf("), mvt AS", StringComparison.Ordinal)..sql.IndexOf("FROM (SELECT", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Equal([12, 2878, 1495, 64.0 / 4096, 360.0 / (4096.0 * 4096) / 2, 10_000], parameters.Select(p => p.Value));
    }

    [Fact]
    public void Generalisation_tolerance_halves_with_each_zoom_and_points_are_not_simplified()
    {
        var (_, low) = TileSql.Tile(new TileRequest(TileLayers.Territories, 4, 11, 5, TerritoryScope.All), Settings);
        var (_, high) = TileSql.Tile(new TileRequest(TileLayers.Territories, 5, 22, 10, TerritoryScope.All), Settings);
        var (units, _) = TileSql.Tile(new TileRequest(TileLayers.Units, 12, 2878, 1495, TerritoryScope.All), Settings);

        Assert.Equal((double)low[4].Value! / 2, (double)high[4].Value!, 12);
        Assert.DoesNotContain("ST_Simplify", units, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scoped_token_adds_the_territory_condition_as_a_parameter()
    {
        var scope = TerritoryScope.Parse(["750000000"]);

        var (sql, parameters) = TileSql.Tile(new TileRequest(TileLayers.Units, 12, 2878, 1495, scope), Settings);
        var (all, _) = TileSql.Tile(new TileRequest(TileLayers.Units, 12, 2878, 1495, TerritoryScope.All), Settings);

        Assert.Contains("u.territory_kato = ANY($", sql, StringComparison.Ordinal);
        Assert.Contains(parameters, p => p.Value is string[] codes && codes.SequenceEqual(["750000000"]));
        Assert.DoesNotContain("ANY(", all, StringComparison.Ordinal);
        Assert.Contains(parameters, p => p.Value is TimeSpan stale && stale == TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void The_fingerprint_query_reads_the_same_rows_as_the_tile()
    {
        var request = new TileRequest(TileLayers.Incidents, 12, 2878, 1495, TerritoryScope.Parse(["190000000"]));

        var (tile, _) = TileSql.Tile(request, Settings);
        var (fingerprint, parameters) = TileSql.Fingerprint(request, Settings);

        Assert.Contains("FROM incidents i CROSS JOIN bounds WHERE ST_Intersects(i.location, bounds.area) AND (i.territory_kato = ANY($5)", fingerprint, StringComparison.Ordinal);
        Assert.Contains("FROM incidents i CROSS JOIN bounds WHERE ST_Intersects(i.location, bounds.area) AND (i.territory_kato = ANY($5)", tile, StringComparison.Ordinal);
        Assert.Contains("hashtextextended(concat_ws('|', i.id, i.status", fingerprint, StringComparison.Ordinal);
        Assert.DoesNotContain("ST_AsMVT", fingerprint, StringComparison.Ordinal);
        Assert.Equal(5, parameters.Length);
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(1, 1, 1, true)]
    [InlineData(1, 2, 0, false)]
    [InlineData(12, 4095, 4095, true)]
    [InlineData(12, 4096, 0, false)]
    [InlineData(-1, 0, 0, false)]
    [InlineData(23, 0, 0, false)]
    [InlineData(3, -1, 0, false)]
    public void Tile_addresses_are_checked(int z, int x, int y, bool valid) => Assert.Equal(valid, TileSql.IsValid(z, x, y));

    [Fact]
    public void Layers_are_an_allowlist()
    {
        Assert.Equal(["territories", "zones", "dangerous-objects", "units", "incidents", "stations", "public-warnings"], TileLayers.All.Select(l => l.Name));
        Assert.Null(TileLayers.Find("zones; DROP TABLE events"));
        Assert.Null(TileLayers.Find("emergency_zones"));
        Assert.Same(TileLayers.Units, TileLayers.Find("units"));
    }

    [Fact]
    public void The_etag_changes_with_content_scope_and_versions_only()
    {
        var request = new TileRequest(TileLayers.Zones, 12, 2878, 1495, TerritoryScope.All);
        var etag = TileSql.ETag(request, Settings, 3, 12345);

        Assert.Equal(etag, TileSql.ETag(request, Settings, 3, 12345));
        Assert.StartsWith("W/\"", etag, StringComparison.Ordinal);
        Assert.NotEqual(etag, TileSql.ETag(request, Settings, 4, 12345));
        Assert.NotEqual(etag, TileSql.ETag(request, Settings, 3, 12346));
        Assert.NotEqual(etag, TileSql.ETag(request with { Scope = TerritoryScope.Parse(["750000000"]) }, Settings, 3, 12345));
        Assert.NotEqual(etag, TileSql.ETag(request with { Layer = TileLayers.Zones with { Version = 2 } }, Settings, 3, 12345));
        Assert.NotEqual(etag, TileSql.ETag(request, Settings with { MaxFeatures = 10 }, 3, 12345));
    }
}
