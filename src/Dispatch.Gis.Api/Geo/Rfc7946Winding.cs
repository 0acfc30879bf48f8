using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

/// <summary>
/// RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. NTS keeps rings as they were read (and its
/// own normal form is the opposite), so every geometry is oriented here on its way out; PostGIS output gets the
/// same from ST_ForcePolygonCCW.
/// </summary>
internal static class Rfc7946Winding
{
    public static Geometry Orient(Geometry geometry) => geometry switch
    {
        Polygon polygon => Orient(polygon),
        MultiPolygon multi when !IsOriented(multi) =>
            multi.Factory.CreateMultiPolygon([.. Enumerable.Range(0, multi.NumGeometries).Select(i => Orient((Polygon)multi.GetGeometryN(i)))]),
        GeometryCollection collection when collection is not MultiPolygon and not MultiPoint and not MultiLineString && !IsOriented(collection) =>
            collection.Factory.CreateGeometryCollection([.. Enumerable.Range(0, collection.NumGeometries).Select(i => Orient(collection.GetGeometryN(i)))]),
        _ => geometry,
    };

    public static bool IsOriented(Geometry geometry) => geometry switch
    {
        Polygon p => IsOriented(p),
        GeometryCollection c => Enumerable.Range(0, c.NumGeometries).All(i => IsOriented(c.GetGeometryN(i))),
        _ => true,
    };

    private static bool IsOriented(Polygon polygon) =>
        IsCcw(polygon.Shell) && polygon.Holes.All(h => !IsCcw(h));

    private static Polygon Orient(Polygon polygon)
    {
        if (IsOriented(polygon))
        {
            return polygon;
        }

        var shell = IsCcw(polygon.Shell) ? polygon.Shell : (LinearRing)polygon.Shell.Reverse();
        var holes = polygon.Holes.Select(h => IsCcw(h) ? (LinearRing)h.Reverse() : h).ToArray();
        return polygon.Factory.CreatePolygon(shell, holes);
    }

    // Empty or degenerate rings have no orientation; leave them as they are.
    private static bool IsCcw(LinearRing ring) => ring.NumPoints < 4 || Orientation.IsCCW(ring.CoordinateSequence);
}
