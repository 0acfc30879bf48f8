using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;
using Npgsql;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Dispatch.Gis.Geo;

/// <summary>
/// Brings partner geometries in other coordinate reference systems (UTM, Pulkovo 1942 and its Gauss–Krüger
/// zones, Web Mercator…) to the EPSG:4326 lon/lat the service stores. Definitions come from the database's own
/// spatial_ref_sys, so the service and PostGIS never disagree about what a code means.
/// </summary>
/// <remarks>
/// Input x is always easting or longitude and y northing or latitude, whatever AXIS order a definition declares:
/// the GeoJSON and PostGIS convention. ProjNet ignores declared axis order, which is exactly that.
/// </remarks>
internal sealed partial class CrsTransformer(NpgsqlDataSource db)
{
    private const string Query = "SELECT srtext FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1 ORDER BY srid LIMIT 1";

    private static readonly CoordinateSystemFactory Systems = new();
    private static readonly CoordinateTransformationFactory Transformations = new();

    private readonly ConcurrentDictionary<int, Lazy<Task<ICoordinateTransformation>>> _transforms = new();

    /// <summary>
    /// A new geometry with every coordinate taken from EPSG:<paramref name="epsg"/> to EPSG:4326 (SRID 4326); the
    /// input's own SRID is ignored, the code says what its numbers mean. EPSG:4326 input is returned as it is.
    /// Validity is the caller's to check afterwards (GeometryRules), as for any other input.
    /// </summary>
    /// <exception cref="DispatchException">UNKNOWN_CRS when the code cannot be used, naming <paramref name="argument"/>.</exception>
    public async Task<Geometry> ToWgs84Async(Geometry geometry, int epsg, string argument, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        // Refused up front, cached transform or not, so a cancelled caller never gets a result.
        ct.ThrowIfCancellationRequested();
        if (epsg <= 0)
        {
            throw new DispatchException(ErrorCodes.UnknownCrs, $"EPSG:{epsg} is not a coordinate reference system code; codes are positive", argument);
        }

        if (epsg == GeoJson.Wgs84)
        {
            return geometry.SRID == GeoJson.Wgs84 ? geometry : GeoJson.Factory.CreateGeometry(geometry);
        }

        MathTransform transform;
        try
        {
            transform = (await TransformAsync(epsg, ct)).MathTransform;
        }
        catch (UnusableCrsException ex)
        {
            // The build is shared between callers, so only here is it known which argument to blame.
            throw new DispatchException(ErrorCodes.UnknownCrs, ex.Message, argument);
        }

        // CreateGeometry copies through the WGS 84 factory, so the caller's geometry is never touched.
        var result = GeoJson.Factory.CreateGeometry(geometry);
        result.Apply(new TransformFilter(transform));
        return result;
    }

    private async Task<ICoordinateTransformation> TransformAsync(int epsg, CancellationToken ct)
    {
        // One build per code, shared by concurrent callers. It runs without any caller's token, so one caller giving
        // up cannot fail the others; each caller still stops waiting when its own token fires.
        var entry = _transforms.GetOrAdd(epsg, code => new Lazy<Task<ICoordinateTransformation>>(() => BuildAsync(code)));
        try
        {
            return await entry.Value.WaitAsync(ct);
        }
        catch (Exception) when (entry.Value.IsFaulted || entry.Value.IsCanceled)
        {
            // Failures are not remembered: a database hiccup must not poison a code for the life of the process, and
            // remembering every unknown code a client sends would let the cache grow without bound.
            _transforms.TryRemove(KeyValuePair.Create(epsg, entry));
            throw;
        }
    }

