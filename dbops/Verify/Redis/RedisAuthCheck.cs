namespace Dbops.Verify.Redis;

/// <summary>A connection without the token is refused (NOAUTH), and the contract's token is accepted.</summary>
public sealed class RedisAuthCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "auth";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        try
        {
            // StackExchange.Redis's handshake (HELLO or CLIENT, then ECHO) is the first command that needs the token.
            await using var anonymous = await Endpoint.ConnectOwnAsync(token: null, ct);
            var reply = await anonymous.GetServer(Endpoint.Host, Endpoint.Target.Port).ExecuteAsync("PING");
            return CheckResult.Fail($"AUTH is not enforced: PING was answered without a token ({reply})");
        }
        catch (RedisAuthException e) when (e.Code == "NOAUTH")
        {
            // As expected; now the token.
        }
        catch (RedisAuthException e)
        {
            return CheckResult.Fail($"unexpected reply to a connection without a token: {e.Code}");
        }
        await Endpoint.ServerAsync(ct);
        return CheckResult.Pass("a connection without a token refused (NOAUTH); the contract's token accepted");
    }
}
