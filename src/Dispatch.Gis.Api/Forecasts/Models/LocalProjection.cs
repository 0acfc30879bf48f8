using System.Globalization;
using Dispatch.Gis.Geo;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// A transverse Mercator on the WGS 84 ellipsoid centred on the geometry being worked on (scale 1 on its central
/// meridian), so buffers and lengths are in true metres: the scale error is (x/R)²/2, 1.2·10⁻⁴ at 100 km off the
/// meridian, where a fixed UTM zone would be off by up to 10⁻³ at its edge and worse past it (KZ spans eight zones).
/// </summary>
internal sealed class LocalProjection
{
    private static readonly CoordinateSystemFactory Systems = new();
    private static readonly CoordinateTransformationFactory Transformations = new();

    private readonly MathTransform _toMetres;
    private readonly MathTransform _toWgs84;

    public LocalProjection(Coordinate centre)
    {
        var wkt = string.Create(CultureInfo.InvariantCulture,
            $"""
            PROJCS["local transverse Mercator",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],
            PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],
            PARAMETER["latitude_of_origin",{centre.Y:R}],PARAMETER["central_meridian",{centre.X:R}],PARAMETER["scale_factor",1],
            PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]
            """);
        var projected = (ProjectedCoordinateSystem)Systems.CreateFromWkt(wkt.ReplaceLineEndings(""));
        _toMetres = Transformations.CreateFromCoordinateSystems(GeographicCoordinateSystem.WGS84, projected).MathTransform;
        _toWgs84 = Transformations.CreateFromCoordinateSystems(projected, GeographicCoordinateSystem.WGS84).MathTransform;
    }

    /// <summary>Centred on the middle of the geometry's envelope, which keeps every vertex as near the meridian as it can be.</summary>
    public static LocalProjection For(Geometry wgs84) => new(wgs84.EnvelopeInternal.Centre);

    public Geometry ToMetres(Geometry wgs84) => Apply(wgs84, _toMetres, 0);

    public Geometry ToWgs84(Geometry metres) => Apply(metres, _toWgs84, GeoJson.Wgs84);

    private static Geometry Apply(Geometry geometry, MathTransform transform, int srid)
    {
        var copy = GeoJson.Factory.CreateGeometry(geometry);
        copy.Apply(new TransformFilter(transform));
        copy.SRID = srid;
        return copy;
    }
}
