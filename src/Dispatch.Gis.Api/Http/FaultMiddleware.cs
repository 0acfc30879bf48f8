using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Http;

/// <summary>
/// The two faults that are nobody's bug, for every endpoint (tiles, OGC, health…; GraphQL answers its own): the database
/// being away is a 503 with Retry-After, and a client that hangs up mid-request is a client abort, not a 500.
/// </summary>
internal sealed class FaultMiddleware(RequestDelegate next, ILogger<FaultMiddleware> logger)
{
    /// <summary>nginx's "client closed request": never sent, but it is what the request log records.</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception ex) when (IsClientAbort(http, ex))
        {
            logger.LogInformation("Client aborted {Method} {Path} ({Reason})", http.Request.Method, http.Request.Path, ex.Message);
            if (!http.Response.HasStarted)
            {
                http.Response.StatusCode = ClientClosedRequest;
            }
        }
        catch (Exception ex) when (DatabaseOutage.Is(ex) && !http.Response.HasStarted)
        {
            logger.LogWarning("Database unavailable for {Method} {Path} (trace {TraceId}): {Reason}", http.Request.Method, http.Request.Path,
                System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier, GraphQL.InternalErrors.Reason(ex));
            http.Response.Clear();
            http.Response.Headers.RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    // Kestrel reports a body cut short as a 400 BadHttpRequestException; the token says the peer is gone either way.
    internal static bool IsClientAbort(HttpContext http, Exception ex) =>
        http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or BadHttpRequestException
        || ex is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } && ex.Message.Contains("Unexpected end of request content", StringComparison.Ordinal);
}
