using Dbops.Verify.Net;
using StackExchange.Redis;

namespace Dbops.Verify.Redis;

/// <summary>Base of the Redis checks: a refused token, a plaintext server and the driver's failures get messages of their own.</summary>
public abstract class RedisCheck(RedisEndpoint endpoint) : NetworkCheck<RedisEndpoint>(endpoint)
{
    protected override string Store => "redis";

    public override string Category => Categories.Redis;

    protected override CheckResult? Explain(Exception e) => e switch
    {
        RedisAuthException auth => CheckResult.Fail($"{Endpoint}: {auth.Message}{(auth.Code == "WRONGPASS" ? " (wrong auth token)" : "")}"),
        RedisPlaintextException plain => CheckResult.Fail($"{Endpoint}: {plain.Message}"),
        RedisTimeoutException timeout => CheckResult.Fail($"{Endpoint}: no reply in time: {timeout.Message.Split(',')[0]}"),
        RedisConnectionException conn => CheckResult.Fail($"cannot talk to {Endpoint}: {conn.Message}"),
        RedisServerException server => CheckResult.Fail($"{Endpoint}: the server refused a command: {server.Message}"),
        _ => null,
    };
}
