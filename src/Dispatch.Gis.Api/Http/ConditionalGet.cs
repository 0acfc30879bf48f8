using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Dispatch.Gis.Http;

/// <summary>
/// ETags and Cache-Control for data that changes at any moment. Every answer may be stored but must be revalidated
/// (<c>no-cache</c>), so a client or proxy never shows a stale map yet pays only a 304 when nothing changed. Tags are
/// weak: the same content goes out as identity, gzip or Brotli bytes, and conditional GET only needs weak comparison.
/// </summary>
internal static class ConditionalGet
{
    public static string WeakTag(ReadOnlySpan<byte> content) => WeakTagOf(SHA256.HashData(content));

    /// <summary>A weak tag from any text that identifies the content (a version, a fingerprint).</summary>
    public static string WeakTag(string identity) => WeakTagOf(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity)));

    private static string WeakTagOf(byte[] hash) =>
        "W/\"" + Convert.ToBase64String(hash, 0, 15).Replace('+', '-').Replace('/', '_') + "\"";

    /// <summary>If-None-Match with the weak comparison function (RFC 9110 §13.1.2): "*" or any listed tag.</summary>
    public static bool Matches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        var ours = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(ours, useStrongComparison: false));
    }

    /// <summary>
    /// The validator and caching rules of a representation that depends on who asks: with a token only the
    /// browser's own cache may keep it (private); without one any cache may, and all must revalidate.
    /// </summary>
    public static void SetHeaders(HttpContext http, string etag)
    {
        var headers = http.Response.Headers;
        headers.ETag = etag;
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = http.Request.Headers.Authorization.Count > 0 ? "private, no-cache" : "public, no-cache";
        }

        headers.Append(HeaderNames.Vary, HeaderNames.Authorization);
    }

    /// <summary>Answers 304 Not Modified when the client holds this tag; the caller then writes nothing.</summary>
    public static bool TryNotModified(HttpContext http, string etag)
    {
        SetHeaders(http, etag);
        if (!Matches(http.Request, etag))
        {
            return false;
        }

        http.Response.StatusCode = StatusCodes.Status304NotModified;
        http.Response.ContentLength = null;
        http.Response.ContentType = null;
        return true;
    }
}
