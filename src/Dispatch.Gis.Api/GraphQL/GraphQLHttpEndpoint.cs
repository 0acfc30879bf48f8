using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// GraphQL over HTTP (graphql.github.io/graphql-over-http): POST with a JSON body, GET with query parameters
/// for queries only. <c>application/graphql-response+json</c> answers with the spec's status codes;
/// a client that accepts only <c>application/json</c> gets the legacy 200-with-errors behaviour.
/// </summary>
internal sealed class GraphQLHttpEndpoint(GraphQLRequestExecutor executor, IGraphQLTextSerializer serializer, IOptions<GraphQLLimits> limits)
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

        var isGet = HttpMethods.IsGet(http.Request.Method);
        if (!isGet && !HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "GET, POST";
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        GraphQLRequest? request;
        try
        {
            request = isGet ? ReadGetRequest(http.Request) : await ReadPostRequestAsync(http, mediaType, ct);
            if (request is null)
            {
                return;
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(http, mediaType, StatusCodes.Status413PayloadTooLarge,
                GraphQLRequestExecutor.RequestError(ErrorCodes.QueryTooComplex, $"the request body exceeds {limits.Value.MaxRequestBytes} bytes"), ct);
            return;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            await WriteAsync(http, mediaType, StatusCodes.Status400BadRequest,
                GraphQLRequestExecutor.RequestError(ErrorCodes.BadUserInput, $"the request is not a GraphQL request: {ex.Message}"), ct);
            return;
        }
        catch (ArgumentException)
        {
            // GraphQL.NET's reader of variables builds a dictionary: an object that repeats a key throws here.
            await WriteAsync(http, mediaType, StatusCodes.Status400BadRequest,
                GraphQLRequestExecutor.RequestError(ErrorCodes.BadUserInput, "the request is not a GraphQL request: a JSON object repeats a key"), ct);
            return;
        }

        // A token that fails validation must not quietly become an anonymous request.
        if (http.Request.Headers.Authorization.Count > 0 && http.User.Identity?.IsAuthenticated != true)
        {
            await executor.AuditRefusedAsync(request, http.Connection.RemoteIpAddress?.ToString(),
                System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier, ErrorCodes.Unauthenticated);
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteAsync(http, mediaType, StatusCodes.Status401Unauthorized,
                GraphQLRequestExecutor.RequestError(ErrorCodes.Unauthenticated, "the access token is invalid or expired"), ct);
            return;
        }

        var result = await executor.ExecuteAsync(request, isGet ? GraphQLTransport.HttpGet : GraphQLTransport.HttpPost,
            http.RequestServices, http.User, http.Connection.RemoteIpAddress?.ToString(),
            System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier, ct);

        var status = StatusCodes.Status200OK;
        if (result.Errors?.Any(e => DispatchErrorInfoProvider.Classify(e).Code == ErrorCodes.ServiceUnavailable) == true)
        {
            // Whatever else went right, the answer is incomplete for a reason that passes: say so to clients and proxies.
            http.Response.Headers.RetryAfter = Storage.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            status = StatusCodes.Status503ServiceUnavailable;
        }
        else if (result.Errors is { Count: > 0 } errors && errors.All(e => DispatchErrorInfoProvider.Classify(e).Code == ErrorCodes.Unauthenticated))
        {
            // Nothing but "log in first": say so in HTTP too, so clients and proxies start their authentication flow.
            http.Response.Headers.WWWAuthenticate = "Bearer";
            status = StatusCodes.Status401Unauthorized;
        }
        else if (isGet && result.Errors?.Any(e => e is OperationTypeAllowed.Error) == true)
        {
            // The spec's answer to a mutation over GET, whichever media type was negotiated.
            http.Response.Headers.Allow = "POST";
            status = StatusCodes.Status405MethodNotAllowed;
        }
        else if (mediaType == GraphQLResponseJson && !result.Executed)
        {
            status = StatusCodes.Status400BadRequest;
        }

        await WriteAsync(http, mediaType, status, result, ct);
    }

    private async Task<GraphQLRequest?> ReadPostRequestAsync(HttpContext http, string mediaType, CancellationToken ct)
    {
        if (!IsJson(http.Request.ContentType))
        {
            await WriteAsync(http, mediaType, StatusCodes.Status415UnsupportedMediaType,
                GraphQLRequestExecutor.RequestError(ErrorCodes.BadUserInput, "POST requests must have Content-Type: application/json"), ct);
            return null;
        }

        var request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, ct);
        if (request is null)
        {
            throw new JsonException("the body must be a JSON object");
        }

        return request;
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

    private async Task WriteAsync(HttpContext http, string mediaType, int status, ExecutionResult result, CancellationToken ct)
    {
        // Serialised into a bounded buffer first: past the limit nothing has been sent yet, so the caller gets an error
        // instead of a truncated body.
        var maxBytes = limits.Value.MaxResponseBytes;
        await using var buffer = new BoundedBuffer(maxBytes);
        try
        {
            await serializer.WriteAsync(buffer, result, ct);
        }
        catch (Exception ex) when (buffer.Overflowed && (ex is ResponseTooLargeException || ex.InnerException is ResponseTooLargeException))
        {
            buffer.Clear();
            await serializer.WriteAsync(buffer, ResponseSize.TooLarge(result, maxBytes), ct);
            status = mediaType == GraphQLResponseJson ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        http.Response.ContentLength = buffer.Length;
        await buffer.SendToAsync(http.Response.Body, ct);
    }
}

internal static class RequestSizeLimit
{
    /// <summary>Applies the configured body limit to /graphql before the body is read.</summary>
    public static void Apply(HttpContext http, long maxBytes)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }
    }
}
