namespace Dbops.Verify.Redis;

/// <summary>
/// Proves the port speaks only TLS: a plaintext PING (without the token) must be refused the
/// way a TLS server refuses a record that is no TLS: the connection closed, or bytes that are
/// no Redis reply. A PONG, or even a NOAUTH error, means Redis is reachable unencrypted; a
/// server that stays silent proves nothing, so it fails too.
/// </summary>
public sealed class RedisPlaintextRefusedCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "plaintext-refused";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        if (!Endpoint.Target.TlsRequired) return CheckResult.Skip("the contract does not require TLS (redis.tlsRequired is false)");
        var answer = await Endpoint.PlaintextAnswerAsync(ct);
        return answer.Kind switch
        {
            PlaintextAnswerKind.Resp => CheckResult.Fail($"TLS is not enforced: a plaintext PING was answered with {answer.Detail}"),
            PlaintextAnswerKind.Silent => CheckResult.Fail(
                $"a plaintext PING got no reply within {RedisPlaintextProbe.ReplyWait.TotalSeconds:0} s and the connection stayed open: a TLS server refuses it at once, so this is not one (is the port right, is the server stalled?)"),
            _ => CheckResult.Pass($"plaintext PING refused ({answer.Detail})"),
        };
    }
}
