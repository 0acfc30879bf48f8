using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

internal sealed record WithinFilter(Point Point, double RadiusMeters);

/// <summary>
/// The spatial filters every layer takes, already validated and in EPSG:4326, turned into SQL the same way for
/// every table: the query shape is parameterised and the column left bare, so the GiST indexes apply.
/// </summary>
/// <param name="ByDistance">Order by the distance from the within-point (keyset on distance, then id).</param>
/// <param name="DistanceWanted">Select the distance from the within-point (the query asks for it, or orders by it).</param>
internal sealed record SpatialFilter(BoundingBox? BBox, WithinFilter? Within, Geometry? Intersects, bool ByDistance = false, bool DistanceWanted = true)
{
    public static readonly SpatialFilter None = new(null, null, null);

    /// <param name="column">A geometry(…, 4326) column.</param>
    /// <param name="geography">The same column as geography, exactly as its expression index is written.</param>
    public void AppendTo(SqlConditions where, string column, string geography)
    {
        BBox?.AppendTo(where, column);

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

    /// <summary>The distance in metres from the within-point, as a select expression, or NULL when there is none or it is not wanted.</summary>
    public string DistanceSelect(SqlConditions where, string geography) =>
        Within is { } within && (DistanceWanted || ByDistance) ? $"ST_Distance({geography}, {where.Parameter(within.Point)}::geography)" : "NULL::float8";

    /// <summary>
    /// With <see cref="ByDistance"/>: adds the keyset condition for <paramref name="paging"/> and returns the ORDER BY
    /// text (nearest first, ties by id); otherwise null and the list keeps its own order. The cursor is "distance|id",
    /// the distance written round-trip exact, so the next page starts exactly after the last row.
    /// </summary>
    public string? DistanceOrder(SqlConditions where, string geography, string idColumn, Paging paging, Func<string, object> parseId)
    {
        if (!ByDistance || Within is not { } within)
        {
            return null;
        }

        var distance = $"ST_Distance({geography}, {where.Parameter(within.Point)}::geography)";
        if (paging.After is { } after)
        {
            var bar = after.IndexOf('|', StringComparison.Ordinal);
            object? id = null;
            if (bar < 0 || !double.TryParse(after.AsSpan(0, bar), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                || (id = TryParse(parseId, after[(bar + 1)..])) is null)
            {
                throw new GraphQL.BadUserInputException("after is not a cursor of this distance-ordered list", "after");
            }

            where.Add($"({distance}, {idColumn}) > ({{0}}, {{1}})", d, id);
        }

        return $"ORDER BY {distance}, {idColumn}";
    }

    /// <summary>The cursor of a row: its id, or "distance|id" in distance order.</summary>
    public string CursorOf(string id, double? distanceMeters) =>
        Paging.EncodeCursor(ByDistance && distanceMeters is { } d ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "|" + id : id);

    private static object? TryParse(Func<string, object> parse, string text)
    {
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
