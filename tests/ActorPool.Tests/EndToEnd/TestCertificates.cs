using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// Certificates for a TLS test, made at test time in a temporary folder that disposing deletes: a CA the nodes trust,
/// and member certificates (.pfx, certificate and private key) issued by that CA or by another. Keys are ECDSA P-256:
/// quick to make, and what a modern CA issues.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    /// <summary>The password of every .pfx made here.</summary>
    public const string Password = "actorpool-test";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("actorpool-tls-");

    /// <summary>The folder every file is written to.</summary>
    public string Folder => _folder.FullName;

    /// <summary>
    /// Makes a CA, writes its certificate as <c>NAME.pem</c> (what <c>SSL_CERT_FILE</c> points at) and returns it with
    /// its private key, to issue member certificates with <see cref="IssueMember"/>.
    /// </summary>
    public X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(PathOf($"{name}.pem"), authority.ExportCertificatePem());
        return authority;
    }

    /// <summary>
    /// Issues a member certificate from <paramref name="authority"/> and writes it with its private key as
    /// <c>NAME.pfx</c>; returns the file's path. A member both accepts connections and dials them, so the certificate
    /// is valid for serverAuth and clientAuth, and names 127.0.0.1, where the test's nodes listen.
    /// </summary>
    public string IssueMember(string name, X509Certificate2 authority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = PathOf($"{name}.pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    /// <summary>
    /// The environment of a process that trusts the CA <paramref name="authorityName"/> made here and no other root:
    /// on Linux, .NET takes the trusted roots from OpenSSL's <c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c>, here that
    /// CA's PEM and an empty folder. The machine's own roots then play no part in the test.
    /// </summary>
    public IReadOnlyDictionary<string, string> TrustOnly(string authorityName)
    {
        var noOtherRoots = Directory.CreateDirectory(PathOf("no-other-roots")).FullName;
        return new Dictionary<string, string> { ["SSL_CERT_FILE"] = PathOf($"{authorityName}.pem"), ["SSL_CERT_DIR"] = noOtherRoots };
    }

    /// <summary>A path in <see cref="Folder"/>.</summary>
    public string PathOf(string file) => Path.Combine(Folder, file);

    /// <summary>Deletes the folder and everything in it. Never throws.</summary>
    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still open by a process that is being killed; the temporary folder is the system's to clean.
        }
    }
}
