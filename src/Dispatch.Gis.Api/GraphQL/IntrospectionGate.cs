using GraphQL.Validation;
using GraphQLParser.AST;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Introspection (__schema, __type) for the callers <see cref="GraphQLLimits.Introspection"/> allows: outside
/// Development only authenticated ones by default — the schema is a map of the service for whoever probes it. An
/// anonymous caller is told to log in (UNAUTHENTICATED); with introspection off everyone is FORBIDDEN.
/// __typename stays open: clients use it to read unions and to check that the endpoint answers.
/// </summary>
internal sealed class IntrospectionGate(string code) : ValidationRuleBase
{
    public static readonly IntrospectionGate LogInFirst = new(ErrorCodes.Unauthenticated);
    public static readonly IntrospectionGate Closed = new(ErrorCodes.Forbidden);

    public string Code => code;

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(new MatchingNodeVisitor<GraphQLField>((field, ctx) =>
        {
            if (field.Name.StringValue is "__schema" or "__type")
            {
                ctx.ReportError(new Error(ctx.Document.Source, field, code));
            }
        }));

    internal sealed class Error : ValidationError
    {
        public Error(GraphQLParser.ROM source, ASTNode node, string code)
            : base(source, "5.3.1", code == ErrorCodes.Unauthenticated
                ? "introspection needs an access token (Authorization: Bearer …)"
                : "introspection is switched off on this service", node)
        {
            Code = code;
        }
    }
}
