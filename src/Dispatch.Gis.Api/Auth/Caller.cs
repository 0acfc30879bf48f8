using System.Security.Claims;
using Dispatch.Gis.GraphQL;
using Dispatch.Gis.Storage;

namespace Dispatch.Gis.Auth;

internal enum Role
{
    /// <summary>112 duty officer: everything in its territories.</summary>
    DutyOfficer112,

    /// <summary>A partner service's duty officer: reads its profile and territory, writes its own units and reports.</summary>
    PartnerOfficer,

    /// <summary>Read-only map data within its territories.</summary>
    Viewer,

    /// <summary>Machine account: positions and monitoring data for named sources or units only.</summary>
    Ingest,

    /// <summary>Reference data and configuration.</summary>
    Admin,
}

/// <summary>Who is calling, as the token says. Built once per request or WebSocket connection.</summary>
internal sealed record Caller(string? Subject, string Name, Role? Role, string? ServiceId, TerritoryScope Scope, IReadOnlySet<string> Sources)
{
    public const string RoleClaim = "role";
    public const string ServiceClaim = "service";
    public const string TerritoriesClaim = "territories";
    public const string SourcesClaim = "sources";

    public bool IsAuthenticated => Subject is not null;

    /// <summary>The identity rate limits and quotas count against.</summary>
    public string QuotaKey => Subject ?? "anonymous";

    public static Caller Anonymous(bool publicRead) => publicRead
        ? new Caller(null, "anonymous", Auth.Role.Viewer, null, TerritoryScope.All, new HashSet<string>())
        : new Caller(null, "anonymous", null, null, TerritoryScope.None, new HashSet<string>());

    public static Caller From(ClaimsPrincipal? principal, bool publicRead)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return Anonymous(publicRead);
        }

        var subject = principal.FindFirst("sub")?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown";
        var roleText = principal.FindFirst(RoleClaim)?.Value;
        Role? role = null;
        if (roleText is not null && Enum.TryParse<Role>(roleText.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            && DbEnum.Text(parsed) == roleText)
        {
            role = parsed;
        }

        return new Caller(
            subject,
            principal.FindFirst("name")?.Value ?? subject,
            role,
            principal.FindFirst(ServiceClaim)?.Value,
            TerritoryScope.Parse(principal.FindAll(TerritoriesClaim).SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))),
            principal.FindAll(SourcesClaim).SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Throws UNAUTHENTICATED without a usable identity — also for an anonymous reader asking for more than anonymous
    /// reading allows, so a client can tell "log in" from "you may not" — and FORBIDDEN when the token's role is not
    /// among those allowed.
    /// </summary>
    public void RequireRole(IReadOnlyCollection<Role> allowed, string operation)
    {
        if (Role is null || (!IsAuthenticated && !allowed.Contains(Role.Value)))
        {
            throw new UnauthenticatedException(IsAuthenticated
                ? "the token carries no known role"
                : $"{operation} needs an access token (Authorization: Bearer …)");
        }

        if (!allowed.Contains(Role.Value))
        {
            throw new ForbiddenException($"{DbEnum.Text(Role.Value)} may not use {operation}");
        }
    }

    /// <summary>FORBIDDEN outside the token's territories; a place outside every territory is for nationwide tokens only.</summary>
    public void RequireTerritory(string? kato, string argument)
    {
        if (!Scope.Covers(kato))
        {
            throw new ForbiddenException(kato is null
                ? "the place lies outside every territory: nationwide tokens only"
                : $"territory {kato} is outside this token's territories", argument);
        }
    }
}

/// <summary>
/// The territories a token covers: KATO codes, where a region covers its districts (a district's region is its
/// first two digits followed by seven zeros, which holds for every unit of the 2024 reference set); "*" is all.
/// </summary>
internal sealed record TerritoryScope(bool IsAll, IReadOnlySet<string> Katos)
{
    public static readonly TerritoryScope All = new(true, new HashSet<string>());
    public static readonly TerritoryScope None = new(false, new HashSet<string>());

    public static TerritoryScope Parse(IEnumerable<string> codes)
    {
        var katos = new HashSet<string>(StringComparer.Ordinal);
        foreach (var code in codes)
        {
            if (code == "*")
            {
                return All;
            }

            if (code.Length == 9 && code.All(char.IsAsciiDigit))
            {
                katos.Add(code);
            }
        }

        return new TerritoryScope(false, katos);
    }

    public static string RegionOf(string kato) => kato.Length == 9 ? kato[..2] + "0000000" : kato;

    public bool Covers(string? kato) =>
        IsAll || (kato is not null && (Katos.Contains(kato) || Katos.Contains(RegionOf(kato))));

    /// <summary>The codes for SQL: null means no restriction.</summary>
    public IReadOnlyCollection<string>? SqlCodes => IsAll ? null : Katos;
}
