using Dispatch.Gis.Geo;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Forecasts.Models;

/// <summary>
/// The zone of possible contamination as RD 52.04.253-90 draws it: a circle, half-circle or sector of radius Г
/// centred on the source, its axis downwind (studopedia.info/6-45412 reproduces the method's drawing rules).
/// </summary>
internal static class ContaminationSector
{
    /// <summary>Arc vertices at most this far apart: the inscribed polygon then falls short of the sector by under 0.01 %.</summary>
    private const double MaxStepDegrees = 1;

    /// <summary>
    /// Angle φ by wind speed: 360° below 0.5 m/s, 180° to 1 m/s, 90° to 2 m/s, 45° above. The method's bands
    /// (&lt; 0.5, 0.6–1, 1.1–2, &gt; 2) leave gaps between them; each gap goes to the wider sector.
    /// </summary>
    public static double AngleDegrees(double windMetresPerSecond) => windMetresPerSecond switch
    {
        < 0.5 => 360,
        <= 1 => 180,
        <= 2 => 90,
        _ => 45,
    };

    /// <summary>Sв = 8.72·10⁻³·Г²·φ (Г in km, φ in degrees, Sв in km²: the method's formula, π/360 rounded), in m².</summary>
    public static double AreaSquareMetres(double radiusMetres, double angleDegrees)
    {
        var km = radiusMetres / 1000;
        return 8.72e-3 * km * km * angleDegrees * 1e6;
    }

    /// <summary>
    /// The sector as a WGS 84 polygon, counter-clockwise. Each arc vertex is the geodesic destination at the radius, so
    /// the radius is true on the ellipsoid in every direction. No wind direction (null) draws the full circle.
    /// </summary>
    public static Polygon Polygon(Point source, double? windFromDegrees, double angleDegrees, double radiusMetres)
    {
        if (radiusMetres <= 0)
        {
            return GeoJson.Factory.CreatePolygon();
        }

        var full = windFromDegrees is null || angleDegrees >= 360;
        var span = full ? 360 : angleDegrees;
        var axis = windFromDegrees is { } from ? Geodesy.DownwindBearing(from) : 0;
        var steps = (int)Math.Ceiling(span / MaxStepDegrees);
        var ring = new List<Coordinate>(steps + 3);
        if (!full)
        {
            ring.Add(source.Coordinate.Copy());
        }

        // Bearings decrease from the right edge to the left one: that is counter-clockwise on the map.
        var start = axis + (span / 2);
        var last = full ? steps - 1 : steps;
        for (var i = 0; i <= last; i++)
        {
            ring.Add(Geodesy.Destination(source.Coordinate, start - (span * i / steps), radiusMetres));
        }

        return Geodesy.CounterClockwisePolygon(ring);
    }
}
