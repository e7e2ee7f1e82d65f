using Dbops.Output;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dbops.Verify.Net;

/// <summary>What a finished TLS handshake negotiated, for reports.</summary>
public sealed record TlsSessionInfo(string Protocol, string Cipher, string Subject, string Trust);

/// <summary>
/// The TLS probe of the <c>tls</c> checks: a TCP connection and a TLS handshake, nothing of the
/// store's protocol. It stays beside the drivers because neither StackExchange.Redis nor
/// MongoDB.Driver tells which protocol version and cipher suite a connection negotiated, which
/// the reports show; the drivers' own connections are checked against the same
/// <see cref="CertificateTrust"/>.
/// </summary>
public sealed class TlsClient(CertificateTrust trust)
{
    public CertificateTrust Trust => trust;

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
        var started = RunTimings.Begin();
        var tcp = await ConnectTcpAsync(host, port, ct);
        string? rejected = null;
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
        {
            rejected = trust.Judge(certificate, chain, errors);
            return rejected is null;
        });
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
        RunTimings.End(started, $"tls probe {host}:{port}");
        return (ssl, new TlsSessionInfo(ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString(), subject, trust.Trust));
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
