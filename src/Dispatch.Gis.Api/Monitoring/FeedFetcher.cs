using System.Net;
using System.Text;
using Microsoft.Extensions.Options;

namespace Dispatch.Gis.Monitoring;

/// <summary>A fetch that produced no payload: an HTTP error, a timeout, a refused connection, an oversized body.</summary>
internal sealed class FeedFetchException(string message, int? httpStatus = null, long? bytes = null) : Exception(message)
{
    public int? HttpStatus { get; } = httpStatus;
    public long? Bytes { get; } = bytes;
}

internal sealed record FetchedPayload(int HttpStatus, string Text, long Bytes);

/// <summary>
/// Fetches a feed over HTTP(S) within its timeout and the payload limit, with the headers configuration gives it
/// (Dispatch:Monitoring:Feeds:&lt;CODE&gt;:Headers:&lt;name&gt;: credentials stay out of the URL, the database and the audit log).
/// The text is decoded by the response's charset (windows-1251 included), UTF-8 by default.
/// </summary>
internal sealed class FeedFetcher(IHttpClientFactory http, IConfiguration configuration, IOptions<MonitoringOptions> options)
{
    public const string ClientName = "feeds";

    static FeedFetcher() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public async Task<FetchedPayload> FetchAsync(Feed feed, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(feed.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Get, feed.Url);
        foreach (var header in configuration.GetSection($"{MonitoringOptions.Section}:Feeds:{feed.Code}:Headers").GetChildren())
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                throw new FeedFetchException($"HTTP {status} {response.ReasonPhrase}".TrimEnd(), status);
            }

            var limit = options.Value.MaxPayloadBytes;
            if (response.Content.Headers.ContentLength is { } declared && declared > limit)
            {
                throw new FeedFetchException($"the payload of {declared} bytes is over the limit of {limit}", status, declared);
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new FeedFetchException($"the payload is over the limit of {limit} bytes", status, buffer.Length + read);
                }

                buffer.Write(chunk, 0, read);
            }

            var encoding = Encoding.UTF8;
            if (response.Content.Headers.ContentType?.CharSet is { Length: > 0 } charset)
            {
                try
                {
                    encoding = Encoding.GetEncoding(charset.Trim('"'));
                }
                catch (ArgumentException)
                {
                    throw new FeedFetchException($"unknown charset \"{charset}\"", status, buffer.Length);
                }
            }

            return new FetchedPayload(status, encoding.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), buffer.Length);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FeedFetchException($"no answer within {feed.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            throw new FeedFetchException($"the request failed: {Http.OutboundTrust.Describe(ex)}", ex.StatusCode is HttpStatusCode code ? (int)code : null);
        }
    }
}
