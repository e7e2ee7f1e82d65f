using Dbops.Contract;
using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>The token was refused; carries Redis's error code, never the token.</summary>
public sealed class RedisAuthException(string code, string serverMessage) : Exception($"AUTH refused: {serverMessage}")
{
    public string Code => code;
}

/// <summary>One Redis endpoint of the contract (the primary, or the reader endpoint).</summary>
public sealed class RedisEndpoint(RedisTarget target, string role, string host, TlsClient tls) : INetworkEndpoint
{
    public RedisTarget Target => target;
    public string Role => role;
    public string Host => host;
    public TlsClient Tls => tls;

    /// <summary>Connects (over TLS when the contract requires it) and, when asked, authenticates with the token.</summary>
    public async Task<RespConnection> OpenAsync(bool authenticate, CancellationToken ct)
    {
        RespConnection conn;
        if (target.TlsRequired)
        {
            var (stream, _) = await tls.ConnectAsync(host, target.Port, ct);
            conn = new RespConnection(stream);
        }
        else
        {
            var tcp = await TlsClient.ConnectTcpAsync(host, target.Port, ct);
            conn = new RespConnection(tcp.GetStream(), tcp);
        }
        if (!authenticate) return conn;
        try
        {
            var reply = await conn.CommandAsync(ct, "AUTH", target.AuthToken.Reveal());
            if (reply.IsError) throw new RedisAuthException(reply.ErrorCode, reply.Text ?? "");
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public override string ToString() => $"{role} {host}:{target.Port}";
}
