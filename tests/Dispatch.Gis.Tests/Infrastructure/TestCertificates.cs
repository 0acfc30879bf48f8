using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dispatch.Gis.Tests.Infrastructure;

/// <summary>
/// A certification authority of the test run's own, as a partner's in-house CA would be: the services the tests start
/// trust it through Dispatch:Http:OutboundTrustedRootsFile, and HTTPS receivers present certificates it issued.
/// </summary>
internal static class TestCertificates
{
    private static readonly Lazy<(X509Certificate2 Authority, string PemPath)> Root = new(CreateRoot);

    public static X509Certificate2 Authority => Root.Value.Authority;

    /// <summary>The authority's certificate as a PEM file in the temp directory, for the service's configuration.</summary>
    public static string AuthorityPemPath => Root.Value.PemPath;

    /// <summary>A server certificate for <paramref name="host"/> (a DNS name, or an IP address), issued by the test authority.</summary>
    public static X509Certificate2 Issue(string host) => Server(host, Authority);

    /// <summary>A server certificate for <paramref name="host"/> signed by itself: no configured root leads to it.</summary>
    public static X509Certificate2 SelfSigned(string host) => Server(host, issuer: null);

    private static (X509Certificate2, string) CreateRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Dispatch.Gis test partners' CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));
        var path = Path.Combine(Path.GetTempPath(), $"dispatch-gis-test-ca-{Environment.ProcessId}-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, authority.ExportCertificatePem());
        return (authority, path);
    }

    private static X509Certificate2 Server(string host, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(host, out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var (from, to) = (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, to);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(issuer, from, to, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
