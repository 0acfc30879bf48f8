using Dispatch.Gis.Geo;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Tests.Infrastructure;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Dispatch.Gis.Tests.Geo;

/// <summary>A database with nothing but PostGIS: spatial_ref_sys is all CrsTransformer reads.</summary>
public sealed class CrsDatabaseFixture : IAsyncLifetime
{
    private readonly string _name = PostgisServer.NewDatabaseName("crs");

    public NpgsqlDataSource Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = await PostgisServer.CreateDatabaseAsync(_name);
        var builder = new NpgsqlDataSourceBuilder(database.Owner);
        builder.UseNetTopologySuite();
        Db = builder.Build();
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        await PostgisServer.DropDatabaseAsync(_name);
    }
}

/// <summary>
/// Every expected value comes from PostGIS's own ST_Transform in the test SQL, never from ProjNet, so the two
/// implementations check each other.
/// </summary>
[Trait("Category", "Database")]
public sealed class CrsTransformerTests(CrsDatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<CrsDatabaseFixture>
{
    private const double OneMetre = 1.0;

    // ProjNet and PROJ evaluate the same formulas differently (series, iterations); a few millimetres is agreement.
    private const double SameDefinition = 0.05;

    private static readonly WKTReader Wkt = new();

    private readonly CrsTransformer _crs = new(fixture.Db);

    private NpgsqlDataSource Db => fixture.Db;

    [Fact]
    public async Task Utm_43N_point_near_Almaty_matches_PostGIS_and_its_inverse()
    {
        var input = GeoJson.Factory.CreatePoint(new Coordinate(660_000, 4_790_000));

        var result = await _crs.ToWgs84Async(input, 32643, "location", CancellationToken.None);

        var point = Assert.IsType<Point>(result);
        Assert.Equal(4326, point.SRID);
        Assert.InRange(point.X, 76.9, 77.1);
        Assert.InRange(point.Y, 43.2, 43.3);
        var expected = await QueryGeometryAsync("SELECT ST_Transform(ST_SetSRID(ST_MakePoint(660000, 4790000), 32643), 4326)");
        var deviation = await MaxVertexDistanceAsync(result, expected);
        var inverse = await MaxPlanarDistanceAsync(await PostgisTransformAsync(result, 32643), SetSrid(input, 32643));
        output.WriteLine($"EPSG:32643 vs ST_Transform {deviation:F6} m, PostGIS inverse {inverse:F6} m");
        Assert.InRange(deviation, 0, OneMetre);
        Assert.InRange(inverse, 0, OneMetre);
    }

    [Theory]
    [InlineData(32638, 47.5, 49.0)] // West Kazakhstan region, Bokey Orda side
    [InlineData(32639, 51.92, 47.11)] // Atyrau
    [InlineData(32640, 57.17, 50.28)] // Aktobe
    [InlineData(32641, 63.62, 53.21)] // Kostanay
    [InlineData(32642, 71.43, 51.13)] // Astana
    [InlineData(32643, 76.93, 43.24)] // Almaty
    [InlineData(32644, 82.61, 49.95)] // Oskemen
    [InlineData(32645, 84.87, 47.47)] // Zaysan
    public async Task Every_UTM_zone_38N_to_45N_over_Kazakhstan_matches_PostGIS(int epsg, double lon, double lat)
    {
        var projected = await QueryGeometryAsync("SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3)", lon, lat, epsg);

        var result = await _crs.ToWgs84Async(projected, epsg, "location", CancellationToken.None);

        var viaPostgis = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(projected, 4326));
        var toOrigin = await MaxVertexDistanceAsync(result, GeoJson.Factory.CreatePoint(new Coordinate(lon, lat)));
        var inverse = await MaxPlanarDistanceAsync(await PostgisTransformAsync(result, epsg), projected);
        output.WriteLine($"EPSG:{epsg} vs ST_Transform {viaPostgis:F6} m, vs origin {toOrigin:F6} m, PostGIS inverse {inverse:F6} m");
        Assert.Equal(4326, result.SRID);
        Assert.InRange(viaPostgis, 0, OneMetre);
        Assert.InRange(toOrigin, 0, OneMetre);
        Assert.InRange(inverse, 0, OneMetre);
    }

    [Fact]
    public async Task Pulkovo_1942_geographic_applies_the_TOWGS84_datum_shift()
    {
        var input = GeoJson.Factory.CreatePoint(new Coordinate(76.9, 43.25));

        var result = await _crs.ToWgs84Async(input, 4284, "location", CancellationToken.None);

        var shift = await MaxVertexDistanceAsync(result, input);
        var sameDefinition = await MaxVertexDistanceAsync(result, await PostgisTransformFromSrtextAsync(input, 4284));
        var bySrid = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(SetSrid(input, 4284), 4326));
        output.WriteLine($"EPSG:4284 shift {shift:F3} m, vs ST_Transform(srtext) {sameDefinition:F6} m, vs ST_Transform(SRID) {bySrid:F6} m");
        // Pulkovo 1942 lies some 54 m from WGS 84 at Almaty; swapping ellipsoids without the Helmert shift moves under 3 m.
        Assert.InRange(shift, 30, 100);
        Assert.InRange(sameDefinition, 0, SameDefinition);
        Assert.InRange(bySrid, 0, OneMetre);
    }

    [Theory]
    [InlineData(28412, 71.43, 51.13)] // Astana, zone 12 (66–72° E)
    [InlineData(28413, 76.93, 43.24)] // Almaty, zone 13 (72–78° E)
    [InlineData(28414, 82.61, 49.95)] // Oskemen, zone 14 (78–84° E)
    public async Task Pulkovo_1942_Gauss_Kruger_zones_match_PostGIS(int epsg, double lon, double lat)
    {
        var projected = await QueryGeometryAsync("SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3)", lon, lat, epsg);
        // Easting carries the zone number in front (13 500 000 is zone 13's false easting); a swapped pair would not.
        Assert.Equal(epsg - 28400, (int)(projected.Coordinate.X / 1_000_000));

        var result = await _crs.ToWgs84Async(projected, epsg, "location", CancellationToken.None);

        var sameDefinition = await MaxVertexDistanceAsync(result, await PostgisTransformFromSrtextAsync(projected, epsg));
        var bySrid = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(projected, 4326));
        var inverse = await MaxPlanarDistanceAsync(await PostgisTransformAsync(result, epsg), projected);
        output.WriteLine($"EPSG:{epsg} vs ST_Transform(srtext) {sameDefinition:F6} m, vs ST_Transform(SRID) {bySrid:F6} m, PostGIS inverse {inverse:F6} m");
        Assert.InRange(sameDefinition, 0, SameDefinition);
        Assert.InRange(bySrid, 0, OneMetre);
        Assert.InRange(inverse, 0, OneMetre);
    }

    /// <summary>
    /// ST_Transform by SRID does not read spatial_ref_sys when PROJ knows the code: PROJ picks, per point, the most
    /// accurate Pulkovo→WGS 84 operation whose area contains it (EPSG:5044 over Russia's bounding box, EPSG:15865
    /// south of 41.19° N), while the srtext carries EPSG:1267's TOWGS84. The two disagree by 0.4–3.4 m across
    /// Kazakhstan. Against the very definition this class uses, agreement must be at the millimetre level everywhere.
    /// </summary>
    [Fact]
    public async Task Pulkovo_1942_across_the_Kazakhstan_bounding_box_agrees_with_PostGIS_reading_the_same_srtext()
    {
        var grid = new List<Coordinate>();
        for (var lon = 47.0; lon <= 87; lon += 4)
        {
            for (var lat = 41.0; lat <= 55; lat += 2)
            {
                grid.Add(new Coordinate(lon, lat));
            }
        }

        var input = GeoJson.Factory.CreateMultiPointFromCoords([.. grid]);

        var result = await _crs.ToWgs84Async(input, 4284, "location", CancellationToken.None);

        var sameDefinition = await MaxVertexDistanceAsync(result, await PostgisTransformFromSrtextAsync(input, 4284));
        var bySrid = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(SetSrid(input, 4284), 4326));
        output.WriteLine($"EPSG:4284 grid of {grid.Count}: vs ST_Transform(srtext) max {sameDefinition:F6} m, vs ST_Transform(SRID) max {bySrid:F3} m");
        Assert.InRange(sameDefinition, 0, SameDefinition);
    }

    [Fact]
    public async Task Web_Mercator_polygon_with_a_hole_round_trips()
    {
        var lonLat = LonLat("POLYGON((76.80 43.15, 77.05 43.15, 77.05 43.35, 76.80 43.35, 76.80 43.15), "
            + "(76.90 43.20, 76.90 43.30, 77.00 43.30, 77.00 43.20, 76.90 43.20))");
        var projected = await PostgisTransformAsync(lonLat, 3857);

        var result = await _crs.ToWgs84Async(projected, 3857, "area", CancellationToken.None);

        var polygon = Assert.IsType<Polygon>(result);
        Assert.Equal(4326, polygon.SRID);
        Assert.Equal(1, polygon.NumInteriorRings);
        Assert.True(polygon.IsValid);
        var toOrigin = await MaxVertexDistanceAsync(result, lonLat);
        var viaPostgis = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(projected, 4326));
        var inverse = await MaxPlanarDistanceAsync(await PostgisTransformAsync(result, 3857), projected);
        output.WriteLine($"EPSG:3857 vs origin {toOrigin:F6} m, vs ST_Transform {viaPostgis:F6} m, PostGIS inverse {inverse:F6} m");
        Assert.InRange(toOrigin, 0, OneMetre);
        Assert.InRange(viaPostgis, 0, OneMetre);
        Assert.InRange(inverse, 0, OneMetre);
    }

    [Theory]
    [InlineData("POINT(76.93 43.24)")]
    [InlineData("LINESTRING(76.80 43.20, 76.90 43.25, 77.00 43.22)")]
    [InlineData("POLYGON((76.80 43.15, 77.05 43.15, 77.05 43.35, 76.80 43.35, 76.80 43.15), (76.90 43.20, 76.90 43.30, 77.00 43.30, 77.00 43.20, 76.90 43.20), "
        + "(76.82 43.17, 76.82 43.19, 76.84 43.19, 76.84 43.17, 76.82 43.17))")]
    [InlineData("MULTIPOINT((76.8 43.2), (77.0 43.3))")]
    [InlineData("MULTILINESTRING((76.8 43.2, 76.9 43.3), (77.0 43.2, 77.1 43.3))")]
    [InlineData("MULTIPOLYGON(((76.8 43.1, 76.9 43.1, 76.9 43.2, 76.8 43.1)), ((77.0 43.1, 77.2 43.1, 77.2 43.3, 77.0 43.3, 77.0 43.1), "
        + "(77.05 43.15, 77.05 43.25, 77.15 43.25, 77.15 43.15, 77.05 43.15)))")]
    [InlineData("GEOMETRYCOLLECTION(POINT(76.93 43.24), LINESTRING(76.8 43.2, 76.9 43.3), "
        + "POLYGON((76.80 43.15, 77.05 43.15, 77.05 43.35, 76.80 43.35, 76.80 43.15), (76.90 43.20, 76.90 43.30, 77.00 43.30, 77.00 43.20, 76.90 43.20)), "
        + "MULTIPOINT((76.8 43.2), (77.0 43.3)))")]
    public async Task Every_geometry_type_is_transformed_vertex_by_vertex_and_stays_valid(string wkt)
    {
        var projected = await PostgisTransformAsync(LonLat(wkt), 32643);
        var before = projected.Copy();

        var result = await _crs.ToWgs84Async(projected, 32643, "geometry", CancellationToken.None);

        Assert.Equal(projected.GeometryType, result.GeometryType);
        Assert.Equal(projected.NumGeometries, result.NumGeometries);
        Assert.Equal(projected.NumPoints, result.NumPoints);
        Assert.Equal(4326, result.SRID);
        Assert.True(result.IsValid);
        Assert.True(before.EqualsExact(projected), "the caller's geometry must not change");
        var deviation = await MaxVertexDistanceAsync(result, await PostgisTransformAsync(projected, 4326));
        output.WriteLine($"{projected.GeometryType} in EPSG:32643 vs ST_Transform max {deviation:F6} m");
        Assert.InRange(deviation, 0, OneMetre);
    }

    [Fact]
    public async Task Wgs84_input_comes_back_as_it_is_with_SRID_4326()
    {
        var tagged = GeoJson.Factory.CreatePoint(new Coordinate(76.93, 43.24));
        var untagged = new GeometryFactory(new PrecisionModel(), 0).CreatePoint(new Coordinate(76.93, 43.24));

        Assert.Same(tagged, await _crs.ToWgs84Async(tagged, 4326, "location", CancellationToken.None));
        var retagged = await _crs.ToWgs84Async(untagged, 4326, "location", CancellationToken.None);
        Assert.Equal(4326, retagged.SRID);
        Assert.True(retagged.EqualsExact(untagged));
        Assert.Equal(0, untagged.SRID);
    }

    [Fact]
    public async Task Declared_axis_order_never_swaps_input_coordinates()
    {
        // Invented codes in this throwaway database: the real definitions with AXIS clauses putting north first.
        await InsertSrsAsync(990001, """
            GEOGCS["Pulkovo 1942 (lat, lon)",DATUM["Pulkovo_1942",SPHEROID["Krassowsky 1940",6378245,298.3],
            TOWGS84[23.92,-141.27,-80.9,0,0.35,0.82,-0.12],AUTHORITY["EPSG","6284"]],PRIMEM["Greenwich",0],
            UNIT["degree",0.0174532925199433],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","990001"]]
            """);
        await InsertSrsAsync(990002, """
            PROJCS["WGS 84 / UTM zone 43N (N, E)",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563],
            AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AXIS["Latitude",NORTH],AXIS["Longitude",EAST]],
            PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",75],
            PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],
            AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","990002"]]
            """);
        var geographic = GeoJson.Factory.CreatePoint(new Coordinate(76.9, 43.25));
        var projected = GeoJson.Factory.CreatePoint(new Coordinate(660_000, 4_790_000));

        var latFirst = await _crs.ToWgs84Async(geographic, 990001, "location", CancellationToken.None);
        var northingFirst = await _crs.ToWgs84Async(projected, 990002, "location", CancellationToken.None);

        Assert.True(latFirst.EqualsExact(await _crs.ToWgs84Async(geographic, 4284, "location", CancellationToken.None), 1e-12));
        Assert.True(northingFirst.EqualsExact(await _crs.ToWgs84Async(projected, 32643, "location", CancellationToken.None), 1e-12));
        Assert.InRange(northingFirst.Coordinate.X, 76.9, 77.1);
    }

    [Theory]
    [InlineData(999999)]
    [InlineData(0)]
    [InlineData(-4326)]
    [InlineData(4978)] // WGS 84 geocentric: in spatial_ref_sys, but x, y, z in metres from the Earth's centre
    public async Task Codes_that_cannot_be_used_are_UNKNOWN_CRS(int epsg)
    {
        var input = GeoJson.Factory.CreatePoint(new Coordinate(1, 2));

        var error = await Assert.ThrowsAsync<DispatchException>(() => _crs.ToWgs84Async(input, epsg, "crs", CancellationToken.None));

        Assert.Equal("UNKNOWN_CRS", error.Code);
        Assert.Equal("crs", error.Argument);
        Assert.Contains($"EPSG:{epsg}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_unreadable_and_shiftless_definitions_are_UNKNOWN_CRS()
    {
        await InsertSrsAsync(990011, "");
        await InsertSrsAsync(990012, "GEOGCRS[\"WKT2 is not read by ProjNet 2\"]");
        // Krassowsky without TOWGS84: ProjNet would only change ellipsoid and land some 120 m off, silently.
        await InsertSrsAsync(990013, """
            GEOGCS["Pulkovo 1942 without a shift",DATUM["Pulkovo_1942",SPHEROID["Krassowsky 1940",6378245,298.3],AUTHORITY["EPSG","6284"]],
            PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","990013"]]
            """);
        var input = GeoJson.Factory.CreatePoint(new Coordinate(76.9, 43.25));

        foreach (var epsg in new[] { 990011, 990012, 990013 })
        {
            var error = await Assert.ThrowsAsync<DispatchException>(() => _crs.ToWgs84Async(input, epsg, "crs", CancellationToken.None));
            Assert.Equal(ErrorCodes.UnknownCrs, error.Code);
            Assert.Contains($"EPSG:{epsg}", error.Message, StringComparison.Ordinal);
            output.WriteLine(error.Message);
        }
    }

    [Fact]
    public async Task A_code_is_read_from_the_database_once_and_a_failure_is_not_remembered()
    {
        var utm43 = await QuerySrtextAsync(32643);
        var input = GeoJson.Factory.CreatePoint(new Coordinate(660_000, 4_790_000));
        await InsertSrsAsync(990021, utm43);

        var first = await _crs.ToWgs84Async(input, 990021, "location", CancellationToken.None);
        await DeleteSrsAsync(990021);
        var second = await _crs.ToWgs84Async(input, 990021, "location", CancellationToken.None);

        Assert.True(first.EqualsExact(second));
        await Assert.ThrowsAsync<DispatchException>(() => _crs.ToWgs84Async(input, 990022, "location", CancellationToken.None));
        await InsertSrsAsync(990022, utm43);
        Assert.True(first.EqualsExact(await _crs.ToWgs84Async(input, 990022, "location", CancellationToken.None)));
    }

    [Fact]
    public async Task Concurrent_callers_share_one_transform_and_get_the_same_answers()
    {
        var inputs = Enumerable.Range(0, 200)
            .Select(i => GeoJson.Factory.CreatePoint(new Coordinate(13_600_000 + (i * 997), 4_700_000 + (i * 1009))))
            .ToArray();
        var fresh = new CrsTransformer(Db);
        var reference = new CrsTransformer(Db);

        var parallel = await Task.WhenAll(inputs.Select(p => Task.Run(() => fresh.ToWgs84Async(p, 28413, "location", CancellationToken.None))));
        var sequential = new List<Geometry>();
        foreach (var p in inputs)
        {
            sequential.Add(await reference.ToWgs84Async(p, 28413, "location", CancellationToken.None));
        }

        Assert.All(parallel.Zip(sequential), pair => Assert.True(pair.First.EqualsExact(pair.Second)));
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var input = GeoJson.Factory.CreatePoint(new Coordinate(660_000, 4_790_000));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _crs.ToWgs84Async(input, 32644, "location", cancelled.Token));
        Assert.IsType<Point>(await _crs.ToWgs84Async(input, 32644, "location", CancellationToken.None));
    }

    private static Geometry LonLat(string wkt) => GeoJson.Factory.CreateGeometry(Wkt.Read(wkt));

    private static Geometry SetSrid(Geometry geometry, int srid)
    {
        var copy = geometry.Copy();
        copy.SRID = srid;
        return copy;
    }

    private async Task<Geometry> QueryGeometryAsync(string sql, params object[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (Geometry)(await command.ExecuteScalarAsync())!;
    }

    private Task<Geometry> PostgisTransformAsync(Geometry geometry, int srid) =>
        QueryGeometryAsync("SELECT ST_Transform($1, $2)", geometry, srid);

    /// <summary>PostGIS (PROJ) given the very srtext CrsTransformer reads, instead of resolving the code itself.</summary>
    private Task<Geometry> PostgisTransformFromSrtextAsync(Geometry geometry, int epsg) =>
        QueryGeometryAsync(
            "SELECT ST_Transform(ST_SetSRID($1, 0), (SELECT srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $2), 4326)",
            geometry, epsg);

    /// <summary>The largest geodesic distance in metres between corresponding vertices of two EPSG:4326 geometries.</summary>
    private async Task<double> MaxVertexDistanceAsync(Geometry actual, Geometry expected)
    {
        Assert.Equal(4326, actual.SRID);
        Assert.Equal(4326, expected.SRID);
        return await MaxDistanceAsync("ST_Distance(a.geom::geography, b.geom::geography)", actual, expected);
    }

    /// <summary>The same in the plane of a projected system, in its units.</summary>
    private Task<double> MaxPlanarDistanceAsync(Geometry actual, Geometry expected) =>
        MaxDistanceAsync("ST_Distance(a.geom, b.geom)", actual, expected);

    private async Task<double> MaxDistanceAsync(string distance, Geometry actual, Geometry expected)
    {
        await using var command = Db.CreateCommand($"""
            SELECT max({distance}), count(*), count(a.geom), count(b.geom)
            FROM ST_DumpPoints($1) a FULL JOIN ST_DumpPoints($2) b USING (path)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = actual });
        command.Parameters.Add(new NpgsqlParameter { Value = expected });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (all, left, right) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        Assert.True(all > 0 && all == left && all == right, $"vertices differ: {left} against {right}");
        return reader.GetDouble(0);
    }

    private async Task<string> QuerySrtextAsync(int epsg)
    {
        await using var command = Db.CreateCommand("SELECT srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = epsg });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task InsertSrsAsync(int code, string srtext)
    {
        await using var command = Db.CreateCommand(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext) VALUES ($1, 'EPSG', $1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = code });
        command.Parameters.Add(new NpgsqlParameter { Value = srtext.ReplaceLineEndings("") });
        await command.ExecuteNonQueryAsync();
    }

    private async Task DeleteSrsAsync(int code)
    {
        await using var command = Db.CreateCommand("DELETE FROM spatial_ref_sys WHERE srid = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = code });
        await command.ExecuteNonQueryAsync();
    }
}
