using Dispatch.Gis.GraphQL;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace Dispatch.Gis.Geo;

/// <summary>
/// Input geometries are rejected, never repaired: a silently "fixed" evacuation zone may not be the
/// zone the officer drew. The reason names the fault and where it is.
/// </summary>
internal sealed record GeometryRules(int MaxVertices)
{
    public static readonly GeometryRules Default = new(MaxVertices: 100_000);

    public Geometry Check(Geometry geometry, string argument)
    {
        CheckShape(geometry, argument);
        foreach (var c in geometry.Coordinates)
        {
            if (c.X is < -180 or > 180 || c.Y is < -90 or > 90)
            {
                throw new InvalidGeometryException(
                    $"coordinate ({c.X} {c.Y}) is out of range: longitude must be within ±180 and latitude within ±90 (GeoJSON order is lon, lat)",
                    argument);
            }
        }

        return geometry;
    }

    /// <summary>Everything but the degree ranges: emptiness, size, finite numbers, OGC validity.</summary>
    public Geometry CheckShape(Geometry geometry, string argument)
    {
        if (geometry.IsEmpty)
        {
            throw new InvalidGeometryException("geometry is empty", argument);
        }

        if (geometry.NumPoints > MaxVertices)
        {
            throw new InvalidGeometryException($"geometry has {geometry.NumPoints} vertices; the limit is {MaxVertices}", argument);
        }

        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y))
            {
                throw new InvalidGeometryException("coordinates must be finite numbers", argument);
            }
        }

        var validity = new IsValidOp(geometry).ValidationError;
        if (validity is not null)
        {
            throw new InvalidGeometryException(
                $"{validity.Message} at ({validity.Coordinate?.X} {validity.Coordinate?.Y})", argument);
        }

        return geometry;
    }

    public Point CheckPoint(Geometry geometry, string argument) =>
        Check(geometry, argument) as Point
            ?? throw new InvalidGeometryException($"expected a Point, got a {geometry.GeometryType}", argument);
}
