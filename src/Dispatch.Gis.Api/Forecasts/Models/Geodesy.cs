using Dispatch.Gis.Geo;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// Distances and bearings on the WGS 84 ellipsoid, so a zone drawn "10 km downwind" is 10 km on the ground at any
/// latitude (a degree of longitude is 81 km at Almaty and 64 km at Petropavl; buffering in degrees gets both wrong).
/// </summary>
internal static class Geodesy
{
    public const double SemiMajorAxisMetres = 6_378_137.0;
    public const double Flattening = 1 / 298.257223563;
    private const double SemiMinorAxisMetres = SemiMajorAxisMetres * (1 - Flattening);

    /// <summary>
    /// The point at a geodesic distance and initial bearing (degrees clockwise from north) from a start point:
    /// Vincenty's direct formula (1975), iterated to 1e-12 rad, good to well under a millimetre at these distances.
    /// </summary>
    public static Coordinate Destination(Coordinate start, double bearingDegrees, double distanceMetres)
    {
        var alpha1 = ToRadians(bearingDegrees);
        var sinAlpha1 = Math.Sin(alpha1);
        var cosAlpha1 = Math.Cos(alpha1);
        var tanU1 = (1 - Flattening) * Math.Tan(ToRadians(start.Y));
        var cosU1 = 1 / Math.Sqrt(1 + (tanU1 * tanU1));
        var sinU1 = tanU1 * cosU1;
        var sigma1 = Math.Atan2(tanU1, cosAlpha1);
        var sinAlpha = cosU1 * sinAlpha1;
        var cosSqAlpha = 1 - (sinAlpha * sinAlpha);
        var a2 = SemiMajorAxisMetres * SemiMajorAxisMetres;
        var b2 = SemiMinorAxisMetres * SemiMinorAxisMetres;
        var uSq = cosSqAlpha * (a2 - b2) / b2;
        var a = 1 + (uSq / 16384 * (4096 + (uSq * (-768 + (uSq * (320 - (175 * uSq)))))));
        var b = uSq / 1024 * (256 + (uSq * (-128 + (uSq * (74 - (47 * uSq))))));

        var sigma = distanceMetres / (SemiMinorAxisMetres * a);
        double sinSigma, cosSigma, cos2SigmaM;
        var iterations = 0;
        while (true)
        {
            cos2SigmaM = Math.Cos((2 * sigma1) + sigma);
            sinSigma = Math.Sin(sigma);
            cosSigma = Math.Cos(sigma);
            var deltaSigma = b * sinSigma * (cos2SigmaM + (b / 4 * ((cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))
                - (b / 6 * cos2SigmaM * (-3 + (4 * sinSigma * sinSigma)) * (-3 + (4 * cos2SigmaM * cos2SigmaM))))));
            var next = (distanceMetres / (SemiMinorAxisMetres * a)) + deltaSigma;
            if (Math.Abs(next - sigma) < 1e-12 || ++iterations > 200)
            {
                sigma = next;
                break;
            }

            sigma = next;
        }

        cos2SigmaM = Math.Cos((2 * sigma1) + sigma);
        sinSigma = Math.Sin(sigma);
        cosSigma = Math.Cos(sigma);
        var tmp = (sinU1 * sinSigma) - (cosU1 * cosSigma * cosAlpha1);
        var phi2 = Math.Atan2((sinU1 * cosSigma) + (cosU1 * sinSigma * cosAlpha1),
            (1 - Flattening) * Math.Sqrt((sinAlpha * sinAlpha) + (tmp * tmp)));
        var lambda = Math.Atan2(sinSigma * sinAlpha1, (cosU1 * cosSigma) - (sinU1 * sinSigma * cosAlpha1));
        var c = Flattening / 16 * cosSqAlpha * (4 + (Flattening * (4 - (3 * cosSqAlpha))));
        var l = lambda - ((1 - c) * Flattening * sinAlpha
            * (sigma + (c * sinSigma * (cos2SigmaM + (c * cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))))));
        var lon = start.X + ToDegrees(l);
        lon = ((lon + 540) % 360) - 180;
        return new Coordinate(lon, ToDegrees(phi2));
    }

    /// <summary>The downwind bearing: meteorological wind direction says where the wind comes FROM.</summary>
    public static double DownwindBearing(double windFromDegrees) => (windFromDegrees + 180) % 360;

    /// <summary>A WGS 84 polygon whose exterior runs counter-clockwise, as RFC 7946 asks of GeoJSON writers.</summary>
    public static Polygon CounterClockwisePolygon(IList<Coordinate> ring)
    {
        if (!ring[0].Equals2D(ring[^1]))
        {
            ring.Add(ring[0].Copy());
        }

        var coordinates = ring.ToArray();
        if (!Orientation.IsCCW(coordinates))
        {
            Array.Reverse(coordinates);
        }

        return GeoJson.Factory.CreatePolygon(coordinates);
    }

    /// <summary>The same polygon with its exterior counter-clockwise and its holes clockwise (RFC 7946 §3.1.6).</summary>
    public static Polygon Rfc7946(Polygon polygon)
    {
        LinearRing Oriented(LineString ring, bool counterClockwise)
        {
            var coordinates = (Coordinate[])ring.Coordinates.Clone();
            if (Orientation.IsCCW(coordinates) != counterClockwise)
            {
                Array.Reverse(coordinates);
            }

            return GeoJson.Factory.CreateLinearRing(coordinates);
        }

        return GeoJson.Factory.CreatePolygon(Oriented(polygon.ExteriorRing, true),
            [.. polygon.InteriorRings.Select(r => Oriented(r, false))]);
    }

    public static double ToRadians(double degrees) => degrees * Math.PI / 180;

    public static double ToDegrees(double radians) => radians * 180 / Math.PI;
}
