namespace Dbops.Verify.Redis;

/// <summary>Commands without the token are refused (NOAUTH), and the contract's token is accepted.</summary>
public sealed class RedisAuthCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "auth";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        await using (var anonymous = await Endpoint.OpenAsync(authenticate: false, ct))
        {
            var reply = await anonymous.CommandAsync(ct, "PING");
            if (!reply.IsError) return CheckResult.Fail("AUTH is not enforced: PING was answered without a token");
            if (reply.ErrorCode != "NOAUTH") return CheckResult.Fail($"unexpected reply to an unauthenticated PING: {reply.ErrorCode}");
        }
        await using var conn = await Endpoint.OpenAsync(authenticate: true, ct);
        return CheckResult.Pass("unauthenticated PING refused (NOAUTH); the contract's token accepted");
    }
}
