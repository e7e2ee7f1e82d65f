using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>Base of the Redis checks: a refused token gets its own message.</summary>
public abstract class RedisCheck(RedisEndpoint endpoint) : NetworkCheck<RedisEndpoint>(endpoint)
{
    protected override string Store => "redis";

    public override string Category => Categories.Redis;

    protected override CheckResult? Explain(Exception e) =>
        e is RedisAuthException auth
            ? CheckResult.Fail($"{Endpoint}: {auth.Message}{(auth.Code == "WRONGPASS" ? " (wrong auth token)" : "")}")
            : null;
}
