using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQL.Validation.Errors;
using GraphQL.Validation.Errors.Custom;
using GraphQLParser.Exceptions;

namespace Dispatch.Gis.GraphQL;

/// <summary>
/// Gives every error one stable <c>extensions.code</c> from <see cref="ErrorCodes"/>. In Development GraphQL.NET's own,
/// finer code (e.g. FIELDS_ON_CORRECT_TYPE) is added as <c>extensions.detail</c> and exception details are shown;
/// elsewhere neither, since both describe the implementation to whoever probes it. Field suggestions ("Did you mean
/// …?") are removed from messages unless <paramref name="suggestFields"/>: they map the schema for a caller who may
/// not read it.
/// </summary>
internal sealed partial class DispatchErrorInfoProvider(bool exposeExceptionDetails, bool suggestFields = true) : ErrorInfoProvider(new ErrorInfoProviderOptions
{
    ExposeExceptionDetails = exposeExceptionDetails,
    ExposeCode = false,
    ExposeCodes = false,
    ExposeData = false,
})
{
    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        var extensions = info.Extensions ?? new Dictionary<string, object?>();
        var (code, message, argument) = Classify(executionError);
        extensions["code"] = code;
        if (argument is not null)
        {
            extensions["argument"] = argument;
        }

        if (Find<DispatchException>(executionError) is { Retryable: true } || code == ErrorCodes.ServiceUnavailable)
        {
            extensions["retryable"] = true;
        }

        // Set where an internal error is logged (see InternalErrors), so an operator finds the log entry by it.
        if (code is ErrorCodes.Internal or ErrorCodes.ServiceUnavailable && InternalErrors.TraceIdOf(executionError) is { } traceId)
        {
            extensions["traceId"] = traceId;
        }

        if (exposeExceptionDetails && executionError.Code is { } detail && detail != code)
        {
            extensions["detail"] = detail;
        }

        info.Message = suggestFields ? message : Suggestion().Replace(message, "");
        info.Extensions = extensions;
        return info;
    }

    // GraphQL.NET ends most suggestions with "?", but not the one for an unknown argument ("… Did you mean 'kato'").
    [System.Text.RegularExpressions.GeneratedRegex(@"\s*Did you mean [^?]*(\?|$)")]
    private static partial System.Text.RegularExpressions.Regex Suggestion();

    internal static (string Code, string Message, string? Argument) Classify(ExecutionError error)
    {
        if (Find<DispatchException>(error) is { } known)
        {
            // An input rejected while a variable or literal is coerced keeps our reason (not GraphQL.NET's "Unable to
            // convert"), names the variable, and names the argument VariableArguments found for it.
            var argument = known.Argument ?? error.Data[VariableArguments.ArgumentKey] as string;
            var message = error switch
            {
                InvalidVariableError => VariableArguments.VariableMessage(error, known.Message),
                _ => known.Message,
            };
            return (known.Code, message, argument);
        }

        return error switch
        {
            SyntaxError or { InnerException: GraphQLSyntaxErrorException } => (ErrorCodes.ParseFailed, error.Message, null),
            // A document nested past the parser's depth limit (30,000 brackets in an argument) does not parse.
            { InnerException: GraphQLMaxDepthExceededException } => (ErrorCodes.ParseFailed, "the document is nested too deeply to parse", null),
            ControlCharacters.Error refused => (ErrorCodes.BadUserInput, error.Message, refused.Argument),
            IntrospectionGate.Error => (error.Code!, error.Message, null),
            ComplexityError or TimeoutError => (ErrorCodes.QueryTooComplex, error.Message, null),
            InvalidVariableError or ArgumentsOfCorrectTypeError or OperationTypeAllowed.Error => (ErrorCodes.BadUserInput, error.Message, null),
            ValidationError => (ErrorCodes.ValidationFailed, error.Message, null),
            UnhandledError when error.InnerException is OperationCanceledException => (ErrorCodes.Internal, "the request was cancelled", null),
            UnhandledError when Storage.DatabaseOutage.Is(error.InnerException) =>
                (ErrorCodes.ServiceUnavailable, "the database is unavailable; retry shortly", null),
            UnhandledError => (ErrorCodes.Internal, "internal error; the service log has the details", null),
            _ when error.Code is { } c && IsStable(c) => (c, error.Message, null),
            // Request-level faults GraphQL.NET reports without a type of their own (no operation, unknown operation name).
            _ => (ErrorCodes.BadUserInput, error.Message, null),
        };
    }

    /// <summary>The code an exception thrown by a resolver ends up with (for the audit log).</summary>
    public static string CodeOf(Exception exception)
    {
        if (Find<DispatchException>(exception) is { } known)
        {
            return known.Code;
        }

        if (Storage.DatabaseOutage.Is(exception))
        {
            return ErrorCodes.ServiceUnavailable;
        }

        return exception is ExecutionError { Code: { } code } && IsStable(code) ? code : ErrorCodes.Internal;
    }

    private static bool IsStable(string code) => typeof(ErrorCodes).GetFields().Any(f => (string?)f.GetValue(null) == code);

    private static T? Find<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
