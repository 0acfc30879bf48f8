using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Dispatch.Gis.GraphQL;

/// <summary>Any JSON value, for open-ended payloads (event details); output only.</summary>
internal sealed class JsonGraphType : ScalarGraphType
{
    public JsonGraphType()
    {
        Name = "JSON";
        Description = "Any JSON value.";
    }

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        JsonElement element => element,
        _ => JsonSerializer.SerializeToElement(value),
    };

    public override object? ParseValue(object? value) => throw new BadUserInputException("JSON values are output only");

    public override object? ParseLiteral(GraphQLValue value) => throw new BadUserInputException("JSON values are output only");

    public override GraphQLValue ToAST(object? value) => throw new NotSupportedException("JSON values have no literal form");
}
