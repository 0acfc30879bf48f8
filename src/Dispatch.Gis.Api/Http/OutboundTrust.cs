using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dispatch.Gis.Http;

/// <summary>
/// TLS trust for the service's own outbound calls (partners' webhooks, monitoring feeds). Systems on government and
/// operators' networks often present certificates from a national or in-house certification authority that the
/// operating system's store does not hold; the roots listed in <see cref="HttpOptions.OutboundTrustedRootsFile"/> are
/// trusted in addition to the system's. The host name is always checked, and nothing else is relaxed.
/// </summary>
internal sealed class OutboundTrust
{
    private readonly X509Certificate2Collection _roots;

    private OutboundTrust(X509Certificate2Collection roots) => _roots = roots;

    public int ExtraRoots => _roots.Count;

    /// <summary>The roots of a PEM bundle; a missing file, a file without certificates or a certificate that is not a CA stops the service at start.</summary>
    public static OutboundTrust Load(string? path)
    {
        var roots = new X509Certificate2Collection();
        if (string.IsNullOrWhiteSpace(path))
        {
            return new OutboundTrust(roots);
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{HttpOptions.Section}:OutboundTrustedRootsFile: {path} does not exist");
        }

        roots.ImportFromPemFile(path);
        if (roots.Count == 0)
        {
            throw new InvalidOperationException($"{HttpOptions.Section}:OutboundTrustedRootsFile: {path} holds no PEM certificate");
        }

        foreach (var root in roots)
        {
            if (root.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                throw new InvalidOperationException(
                    $"{HttpOptions.Section}:OutboundTrustedRootsFile: {root.Subject} is not a certification authority; list the roots that issue partners' certificates");
            }
        }

        return new OutboundTrust(roots);
    }

    /// <summary>The handler, validating servers' certificates against the system's roots and the extra ones.</summary>
    public SocketsHttpHandler Apply(SocketsHttpHandler handler)
    {
        if (_roots.Count > 0)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        }

        return handler;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong host name or no certificate at all is never excused by a trusted root. The reason is thrown rather
        // than returned as false, which would reach the caller only as "rejected by the validation callback".
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            throw new AuthenticationException($"the server's certificate is not valid for this host ({errors})");
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        // As the system check does for outbound TLS by default (SslClientAuthenticationOptions.CertificateRevocationCheckMode).
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        if (chain is not null)
        {
            // The intermediates the server sent.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!custom.Build(leaf))
        {
            var statuses = custom.ChainStatus.Select(c => c.Status.ToString()).Distinct();
            throw new AuthenticationException(
                $"the server's certificate chain leads to no trusted root, neither the system's nor OutboundTrustedRootsFile's ({string.Join(", ", statuses)})");
        }

        return true;
    }

    /// <summary>
    /// An outbound call's failure in words for the ledger and the partner's officer: HttpClient's own message says only
    /// "see inner exception" for a failed TLS handshake.
    /// </summary>
    public static string Describe(HttpRequestException ex)
    {
        var innermost = ex.GetBaseException();
        return ex.HttpRequestError == HttpRequestError.SecureConnectionError ? $"TLS handshake failed: {innermost.Message}"
            : ex.Message.Contains(innermost.Message, StringComparison.Ordinal) ? ex.Message
            : $"{ex.Message} ({innermost.Message})";
    }
}
