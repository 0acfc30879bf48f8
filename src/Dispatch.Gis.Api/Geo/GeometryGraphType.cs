using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;
using NetTopologySuite.Geometries;

namespace Dispatch.Gis.Geo;

/// <summary>
/// The <c>Geometry</c> scalar: a GeoJSON geometry object (RFC 7946, lon/lat, WGS 84) in both directions.
/// Parsing only checks structure; resolvers apply <see cref="GeometryRules"/> so the reason names the argument.
/// </summary>
internal sealed class GeometryGraphType : ScalarGraphType
{
    public GeometryGraphType()
    {
        Name = "Geometry";
        Description = "A GeoJSON geometry object (RFC 7946): WGS 84 longitude/latitude, e.g. {\"type\":\"Point\",\"coordinates\":[76.95,43.24]}.";
    }

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        Geometry geometry => geometry,
        JsonElement element => GeoJson.Read(element),
        _ => GeoJson.Read(JsonSerializer.SerializeToElement(value)),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLObjectValue => GeoJson.Read(JsonSerializer.SerializeToElement(LiteralToPlain(value))),
        _ => throw new GraphQL.InvalidGeometryException("a Geometry literal must be a GeoJSON object"),
    };

    public override bool CanParseLiteral(GraphQLValue value) => value is GraphQLNullValue or GraphQLObjectValue;

    public override bool CanParseValue(object? value) => true;

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        JsonElement element => element,
        Geometry geometry => new GeoJsonOutput(geometry),
        GeoJsonOutput output => output,
        _ => throw new InvalidOperationException($"cannot serialise {value.GetType().Name} as Geometry"),
    };

    public override GraphQLValue ToAST(object? value) =>
        throw new NotSupportedException("Geometry values have no literal default form");

    private static object? LiteralToPlain(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLIntValue i => decimal.Parse(i.Value.Span, provider: System.Globalization.CultureInfo.InvariantCulture),
        GraphQLFloatValue f => double.Parse(f.Value.Span, provider: System.Globalization.CultureInfo.InvariantCulture),
        GraphQLStringValue s => s.Value.ToString(),
        GraphQLBooleanValue b => b.BoolValue,
        GraphQLEnumValue e => e.Name.StringValue,
        GraphQLListValue list => list.Values?.Select(LiteralToPlain).ToList() ?? [],
        GraphQLObjectValue obj => obj.Fields?.ToDictionary(f => f.Name.StringValue, f => LiteralToPlain(f.Value)) ?? [],
        _ => throw new GraphQL.InvalidGeometryException("variables are not allowed inside a Geometry literal; pass the whole geometry as a variable"),
    };
}
