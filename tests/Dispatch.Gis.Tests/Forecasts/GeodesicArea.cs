using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Tests.Forecasts;

/// <summary>
/// Area on the WGS 84 ellipsoid, computed independently of the code under test: the ring is mapped to the authalic
/// sphere (authalic latitude β, radius Rq), where the equal-area cylindrical projection x = λ, y = sin β turns area into
/// plane area times Rq². Edges become straight lines there instead of geodesics, which over these short edges costs
/// far less than the tolerances used.
/// </summary>
internal static class GeodesicArea
{
    private const double A = 6_378_137.0;
    private const double F = 1 / 298.257223563;
    private static readonly double E2 = F * (2 - F);
    private static readonly double E = Math.Sqrt(E2);
    private static readonly double Qp = Q(Math.PI / 2);
    private static readonly double Rq = A * Math.Sqrt(Qp / 2);

    public static double SquareMetres(Polygon polygon)
    {
        var ring = polygon.ExteriorRing.Coordinates;
        var sum = 0.0;
        for (var i = 0; i < ring.Length - 1; i++)
        {
            var (x1, y1) = (Radians(ring[i].X), SinBeta(ring[i].Y));
            var (x2, y2) = (Radians(ring[i + 1].X), SinBeta(ring[i + 1].Y));
            sum += (x2 - x1) * (y1 + y2) / 2;
        }

        return Math.Abs(sum) * Rq * Rq;
    }

    /// <summary>The geodesic distance by Vincenty's inverse formula, to check radii without the code under test.</summary>
    public static double DistanceMetres(Coordinate p, Coordinate q)
    {
        var b = A * (1 - F);
        var l = Radians(q.X - p.X);
        var u1 = Math.Atan((1 - F) * Math.Tan(Radians(p.Y)));
        var u2 = Math.Atan((1 - F) * Math.Tan(Radians(q.Y)));
        double lambda = l, sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM;
        for (var i = 0; ; i++)
        {
            var sinLambda = Math.Sin(lambda);
            var cosLambda = Math.Cos(lambda);
            sinSigma = Math.Sqrt(Math.Pow(Math.Cos(u2) * sinLambda, 2)
                + Math.Pow((Math.Cos(u1) * Math.Sin(u2)) - (Math.Sin(u1) * Math.Cos(u2) * cosLambda), 2));
            cosSigma = (Math.Sin(u1) * Math.Sin(u2)) + (Math.Cos(u1) * Math.Cos(u2) * cosLambda);
            sigma = Math.Atan2(sinSigma, cosSigma);
            var sinAlpha = Math.Cos(u1) * Math.Cos(u2) * sinLambda / sinSigma;
            cosSqAlpha = 1 - (sinAlpha * sinAlpha);
            cos2SigmaM = cosSqAlpha == 0 ? 0 : cosSigma - (2 * Math.Sin(u1) * Math.Sin(u2) / cosSqAlpha);
            var c = F / 16 * cosSqAlpha * (4 + (F * (4 - (3 * cosSqAlpha))));
            var previous = lambda;
            lambda = l + ((1 - c) * F * sinAlpha * (sigma + (c * sinSigma * (cos2SigmaM + (c * cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))))));
            if (Math.Abs(lambda - previous) < 1e-12 || i > 200)
            {
                break;
            }
        }

        var uSq = cosSqAlpha * ((A * A) - (b * b)) / (b * b);
        var bigA = 1 + (uSq / 16384 * (4096 + (uSq * (-768 + (uSq * (320 - (175 * uSq)))))));
        var bigB = uSq / 1024 * (256 + (uSq * (-128 + (uSq * (74 - (47 * uSq))))));
        var deltaSigma = bigB * sinSigma * (cos2SigmaM + (bigB / 4 * ((cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))
            - (bigB / 6 * cos2SigmaM * (-3 + (4 * sinSigma * sinSigma)) * (-3 + (4 * cos2SigmaM * cos2SigmaM))))));
        return b * bigA * (sigma - deltaSigma);
    }

    private static double SinBeta(double latitudeDegrees) => Q(Radians(latitudeDegrees)) / Qp;

    private static double Q(double phi)
    {
        var s = Math.Sin(phi);
        return (1 - E2) * ((s / (1 - (E2 * s * s))) - (1 / (2 * E) * Math.Log((1 - (E * s)) / (1 + (E * s)))));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
