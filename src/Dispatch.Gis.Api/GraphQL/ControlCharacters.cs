using GraphQL.Validation;
using GraphQLParser.AST;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// No text a caller sends may hold a control character (but tab and line breaks) or a broken surrogate: PostgreSQL
/// cannot store a NUL in text or jsonb at all, and the others only hide what a record says. One check at the door for
/// every argument and variable of every request, so no field can forget it; the argument is named in the error.
/// </summary>
internal sealed class ControlCharacters : ValidationRuleBase
{
    public static readonly ControlCharacters Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new MatchingNodeVisitor<GraphQLArgument>((argument, ctx) => Check(argument.Value, argument.Name.StringValue, argument, ctx)));

    public override ValueTask<IVariableVisitor?> GetVariableVisitorAsync(ValidationContext context) => default;

    /// <summary>The first bad character's position in a variable's value, as "$name.field[index]", or null.</summary>
    public static string? FindInVariables(IReadOnlyDictionary<string, object?>? variables)
    {
        if (variables is null)
        {
            return null;
        }

        foreach (var (name, value) in variables)
        {
            if (Find(value, "$" + name) is { } path)
            {
                return path;
            }
        }

        return null;
    }

    public static bool IsBad(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Find(object? value, string path) => value switch
    {
        string text => IsBad(text) ? path : null,
        IReadOnlyDictionary<string, object?> map => map.Select(p => Find(p.Value, $"{path}.{p.Key}")).FirstOrDefault(p => p is not null),
        IEnumerable<object?> list => list.Select((item, i) => Find(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        _ => null,
    };

    private static void Check(GraphQLValue value, string path, ASTNode at, ValidationContext context)
    {
        switch (value)
        {
            case GraphQLStringValue text when IsBad(text.Value.Span):
                context.ReportError(new Error(context.Document.Source, at, path));
                break;
            case GraphQLObjectValue obj:
                foreach (var field in obj.Fields ?? [])
                {
                    Check(field.Value, $"{path}.{field.Name.StringValue}", at, context);
                }

                break;
            case GraphQLListValue list:
                for (var i = 0; i < (list.Values?.Count ?? 0); i++)
                {
                    Check(list.Values![i], $"{path}[{i}]", at, context);
                }

                break;
        }
    }

    internal sealed class Error(GraphQLParser.ROM source, ASTNode node, string argument)
        : ValidationError(source, "5.6.1", $"{argument} holds a control character or a broken surrogate; text may hold tabs and line breaks only", node)
    {
        public string Argument { get; } = argument;
    }
}
