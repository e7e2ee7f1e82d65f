using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Dbops.Verify.Net;

/// <summary>
/// How the verifier judges a server's certificate, like libpq's verify-full: it must chain to
/// the CA bundle when one is given (else the system's roots) and name the host. One instance
/// serves as the validation callback of the TLS probe, StackExchange.Redis and MongoDB.Driver,
/// so that every connection of a run trusts the same CAs. The drivers only learn that a
/// handshake failed; the reason the certificate was refused is kept per host, for the message.
/// </summary>
public sealed class CertificateTrust(string? caBundlePath)
{
    private readonly X509Certificate2Collection? roots = caBundlePath is null ? null : LoadBundle(caBundlePath);
    private readonly ConcurrentDictionary<string, string> rejections = new(StringComparer.OrdinalIgnoreCase);

    public string Trust => roots is null ? "verify-full, system trust store" : "verify-full, --ca-bundle";

    /// <summary>The callback for a connection to <paramref name="host"/> (the name the handshake must match).</summary>
    public RemoteCertificateValidationCallback CallbackFor(string host) => (_, certificate, chain, errors) =>
    {
        var rejected = Judge(certificate, chain, errors);
        if (rejected is null) return true;
        rejections[host] = rejected;
        return false;
    };

    /// <summary>Why the last certificate <paramref name="host"/> presented was refused, or null if none was.</summary>
    public string? RejectionFor(string host) => rejections.TryGetValue(host, out var r) ? r : null;

    /// <summary>Null when the certificate is trusted; otherwise why not, in words an operator can act on.</summary>
    public string? Judge(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return "the server sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return $"it does not name the host ({certificate.Subject})";
        if (roots is null)
        {
            return errors == SslPolicyErrors.None ? null : $"it does not chain to a CA in the system trust store ({ChainStatus(chain)})";
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        if (custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()))) return null;
        return $"it does not chain to a CA in --ca-bundle ({ChainStatus(custom)})";
    }

    private static string ChainStatus(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "no chain status"
            : string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPemFile(path);
        if (bundle.Count == 0) throw new InvalidDataException($"--ca-bundle {path} holds no PEM certificate");
        return bundle;
    }
}
