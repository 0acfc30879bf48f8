using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// GraphQL over HTTP (graphql.github.io/graphql-over-http): POST with a JSON body, GET with query parameters
/// for queries only. <c>application/graphql-response+json</c> answers with the spec's status codes;
/// a client that accepts only <c>application/json</c> gets the legacy 200-with-errors behaviour.
/// </summary>
internal sealed class GraphQLHttpEndpoint(IDocumentExecuter<DispatchSchema> executer, IGraphQLTextSerializer serializer)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var mediaType = NegotiateMediaType(http.Request);
        if (mediaType is null)
        {
            http.Response.StatusCode = StatusCodes.Status406NotAcceptable;
            return;
        }

        GraphQLRequest? request;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!IsJson(http.Request.ContentType))
            {
                await WriteRequestErrorAsync(http, mediaType, StatusCodes.Status415UnsupportedMediaType,
                    "POST requests must have Content-Type: application/json", ct);
                return;
            }

            try
            {
                request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, ct);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException)
            {
                await WriteRequestErrorAsync(http, mediaType, StatusCodes.Status400BadRequest, $"the request body is not a GraphQL request: {ex.Message}", ct);
                return;
            }
        }
        else if (HttpMethods.IsGet(http.Request.Method))
        {
            try
            {
                request = ReadGetRequest(http.Request);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                await WriteRequestErrorAsync(http, mediaType, StatusCodes.Status400BadRequest, $"invalid query parameters: {ex.Message}", ct);
                return;
            }
        }
        else
        {
            http.Response.Headers.Allow = "GET, POST";
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteRequestErrorAsync(http, mediaType, StatusCodes.Status400BadRequest, "the request has no query", ct);
            return;
        }

        var options = new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = ct,
        };
        if (HttpMethods.IsGet(http.Request.Method))
        {
            // Queries only over GET: a GET must never change state (caches, prefetchers, link previews).
            options.ValidationRules = DocumentValidator.CoreRules.Append(OnlyQueriesOverGet.Instance);
        }

        var result = await executer.ExecuteAsync(options);

        var status = StatusCodes.Status200OK;
        if (result.Errors?.Any(e => e is OnlyQueriesOverGet.Error) == true)
        {
            http.Response.Headers.Allow = "POST";
            status = StatusCodes.Status405MethodNotAllowed;
        }
        else if (mediaType == GraphQLResponseJson && !result.Executed)
        {
            status = StatusCodes.Status400BadRequest;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, ct);
    }

    private GraphQLRequest ReadGetRequest(HttpRequest request)
    {
        var query = request.Query;
        return new GraphQLRequest
        {
            Query = query["query"],
            OperationName = query["operationName"] is { Count: > 0 } name && !string.IsNullOrEmpty(name) ? name.ToString() : null,
            Variables = query["variables"] is { Count: > 0 } v && !string.IsNullOrEmpty(v) ? serializer.Deserialize<Inputs>(v.ToString()) : null,
            Extensions = query["extensions"] is { Count: > 0 } e && !string.IsNullOrEmpty(e) ? serializer.Deserialize<Inputs>(e.ToString()) : null,
        };
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the response media type, or null when the client accepts neither.</summary>
    internal static string? NegotiateMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept is null || accept.Count == 0)
        {
            return GraphQLResponseJson;
        }

        foreach (var candidate in accept.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
        {
            var type = candidate.MediaType.Value;
            if (string.Equals(type, GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
            {
                return GraphQLResponseJson;
            }

            if (string.Equals(type, Json, StringComparison.OrdinalIgnoreCase))
            {
                return Json;
            }

            if (type is "*/*" or "application/*")
            {
                return GraphQLResponseJson;
            }
        }

        return null;
    }

    private async Task WriteRequestErrorAsync(HttpContext http, string mediaType, int status, string message, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = ErrorCodes.BadUserInput }] };
        await serializer.WriteAsync(http.Response.Body, result, ct);
    }
}

/// <summary>Rejects mutations and subscriptions sent with GET.</summary>
internal sealed class OnlyQueriesOverGet : global::GraphQL.Validation.ValidationRuleBase
{
    public static readonly OnlyQueriesOverGet Instance = new();

    public override ValueTask<global::GraphQL.Validation.INodeVisitor?> GetPreNodeVisitorAsync(global::GraphQL.Validation.ValidationContext context)
    {
        var operation = context.Operation;
        if (operation.Operation != OperationType.Query)
        {
            context.ReportError(new Error(context.Document.Source, operation));
        }

        return default;
    }

    internal sealed class Error(GraphQLParser.ROM source, GraphQLOperationDefinition operation)
        : global::GraphQL.Validation.ValidationError(source, ErrorCodes.BadUserInput,
            $"{operation.Operation.ToString().ToLowerInvariant()} operations must be sent with POST, not GET", operation)
    {
    }
}