    private async Task<ICoordinateTransformation> BuildAsync(int epsg)
    {
        object? row;
        await using (var command = db.CreateCommand(Query))
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = epsg });
            row = await command.ExecuteScalarAsync(CancellationToken.None);
        }

        if (row is null)
        {
            throw Unknown(epsg, "is not in the database's spatial_ref_sys");
        }

        if (row is not string srtext || string.IsNullOrWhiteSpace(srtext))
        {
            throw Unknown(epsg, "has no definition (srtext) in spatial_ref_sys");
        }

        CoordinateSystem system;
        try
        {
            system = Systems.CreateFromWkt(srtext) as CoordinateSystem ?? throw Unknown(epsg, "has a definition that cannot be read");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or FormatException or InvalidOperationException)
        {
            throw Unknown(epsg, $"has a definition that cannot be read ({ex.Message})");
        }

        var geographic = system switch
        {
            GeographicCoordinateSystem g => g,
            ProjectedCoordinateSystem p => p.GeographicCoordinateSystem,
            _ => throw Unknown(epsg, "is not a two-dimensional geographic or projected system"),
        };

        if (SphericalMercator(srtext, system) is { } webMercator)
        {
            system = webMercator;
        }
        else if (!IsWgs84(geographic.HorizontalDatum) && geographic.HorizontalDatum.Wgs84Parameters is null)
        {
            // Without TOWGS84 ProjNet only swaps ellipsoids and ignores the datum's real offset (54 m for Pulkovo 1942
            // at Almaty, hundreds elsewhere): a wrong answer without an error.
            throw Unknown(epsg, $"({system.Name}) has no datum shift to WGS 84 (TOWGS84) in spatial_ref_sys");
        }

        try
        {
            // The built-in WGS 84 is lon/lat by construction, whatever AXIS order the database's 4326 declares.
            return Transformations.CreateFromCoordinateSystems(system, GeographicCoordinateSystem.WGS84);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw Unknown(epsg, $"({system.Name}) is not supported ({ex.Message})");
        }
    }

    private static bool IsWgs84(HorizontalDatum datum) =>
        string.Equals(datum.Authority, "EPSG", StringComparison.OrdinalIgnoreCase) && datum.AuthorityCode == 6326;

    /// <summary>
    /// WKT1 cannot say "spherical Mercator on WGS 84 lon/lat" (EPSG:3857), so GDAL writes Mercator_1SP on the WGS 84
    /// ellipsoid plus the real meaning in EXTENSION["PROJ4", "+proj=merc +a=6378137 +b=6378137 … +nadgrids=@null"].
    /// Read literally, the WKT puts Almaty some 20 km north of where PostGIS puts it; the extension is authoritative.
    /// </summary>
    private static ProjectedCoordinateSystem? SphericalMercator(string srtext, CoordinateSystem system)
    {
        if (system is not ProjectedCoordinateSystem projected || Proj4Extension().Match(srtext) is not { Success: true } match)
        {
            return null;
        }

        var proj4 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var term in match.Groups["proj4"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = term.TrimStart('+').Split('=', 2);
            proj4[pair[0]] = pair.Length > 1 ? pair[1] : "";
        }

        var wgs84 = GeographicCoordinateSystem.WGS84;
        if (proj4.GetValueOrDefault("proj") != "merc"
            || Number(proj4.GetValueOrDefault("a")) != wgs84.HorizontalDatum.Ellipsoid.SemiMajorAxis
            || Number(proj4.GetValueOrDefault("b")) != wgs84.HorizontalDatum.Ellipsoid.SemiMajorAxis)
        {
            return null;
        }

        var parameters = Enumerable.Range(0, projected.Projection.NumParameters).Select(projected.Projection.GetParameter).ToList();
        // ProjNet's Pseudo-Mercator projects on a sphere of the base ellipsoid's semi-major axis: 6378137, as +a says.
        var projection = Systems.CreateProjection(projected.Projection.Name, "Pseudo-Mercator", parameters);
        return Systems.CreateProjectedCoordinateSystem(
            projected.Name, wgs84, projection, projected.LinearUnit, projected.GetAxis(0), projected.GetAxis(1));
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex("""EXTENSION\s*\[\s*"PROJ4"\s*,\s*"(?<proj4>[^"]*)"\s*\]""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Proj4Extension();

    private static UnusableCrsException Unknown(int epsg, string reason) =>
        new($"EPSG:{epsg} {reason}; it cannot be used for input coordinates");

    private sealed class UnusableCrsException(string message) : Exception(message);
}
