using Dispatch.Gis.Auth;
using Dispatch.Gis.GraphQL;

namespace Dispatch.Gis.Http;

/// <summary>
/// The caller of a plain HTTP data endpoint (tiles, OGC API), under the same rules as the GraphQL lists: the
/// bearer token's role and territories; without a token only when anonymous reading is on.
/// </summary>
internal static class HttpCaller
{
    /// <summary>The caller, or the error answer to send (401 for a bad or missing token, 403 for a role that may not read).</summary>
    public static (Caller? Caller, IResult? Refusal) Reader(HttpContext http, AuthOptions auth)
    {
        if (http.Request.Headers.Authorization.Count > 0 && http.User.Identity?.IsAuthenticated != true)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return (null, Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, "the access token is invalid or expired"));
        }

        var caller = Caller.From(http.User, auth.AllowAnonymousRead);
        try
        {
            caller.RequireRole(AccessRules.Readers, "this endpoint");
            return (caller, null);
        }
        catch (UnauthenticatedException ex)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, ex.Message));
        }
        catch (ForbiddenException ex)
        {
            return (null, Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, ex.Message));
        }
    }

    /// <summary>An error body in the OGC API exception shape ({code, description}), used by every plain endpoint.</summary>
    public static IResult Problem(int status, string code, string description) =>
        Results.Json(new { code, description }, statusCode: status);
}
