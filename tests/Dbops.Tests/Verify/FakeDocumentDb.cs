using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Dbops.Tests.Verify;

/// <summary>
/// A tiny in-process stand-in for a DocumentDB member that the official driver can talk to:
/// TLS with a throwaway self-signed certificate for 127.0.0.1, the MongoDB wire protocol's
/// OP_QUERY (the driver's connection handshake, answered with OP_REPLY) and OP_MSG (everything
/// after). The driver's own traffic (the handshake with its client metadata, heartbeats,
/// endSessions) gets <see cref="Handshake"/>: a member that supports sessions, so the driver
/// puts an lsid on every command an application sends, and on none of its own (MongoDB's
/// driver sessions specification). The commands with an lsid are the checks': each is answered
/// with the reply the test set and recorded, so tests see what the check sent.
/// </summary>
public sealed class FakeDocumentDb : IAsyncDisposable
{
    private const int OpReply = 1;
    private const int OpQuery = 2004;
    private const int OpMsg = 2013;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 certificate = SelfSigned();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int nextId;

    /// <summary>Reply to a check's command by name; null: answer like a server that does not know it (CommandNotFound, code 59).</summary>
    public Func<string, BsonDocument?> Reply { get; set; } = _ => null;

    /// <summary>What the member tells the driver's handshake and heartbeats (wire version 13: DocumentDB 5.0's).</summary>
    public BsonDocument Handshake { get; set; } = new()
    {
        { "ismaster", true }, { "maxBsonObjectSize", 16 * 1024 * 1024 }, { "maxMessageSizeBytes", 48_000_000 },
        { "maxWriteBatchSize", 100_000 }, { "logicalSessionTimeoutMinutes", 30 }, { "minWireVersion", 0 }, { "maxWireVersion", 13 }, { "ok", 1.0 },
    };

    /// <summary>The checks' commands, in the order they arrived.</summary>
    public List<BsonDocument> Received { get; } = [];

    /// <summary>Connections the driver opened (TLS handshake done).</summary>
    public int Connections;

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
                Interlocked.Increment(ref Connections);
                while (!stop.IsCancellationRequested)
                {
                    var header = new byte[16];
                    await ssl.ReadExactlyAsync(header, stop.Token);
                    var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                    var requestId = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
                    var opCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
                    var body = new byte[length - 16];
                    await ssl.ReadExactlyAsync(body, stop.Token);
                    var (command, reply) = opCode switch
                    {
                        OpQuery => (Query(body), OpReply),
                        OpMsg => (Msg(body), OpMsg),
                        _ => throw new IOException($"opcode {opCode} is not one the driver sends"),
                    };
                    await ssl.WriteAsync(Frame(requestId, reply, Answer(command).ToBson()), stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away or refused the certificate: both are normal in these tests.
            }
        }
    }

    private BsonDocument Answer(BsonDocument command)
    {
        if (!command.Contains("lsid")) return Handshake;
        lock (Received) Received.Add(command);
        var name = command.GetElement(0).Name;
        return Reply(name) ?? new BsonDocument { { "ok", 0.0 }, { "errmsg", $"no such command: '{name}'" }, { "code", 59 }, { "codeName", "CommandNotFound" } };
    }

    /// <summary>OP_QUERY: flags, the collection's name (admin.$cmd), skip and return counts, then the command.</summary>
    private static BsonDocument Query(byte[] body)
    {
        var pos = 4;
        while (body[pos] != 0) pos++;
        return Document(body, pos + 1 + 8);
    }

    /// <summary>OP_MSG: flag bits, then sections; the body section (kind 0) is the command, document sequences (kind 1) are folded into it.</summary>
    private static BsonDocument Msg(byte[] body)
    {
        BsonDocument? command = null;
        var pos = 4;
        while (pos < body.Length)
        {
            var kind = body[pos++];
            var size = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(pos));
            if (kind == 0) command = Document(body, pos);
            pos += size;
        }
        return command ?? throw new IOException("OP_MSG without a body section");
    }

    private static BsonDocument Document(byte[] bytes, int offset)
    {
        var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
        return BsonSerializer.Deserialize<BsonDocument>(bytes.AsSpan(offset, size).ToArray());
    }

    private byte[] Frame(int responseTo, int opCode, byte[] document)
    {
        // OP_REPLY: flags, cursor id, starting from, number returned; OP_MSG: flag bits and a kind-0 section.
        var prefix = opCode == OpReply ? 4 + 8 + 4 + 4 : 4 + 1;
        var frame = new byte[16 + prefix + document.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), Interlocked.Increment(ref nextId));
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(12), opCode);
        if (opCode == OpReply) BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(16 + 16), 1);
        document.CopyTo(frame, 16 + prefix);
        return frame;
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
