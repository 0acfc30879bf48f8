using System.Text.Json.Nodes;
using Dispatch.Gis.GraphQL;
using GraphQL.Transport;
using GraphQLParser;
using GraphQLParser.AST;
using Npgsql;

namespace Dispatch.Gis.Auth;

/// <summary>
/// Mutation attempts that never reach a resolver — refused for a bad or expired token, for a NUL in an argument, for
/// failing validation — still get their audit row: DENIED or FAILED with the code the caller saw, the mutation's root
/// fields as operations, and the document and variables as sent (made storable). Whoever probes the write path
/// leaves a trace. Queries refused the same way are not audited (the audit log records attempts to change state).
/// </summary>
internal sealed class RefusedMutations(NpgsqlDataSource db, ILogger<RefusedMutations> logger)
{
    private const int MaxDocumentChars = 4000;

    public async Task AuditAsync(GraphQLRequest request, Caller caller, string? clientAddress, string traceId, string code, CancellationToken ct)
    {
        var fields = MutationFields(request);
        if (fields.Count == 0)
        {
            return;
        }

        var outcome = code is ErrorCodes.Unauthenticated or ErrorCodes.Forbidden or ErrorCodes.RateLimited ? AuditOutcome.Denied : AuditOutcome.Failed;
        var arguments = new JsonObject
        {
            ["refusedBeforeExecution"] = code,
            ["document"] = request.Query!.Length <= MaxDocumentChars ? request.Query : request.Query[..MaxDocumentChars] + "…",
            ["variables"] = AuditLog.Sanitise(request.Variables?.ToDictionary(v => v.Key,
                v => new global::GraphQL.Execution.ArgumentValue(v.Value, global::GraphQL.Execution.ArgumentSource.Variable))),
        };
        foreach (var field in fields)
        {
            var entry = new AuditEntry(caller.Subject, caller.IsAuthenticated ? caller.Name : null, caller.Role, caller.ServiceId, field,
                (JsonObject)arguments.DeepClone(), clientAddress, traceId);
            try
            {
                await AuditLog.WriteAsync(db, entry, outcome, code, ct);
            }
            catch (Exception ex) when (Storage.DatabaseOutage.Is(ex))
            {
                logger.LogWarning("Audit row for refused {Operation} ({Outcome} {Code}) not written, the database is unavailable; caller {Subject} " +
                    "from {Address}, trace {TraceId}, arguments {Arguments}", field, outcome, code, caller.Subject, clientAddress, traceId, arguments.ToJsonString());
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogCritical(ex, "Audit row for refused {Operation} ({Outcome} {Code}) could not be written; caller {Subject} from {Address}, trace {TraceId}",
                    field, outcome, code, caller.Subject, clientAddress, traceId);
            }
        }
    }

    /// <summary>The root fields of the request's operation when it is a mutation; empty when it is not or does not parse.</summary>
    internal static List<string> MutationFields(GraphQLRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            return [];
        }

        GraphQLDocument document;
        try
        {
            document = Parser.Parse(request.Query, new ParserOptions { Ignore = IgnoreOptions.All, MaxDepth = 64 });
        }
        catch (Exception ex) when (ex is GraphQLParser.Exceptions.GraphQLParserException)
        {
            // Not a document at all; when it even says "mutation", that attempt is worth its row.
            return request.Query.TrimStart().StartsWith("mutation", StringComparison.Ordinal) ? ["(unparsed mutation)"] : [];
        }

        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = request.OperationName is { } name
            ? operations.FirstOrDefault(o => o.Name?.StringValue == name)
            : operations.Count == 1 ? operations[0] : null;
        if (operation?.Operation != OperationType.Mutation)
        {
            return [];
        }

        return operation.SelectionSet.Selections.OfType<GraphQLField>().Select(f => f.Name.StringValue).Distinct().ToList() is { Count: > 0 } names
            ? names : ["(mutation)"];
    }
}
