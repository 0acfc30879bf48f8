using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

internal sealed record WithinFilter(Point Point, double RadiusMeters);

/// <summary>
/// The spatial filters every layer takes, already validated and in EPSG:4326, turned into SQL the same way for
/// every table: the query shape is parameterised and the column left bare, so the GiST indexes apply.
/// </summary>
internal sealed record SpatialFilter(BoundingBox? BBox, WithinFilter? Within, Geometry? Intersects)
{
    public static readonly SpatialFilter None = new(null, null, null);

    /// <param name="column">A geometry(…, 4326) column.</param>
    /// <param name="geography">The same column as geography, exactly as its expression index is written.</param>
    public void AppendTo(SqlConditions where, string column, string geography)
    {
        if (BBox is { } box)
        {
            where.Add($"ST_Intersects({column}, ST_MakeEnvelope({{0}}, {{1}}, {{2}}, {{3}}, 4326))", box.MinLon, box.MinLat, box.MaxLon, box.MaxLat);
        }

        if (Within is { } within)
        {
            // Metres on the spheroid, on the geography index; never ST_Distance in WHERE (that reads every row).
            where.Add($"ST_DWithin({geography}, {{0}}::geography, {{1}})", within.Point, within.RadiusMeters);
        }

        if (Intersects is { } shape)
        {
            where.Add($"ST_Intersects({column}, {{0}})", shape);
        }
    }

    /// <summary>The distance in metres from the within-point, as a select expression, or NULL when there is none.</summary>
    public string DistanceSelect(SqlConditions where, string geography) =>
        Within is { } within ? $"ST_Distance({geography}, {where.Parameter(within.Point)}::geography)" : "NULL::float8";
}
