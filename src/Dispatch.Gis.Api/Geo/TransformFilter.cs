using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems.Transformations;

namespace Dispatch.Gis.Geo;

/// <summary>Moves x and y in place; z and m pass through (2D datum shifts and projections leave heights alone).</summary>
internal sealed class TransformFilter(MathTransform transform) : ICoordinateSequenceFilter
{
    public bool Done => false;

    public bool GeometryChanged => true;

    public void Filter(CoordinateSequence seq, int i)
    {
        var (x, y) = transform.Transform(seq.GetX(i), seq.GetY(i));
        seq.SetX(i, x);
        seq.SetY(i, y);
    }
}
