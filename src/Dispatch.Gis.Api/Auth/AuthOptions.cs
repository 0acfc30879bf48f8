namespace Dispatch.Gis.Auth;

/// <summary>Section "Dispatch:Auth". Either Authority (OpenID Connect, production) or SigningKey (local use).</summary>
internal sealed class AuthOptions
{
    public const string Section = "Dispatch:Auth";

    /// <summary>Committed in appsettings.Development.json for local use only; refused in any other environment.</summary>
    public const string DevelopmentSigningKey = "dispatch-gis-development-signing-key-not-for-production-use";

    /// <summary>OpenID Connect authority whose signing keys validate tokens (e.g. a Keycloak realm URL).</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "dispatch-gis";

    /// <summary>Issuer of locally signed tokens (ignored with an Authority, which states its own).</summary>
    public string Issuer { get; set; } = "dispatch-gis-local";

    /// <summary>HMAC-SHA256 key for locally signed tokens, at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Let requests without a token read (as a nationwide viewer). Mutations always need a token.</summary>
    public bool AllowAnonymousRead { get; set; }

    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Mutations one identity may make per minute (token bucket, bursts up to the same number).</summary>
    public int MutationsPerMinute { get; set; } = 600;

    /// <summary>Subscriptions one identity may hold open at once on one instance.</summary>
    public int MaxSubscriptionsPerIdentity { get; set; } = 50;
}
