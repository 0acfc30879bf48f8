using GraphQL;
using GraphQL.Builders;
using GraphQL.Validation.Complexity;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// What a field costs, for the complexity limit (<see cref="GraphQLLimits.MaxComplexity"/>): a plain field costs 1 and
/// list children count once per row asked for (<c>first</c>); these are the fields that cost the database or the
/// response far more than that. The weights are round, relative figures, not measurements: a full territory boundary
/// is thousands of vertices and hundreds of kilobytes, a zone or object shape tens of kilobytes, a spatial join or a
/// track scan a query of its own over an indexed layer.
/// </summary>
internal static class Costs
{
    /// <summary>A full administrative boundary; simplified for display it is a tenth of that.</summary>
    public const double FullBoundary = 300;

    public const double SimplifiedBoundary = 30;

    /// <summary>The tolerance from which a boundary counts as simplified.</summary>
    public const double SimplifiedFromMeters = 500;

    /// <summary>A drawn shape: a zone, a zone version, a hazard zone, an object's outline.</summary>
    public const double Shape = 50;

    /// <summary>A relation answered by a spatial join (what lies inside a zone, a territory's population).</summary>
    public const double SpatialJoin = 25;

    /// <summary>A scan of a unit's track or of the event log (AVL reconciliation, an incident's timeline).</summary>
    public const double Scan = 20;

    /// <summary>Each of these rows carries a shape of its own (zone versions carry up to three).</summary>
    public const double RowsWithShapes = 3 * Shape;

    public static FieldBuilder<TSource, TReturn> Costing<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, double impact)
    {
        field.FieldType.WithComplexityImpact(impact);
        return field;
    }

    /// <summary>A boundary whose cost depends on the simplification asked for.</summary>
    public static FieldBuilder<TSource, TReturn> CostingBoundary<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field)
    {
        field.FieldType.WithComplexityImpact(context =>
            new FieldComplexityResult(context.GetArgument<double?>("simplifyMeters", null) >= SimplifiedFromMeters ? SimplifiedBoundary : FullBoundary, 0));
        return field;
    }
}
