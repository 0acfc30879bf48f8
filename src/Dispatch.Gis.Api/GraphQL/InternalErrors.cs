using GraphQL.Execution;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Every error a caller sees as INTERNAL is a bug, so each is logged at Error with what an operator needs to find it
/// again — operation, field path, trace id — and the trace id goes back to the caller in <c>extensions.traceId</c>.
/// Errors with a code of their own (bad input, conflicts…) are the caller's and are not logged here.
/// </summary>
internal sealed class InternalErrors(ILogger<InternalErrors> logger)
{
    public const string TraceIdKey = "dispatch.traceId";

    public Task HandleAsync(UnhandledExceptionContext context)
    {
        var exception = context.OriginalException;
        if (DispatchErrorInfoProvider.CodeOf(exception) != ErrorCodes.Internal)
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
        logger.LogError(exception, "Internal error in {Operation} at {Path} (trace {TraceId}, caller {Caller})",
            options?.OperationName ?? context.FieldContext?.Operation?.Name?.StringValue ?? "(anonymous operation)", path ?? "(request)", traceId,
            request?.Caller.Subject ?? "anonymous");
        exception.Data[TraceIdKey] = traceId;
        return Task.CompletedTask;
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
