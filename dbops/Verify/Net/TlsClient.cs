using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dbops.Verify.Net;

/// <summary>What a finished TLS handshake negotiated, for reports.</summary>
public sealed record TlsSessionInfo(string Protocol, string Cipher, string Subject, string Trust);

/// <summary>
/// Opens TCP connections, with or without TLS, for the protocols the verifier speaks itself
/// (Redis, DocumentDB). The server's certificate is checked like libpq's verify-full: it must
/// chain to the CA bundle when one is given (else the system's roots) and name the host.
/// </summary>
public sealed class TlsClient(string? caBundlePath)
{
    private readonly X509Certificate2Collection? roots = caBundlePath is null ? null : LoadBundle(caBundlePath);

    public string Trust => roots is null ? "verify-full, system trust store" : "verify-full, --ca-bundle";

    public static async Task<TcpClient> ConnectTcpAsync(string host, int port, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, ct);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Connects and completes the TLS handshake; the stream owns the TCP connection.</summary>
    public async Task<(SslStream Stream, TlsSessionInfo Info)> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var tcp = await ConnectTcpAsync(host, port, ct);
        string? rejected = null;
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false,
            (sender, certificate, chain, errors) => Validate(certificate, chain, errors, out rejected));
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, ct);
        }
        catch (AuthenticationException e) when (rejected is not null)
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw new AuthenticationException($"the server's certificate was rejected: {rejected}", e);
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }
        var subject = ssl.RemoteCertificate?.Subject ?? "";
        return (ssl, new TlsSessionInfo(ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString(), subject, Trust));
    }

    private bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string? rejected)
    {
        rejected = null;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            rejected = "the server sent no certificate";
            return false;
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            rejected = $"it does not name the host ({certificate.Subject})";
            return false;
        }
        if (roots is null)
        {
            if (errors == SslPolicyErrors.None) return true;
            rejected = $"it does not chain to a CA in the system trust store ({ChainStatus(chain)})";
            return false;
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
        if (custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()))) return true;
        rejected = $"it does not chain to a CA in --ca-bundle ({ChainStatus(custom)})";
        return false;
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

    /// <summary>One line for a failed connection or handshake, naming what to do about a certificate problem.</summary>
    public static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return e switch
        {
            AuthenticationException { InnerException: AuthenticationException } => $"TLS handshake failed: {e.Message}",
            AuthenticationException => $"TLS handshake failed: {e.Message}{(inner != e ? $" ({inner.Message})" : "")} (is the server's CA in --ca-bundle, and does its certificate name the host?)",
            SocketException s => $"{s.Message} ({s.SocketErrorCode})",
            IOException => $"connection lost: {e.Message}{(inner != e ? $" ({inner.Message})" : "")}",
            _ => e.Message,
        };
    }
}
