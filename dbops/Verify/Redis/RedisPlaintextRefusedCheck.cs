using System.Net.Sockets;
using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>
/// Proves the port speaks only TLS: a plaintext PING (without the token) must get no Redis
/// reply. A PONG, or even a NOAUTH error, means Redis is reachable unencrypted.
/// </summary>
public sealed class RedisPlaintextRefusedCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "plaintext-refused";

    /// <summary>A TLS server answers garbage at once; one that stays silent this long has not answered in RESP either.</summary>
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(1);

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        if (!Endpoint.Target.TlsRequired) return CheckResult.Skip("the contract does not require TLS (redis.tlsRequired is false)");
        using var tcp = await TlsClient.ConnectTcpAsync(Endpoint.Host, Endpoint.Target.Port, ct);
        var conn = new RespConnection(tcp.GetStream());
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ReplyWait);
        RespValue reply;
        try
        {
            reply = await conn.CommandAsync(wait.Token, "PING");
        }
        catch (Exception e) when (e is IOException or SocketException or FormatException or EndOfStreamException)
        {
            return CheckResult.Pass($"plaintext PING refused ({Reason(e)})");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CheckResult.Pass($"plaintext PING got no reply within {ReplyWait.TotalSeconds:0} s");
        }
        return CheckResult.Fail($"TLS is not enforced: a plaintext PING was answered with {(reply.IsError ? reply.ErrorCode : reply.ToString())}");
    }

    private static string Reason(Exception e) => e switch
    {
        EndOfStreamException => "connection closed",
        FormatException => "the reply is not RESP",
        _ => e.Message,
    };
}
