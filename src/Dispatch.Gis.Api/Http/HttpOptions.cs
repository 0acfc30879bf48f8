namespace Dispatch.Gis.Http;

/// <summary>Section "Dispatch:Http": what browsers on other origins may do, and response compression.</summary>
internal sealed class HttpOptions
{
    public const string Section = "Dispatch:Http";

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may call the API from a browser. Empty: no cross-origin access.
    /// "*" allows any origin, and then never with credentials (the CORS standard forbids the combination).
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>
    /// Send Access-Control-Allow-Credentials. The API authenticates with bearer tokens, which a page sends
    /// explicitly, so this is needed only by a front end that relies on cookies or TLS client certificates.
    /// </summary>
    public bool CorsAllowCredentials { get; set; }

    /// <summary>How long a browser may reuse a preflight answer.</summary>
    public TimeSpan CorsMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Brotli and gzip for responses whose type compresses (JSON, GeoJSON, MVT, HTML, JS, CSS).</summary>
    public bool Compression { get; set; } = true;

    /// <summary>
    /// A PEM bundle of certification authorities trusted, besides the operating system's, for the service's own HTTPS
    /// calls (partners' webhooks, monitoring feeds): for partners whose certificates come from a national or in-house CA.
    /// </summary>
    public string? OutboundTrustedRootsFile { get; set; }
}
