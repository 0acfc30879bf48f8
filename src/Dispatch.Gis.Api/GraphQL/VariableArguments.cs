using System.Text.RegularExpressions;
using GraphQL;
using GraphQL.Validation;
using GraphQL.Validation.Errors.Custom;
using GraphQLParser.AST;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Lets an input error raised while GraphQL.NET coerces a variable (a bad GeoJSON geometry sent as <c>$g</c>, as
/// every real client sends it) name the argument it was passed to, as the same input written inline does. A
/// validation rule notes where each variable is used ("intersects", "within.point", "input.geometry"); after
/// execution the request's errors get that path, and the error info provider reports it with the reason.
/// </summary>
internal sealed partial class VariableArguments : ValidationRuleBase
{
    private const string UsesKey = "dispatch.variableArguments";
    public const string ArgumentKey = "dispatch.argument";

    public static readonly VariableArguments Instance = new();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new MatchingNodeVisitor<GraphQLArgument>((argument, ctx) =>
        {
            if (ctx.UserContext is not IDictionary<string, object?> user)
            {
                return;
            }

            if (!user.TryGetValue(UsesKey, out var existing) || existing is not Dictionary<string, string> uses)
            {
                uses = new Dictionary<string, string>(StringComparer.Ordinal);
                user[UsesKey] = uses;
            }

            Collect(argument.Value, argument.Name.StringValue, uses);
        }));

    private static void Collect(GraphQLValue value, string path, Dictionary<string, string> uses)
    {
        switch (value)
        {
            case GraphQLVariable variable:
                uses.TryAdd(variable.Name.StringValue, path);
                break;
            case GraphQLObjectValue obj:
                foreach (var field in obj.Fields ?? [])
                {
                    Collect(field.Value, path + "." + field.Name.StringValue, uses);
                }

                break;
            case GraphQLListValue list:
                var i = 0;
                foreach (var item in list.Values ?? [])
                {
                    Collect(item, $"{path}[{i++}]", uses);
                }

                break;
        }
    }

    /// <summary>Marks each variable or literal input error that carries one of our reasons with the argument at fault.</summary>
    public static void NameArguments(ExecutionResult result, IDictionary<string, object?> userContext)
    {
        if (result.Errors is not { Count: > 0 } errors)
        {
            return;
        }

        var uses = userContext.TryGetValue(UsesKey, out var u) ? u as Dictionary<string, string> : null;
        foreach (var error in errors)
        {
            if (error is InvalidVariableError && VariablePattern().Match(error.Message) is { Success: true } variable)
            {
                // GraphQL.NET names the failing part of a variable: "$input.geometry", "$positions[2].point".
                var name = variable.Groups["name"].Value;
                var head = name.Split('.', '[')[0];
                if (uses?.GetValueOrDefault(head) is { } path)
                {
                    error.Data[ArgumentKey] = path + name[head.Length..];
                }
            }
            else if (error is InvalidLiteralError && LiteralPattern().Match(error.Message) is { Success: true } literal)
            {
                error.Data[ArgumentKey] = literal.Groups["name"].Value;
            }
        }
    }

    /// <summary>"Variable '$g' is invalid. Unable to convert …" → "Variable '$g' is invalid: &lt;reason&gt;".</summary>
    public static string VariableMessage(ExecutionError error, string reason) =>
        VariablePattern().Match(error.Message) is { Success: true } m ? $"Variable '${m.Groups["name"].Value}' is invalid: {reason}" : reason;

    [GeneratedRegex(@"^Variable '\$(?<name>[^']+)' is invalid")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^Invalid literal for argument '(?<name>[^']+)'")]
    private static partial Regex LiteralPattern();
}
