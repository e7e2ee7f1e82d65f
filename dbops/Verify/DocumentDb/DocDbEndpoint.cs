using Dbops.Contract;
using Dbops.Verify.Net;

namespace Dbops.Verify.DocumentDb;

/// <summary>What <c>hello</c> (or the older <c>isMaster</c>) says about the member the endpoint reaches.</summary>
public sealed record HelloReply(bool WritablePrimary, bool Secondary, string? SetName, string[] Hosts, string? Me)
{
    public static HelloReply From(List<KeyValuePair<string, object?>> doc) => new(
        WritablePrimary: doc.Get("isWritablePrimary") as bool? ?? doc.Get("ismaster") as bool? ?? false,
        Secondary: doc.Get("secondary") as bool? ?? false,
        SetName: doc.Get("setName") as string,
        Hosts: (doc.Get("hosts") as object?[] ?? []).OfType<string>().ToArray(),
        Me: doc.Get("me") as string);
}

/// <summary>One DocumentDB endpoint of the contract (the cluster endpoint, or the reader endpoint).</summary>
public sealed class DocDbEndpoint(DocumentDbTarget target, string role, string host, TlsClient tls) : INetworkEndpoint
{
    public DocumentDbTarget Target => target;
    public string Role => role;
    public string Host => host;
    public TlsClient Tls => tls;

    private static int nextRequestId;

    /// <summary>
    /// Sends <c>hello</c> and reads the reply, on a connection of its own. Servers that
    /// predate <c>hello</c> answer "no such command"; then <c>isMaster</c> is asked instead.
    /// </summary>
    public async Task<HelloReply> HelloAsync(CancellationToken ct)
    {
        Stream stream;
        IDisposable? owner = null;
        if (target.TlsRequired)
        {
            (stream, _) = await tls.ConnectAsync(host, target.Port, ct);
        }
        else
        {
            var tcp = await TlsClient.ConnectTcpAsync(host, target.Port, ct);
            (stream, owner) = (tcp.GetStream(), tcp);
        }
        await using (stream)
        using (owner)
        {
            var reply = await CommandAsync(stream, "hello", ct);
            if (IsOk(reply)) return HelloReply.From(reply);
            var legacy = await CommandAsync(stream, "isMaster", ct);
            if (IsOk(legacy)) return HelloReply.From(legacy);
            throw new IOException($"hello and isMaster both refused: {legacy.Get("errmsg") ?? reply.Get("errmsg")}");
        }
    }

    private static async Task<List<KeyValuePair<string, object?>>> CommandAsync(Stream stream, string command, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref nextRequestId);
        var body = Bson.Write([new(command, 1), new("$db", "admin")]);
        await stream.WriteAsync(OpMsg.Encode(id, 0, body), ct);
        await stream.FlushAsync(ct);
        var reply = await OpMsg.ReadAsync(stream, ct);
        if (reply.ResponseTo != id) throw new FormatException($"reply to request {reply.ResponseTo}, expected {id}");
        return reply.Body;
    }

    private static bool IsOk(List<KeyValuePair<string, object?>> reply) => reply.Get("ok") switch
    {
        double d => d == 1,
        int i => i == 1,
        long l => l == 1,
        bool b => b,
        _ => false,
    };

    public override string ToString() => $"{role} {host}:{target.Port}";
}
