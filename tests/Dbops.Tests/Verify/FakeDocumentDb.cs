using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dbops.Verify.DocumentDb;

namespace Dbops.Tests.Verify;

/// <summary>
/// A tiny in-process stand-in for a DocumentDB member: TLS with a throwaway self-signed
/// certificate for 127.0.0.1, answering each OP_MSG command with the reply the test set.
/// It records the commands it received so tests can check what the client sent.
/// </summary>
public sealed class FakeDocumentDb : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 certificate = SelfSigned();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    /// <summary>Reply for a command name; null: answer like a server that does not know it.</summary>
    public Func<string, List<KeyValuePair<string, object?>>?> Reply { get; set; } = _ => null;

    public List<List<KeyValuePair<string, object?>>> Received { get; } = [];

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public FakeDocumentDb()
    {
        listener.Start();
        loop = AcceptLoopAsync();
    }

    /// <summary>The certificate as PEM, to hand the client as its --ca-bundle.</summary>
    public string WriteCaBundle()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-docdb-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    public static List<KeyValuePair<string, object?>> Doc(params (string Key, object? Value)[] items) =>
        items.Select(i => new KeyValuePair<string, object?>(i.Key, i.Value)).ToList();

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        await using (var ssl = new SslStream(client.GetStream()))
        {
            try
            {
                await ssl.AuthenticateAsServerAsync(certificate);
                while (!stop.IsCancellationRequested)
                {
                    var request = await OpMsg.ReadAsync(ssl, stop.Token);
                    lock (Received) Received.Add(request.Body);
                    var command = request.Body[0].Key;
                    var reply = Reply(command) ?? Doc(("ok", 0.0), ("errmsg", $"no such command: '{command}'"), ("code", 59));
                    await ssl.WriteAsync(OpMsg.Encode(request.RequestId + 1000, request.RequestId, Bson.Write(reply)), stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away or refused the certificate: both are normal in these tests.
            }
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake documentdb", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try { await loop; } catch (OperationCanceledException) { }
        certificate.Dispose();
        stop.Dispose();
    }
}
