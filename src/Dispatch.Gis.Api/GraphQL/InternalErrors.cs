using GraphQL.Execution;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Every error a caller sees as INTERNAL is a bug, so each is logged at Error with what an operator needs to find it
/// again — operation, field path, trace id — and the trace id goes back to the caller in <c>extensions.traceId</c>.
/// Errors with a code of their own (bad input, conflicts…) are the caller's and are not logged here. A database outage
/// is not a bug either: it is logged at Warning with the same trace id and no stack.
/// </summary>
internal sealed class InternalErrors(ILogger<InternalErrors> logger)
{
    public const string TraceIdKey = "dispatch.traceId";

    public Task HandleAsync(UnhandledExceptionContext context)
    {
        var exception = context.OriginalException;
        var code = DispatchErrorInfoProvider.CodeOf(exception);
        if (code is not (ErrorCodes.Internal or ErrorCodes.ServiceUnavailable))
        {
            return Task.CompletedTask;
        }

        var options = context.ExecutionOptions ?? context.Context?.ExecutionOptions;
        if (exception is OperationCanceledException && options?.CancellationToken.IsCancellationRequested == true)
        {
            return Task.CompletedTask; // the caller went away; nothing is wrong with the service
        }

        var request = (context.FieldContext?.UserContext ?? options?.UserContext) as RequestContext;
        var traceId = request?.TraceId ?? System.Diagnostics.Activity.Current?.TraceId.ToString() ?? "unknown";
        var path = context.FieldContext is { } field ? string.Join('.', field.ResponsePath) : null;
        exception.Data[TraceIdKey] = traceId;
        if (code == ErrorCodes.ServiceUnavailable)
        {
            // Not a bug: one line without the stack, so an outage of many requests reads as an outage in the log.
            logger.LogWarning("Database unavailable for {OperationType} {Operation} at {Path} (trace {TraceId}, caller {Caller}): {Reason}",
                context.FieldContext?.Operation?.Operation.ToString().ToLowerInvariant() ?? "request",
                options?.OperationName ?? context.FieldContext?.Operation?.Name?.StringValue ?? "(anonymous operation)", path ?? "(request)", traceId,
                request?.Caller.Subject ?? "anonymous", Reason(exception));
            return Task.CompletedTask;
        }

        logger.LogError(exception, "Internal error in {Operation} at {Path} (trace {TraceId}, caller {Caller})",
            options?.OperationName ?? context.FieldContext?.Operation?.Name?.StringValue ?? "(anonymous operation)", path ?? "(request)", traceId,
            request?.Caller.Subject ?? "anonymous");
        return Task.CompletedTask;
    }

    /// <summary>The innermost message: "Connection refused", "57P01: terminating connection due to administrator command".</summary>
    internal static string Reason(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null && e is not Npgsql.PostgresException)
        {
            e = e.InnerException;
        }

        return e is Npgsql.PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : e.Message;
    }

    /// <summary>The trace id recorded on the error or any exception inside it.</summary>
    public static string? TraceIdOf(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e.Data[TraceIdKey] is string traceId)
            {
                return traceId;
            }
        }

        return null;
    }
}
