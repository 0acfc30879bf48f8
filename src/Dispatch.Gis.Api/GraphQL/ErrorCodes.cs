namespace Dispatch.Gis.GraphQL;

/// <summary>The stable values of <c>extensions.code</c>; clients switch on these (DESIGN §4).</summary>
internal static class ErrorCodes
{
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string InvalidGeometry = "INVALID_GEOMETRY";
    public const string UnknownCrs = "UNKNOWN_CRS";
    public const string NotFound = "NOT_FOUND";
    public const string Conflict = "CONFLICT";
    public const string Forbidden = "FORBIDDEN";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string QueryTooComplex = "QUERY_TOO_COMPLEX";
    public const string RateLimited = "RATE_LIMITED";
    public const string ParseFailed = "GRAPHQL_PARSE_FAILED";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
    /// <summary>The database is unreachable; over HTTP a 503 with Retry-After. Retry the same request later.</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string Internal = "INTERNAL";
}

/// <summary>
/// An error the caller can act on. Thrown anywhere below a resolver (even inside scalar parsing);
/// the error info provider finds it in the exception chain and reports its code and message.
/// </summary>
internal class DispatchException(string code, string message, string? argument = null) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>The argument or input field at fault, so a form can highlight it.</summary>
    public string? Argument { get; } = argument;

    /// <summary>True when sending the same request again may succeed (a conflict with a concurrent change).</summary>
    public virtual bool Retryable => false;
}

/// <summary>The state the call needs is not the state it found (a stale version, a forbidden transition, a race).</summary>
internal sealed class ConflictException(string message, string? argument = null, bool retryable = false)
    : DispatchException(ErrorCodes.Conflict, message, argument)
{
    public override bool Retryable { get; } = retryable;
}

internal sealed class NotFoundException(string message, string? argument = null)
    : DispatchException(ErrorCodes.NotFound, message, argument);

internal sealed class BadUserInputException(string message, string? argument = null)
    : DispatchException(ErrorCodes.BadUserInput, message, argument);

internal sealed class InvalidGeometryException(string message, string? argument = null)
    : DispatchException(ErrorCodes.InvalidGeometry, message, argument);

internal sealed class ForbiddenException(string message, string? argument = null)
    : DispatchException(ErrorCodes.Forbidden, message, argument);

internal sealed class UnauthenticatedException(string message)
    : DispatchException(ErrorCodes.Unauthenticated, message);
