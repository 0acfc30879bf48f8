using Dispatch.Gis.Http;
using Dispatch.Gis.Tests.Infrastructure;
using Xunit;

namespace Dispatch.Gis.Tests.Http;

/// <summary>A bundle of extra roots that cannot do what it says stops the service at start, not at the first webhook.</summary>
public sealed class OutboundTrustTests
{
    [Fact]
    public void A_bundle_of_authorities_loads()
    {
        Assert.Equal(1, OutboundTrust.Load(TestCertificates.AuthorityPemPath).ExtraRoots);
        Assert.Equal(0, OutboundTrust.Load(null).ExtraRoots);
    }

    [Fact]
    public void A_missing_file_an_empty_one_and_a_server_certificate_are_refused()
    {
        var empty = Path.GetTempFileName();
        var leaf = Path.GetTempFileName();
        try
        {
            File.WriteAllText(empty, "not a certificate\n");
            File.WriteAllText(leaf, TestCertificates.Issue("partner.example").ExportCertificatePem());

            Assert.Contains("does not exist", Assert.Throws<InvalidOperationException>(() => OutboundTrust.Load(empty + ".missing")).Message);
            Assert.Contains("holds no PEM certificate", Assert.Throws<InvalidOperationException>(() => OutboundTrust.Load(empty)).Message);
            Assert.Contains("is not a certification authority", Assert.Throws<InvalidOperationException>(() => OutboundTrust.Load(leaf)).Message);
        }
        finally
        {
            File.Delete(empty);
            File.Delete(leaf);
        }
    }
}
