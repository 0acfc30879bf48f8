using System.Security.Claims;
using Dispatch.Gis.Auth;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.GraphQL;

internal enum GraphQLTransport
{
    HttpGet,
    HttpPost,
    WebSocket,
}

/// <summary>The one path every transport runs a request through: size limit, transport rules, timeout.</summary>
internal sealed class GraphQLRequestExecutor(IDocumentExecuter<DispatchSchema> executer, IOptions<GraphQLLimits> limits, IOptions<AuthOptions> auth,
    InternalErrors internalErrors, RefusedMutations refused, Storage.ReadRouting reads)
{
    public async Task<ExecutionResult> ExecuteAsync(GraphQLRequest request, GraphQLTransport transport, IServiceProvider services,
        ClaimsPrincipal? user, string? clientAddress, string traceId, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await RunAsync(request, transport, services, user, clientAddress, traceId, ct);
        Hosting.DispatchMetrics.Request(OperationLabel(result), result.Errors is { Count: > 0 } errors ? DispatchErrorInfoProvider.Classify(errors[0]).Code : "ok",
            System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <summary>"mutation reportPositions": the type and first root field, both from the schema once the document was valid.</summary>
    private static string OperationLabel(ExecutionResult result) =>
        !result.Executed || result.Operation is not { } operation ? "(not executed)"
            : operation.SelectionSet.Selections.OfType<GraphQLField>().FirstOrDefault() is { } field
                ? $"{operation.Operation.ToString().ToLowerInvariant()} {field.Name.StringValue}"
                : operation.Operation.ToString().ToLowerInvariant();

    private async Task<ExecutionResult> RunAsync(GraphQLRequest request, GraphQLTransport transport, IServiceProvider services,
        ClaimsPrincipal? user, string? clientAddress, string traceId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            return RequestError(ErrorCodes.BadUserInput, "the request has no query");
        }

        if (request.Query.Length > limits.Value.MaxDocumentLength)
        {
            return RequestError(ErrorCodes.QueryTooComplex,
                $"the query document has {request.Query.Length} characters; the limit is {limits.Value.MaxDocumentLength}");
        }

        var caller = Caller.From(user, auth.Value.AllowAnonymousRead);
        if (ControlCharacters.FindInVariables(request.Variables) is { } path)
        {
            var bad = new BadUserInputException($"{path} holds a control character or a broken surrogate; text may hold tabs and line breaks only", path);
            await refused.AuditAsync(request, caller, clientAddress, traceId, ErrorCodes.BadUserInput, CancellationToken.None);
            return new ExecutionResult { Executed = false, Errors = [new ExecutionError(bad.Message, bad) { Code = ErrorCodes.BadUserInput }] };
        }

        var rules = DocumentValidator.CoreRules.Append(new OperationTypeAllowed(transport)).Append(ControlCharacters.Instance).Append(VariableArguments.Instance);
        if (limits.Value.Introspection == IntrospectionAccess.Off)
        {
            rules = rules.Append(IntrospectionGate.Closed);
        }
        else if (limits.Value.Introspection == IntrospectionAccess.Authenticated && !caller.IsAuthenticated)
        {
            rules = rules.Append(IntrospectionGate.LogInFirst);
        }

        var context = new RequestContext
        {
            Caller = caller,
            ClientAddress = clientAddress,
            TraceId = traceId,
            Loaders = services.GetService(typeof(RequestLoaders)) as RequestLoaders,
        };
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            User = user,
            UserContext = context,
            CancellationToken = ct,
            Timeout = limits.Value.ExecutionTimeout,
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
            ValidationRules = rules,
            UnhandledExceptionDelegate = internalErrors.HandleAsync,
            MaxParallelExecutionCount = limits.Value.MaxParallelResolvers,
        });
        VariableArguments.NameArguments(result, context);
        if (result.Executed && result.Operation?.Operation == OperationType.Mutation)
        {
            reads.Wrote(caller);
        }

        if (!result.Executed && result.Errors is { Count: > 0 } errors)
        {
            await refused.AuditAsync(request, caller, clientAddress, traceId, DispatchErrorInfoProvider.Classify(errors[0]).Code, CancellationToken.None);
        }

        return result;
    }

    /// <summary>A request refused before it could run (a token that fails validation): audited when it is a mutation.</summary>
    public Task AuditRefusedAsync(GraphQLRequest request, string? clientAddress, string traceId, string code) =>
        refused.AuditAsync(request, Caller.Anonymous(publicRead: false), clientAddress, traceId, code, CancellationToken.None);

    public static ExecutionResult RequestError(string code, string message) =>
        new() { Executed = false, Errors = [new ExecutionError(message) { Code = code }] };
}

/// <summary>
/// GET carries queries only (a GET must never change state: caches, prefetchers, link previews);
/// subscriptions need a stream, so they run over the WebSocket only.
/// </summary>
internal sealed class OperationTypeAllowed(GraphQLTransport transport) : ValidationRuleBase
{
    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        var operation = context.Operation;
        var allowed = transport switch
        {
            GraphQLTransport.HttpGet => operation.Operation == OperationType.Query,
            GraphQLTransport.HttpPost => operation.Operation != OperationType.Subscription,
            _ => true,
        };
        if (!allowed)
        {
            context.ReportError(new Error(context.Document.Source, operation, transport));
        }

        return default;
    }

    internal sealed class Error(GraphQLParser.ROM source, GraphQLOperationDefinition operation, GraphQLTransport transport)
        : ValidationError(source, ErrorCodes.BadUserInput, Describe(operation, transport), operation)
    {
        public GraphQLTransport Transport { get; } = transport;

        private static string Describe(GraphQLOperationDefinition operation, GraphQLTransport transport) =>
            transport == GraphQLTransport.HttpGet
                ? $"{operation.Operation.ToString().ToLowerInvariant()} operations must be sent with POST, not GET"
                : "subscriptions run over the WebSocket (graphql-transport-ws) on this same path";
    }
}
