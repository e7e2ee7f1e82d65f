using System.Net.Sockets;
using Dbops.Verify.Net;

namespace Dbops.Verify.Redis;

/// <summary>Base of the Redis checks: turns connection, TLS and protocol failures into a failed result naming the endpoint.</summary>
public abstract class RedisCheck(RedisEndpoint endpoint) : ICheck
{
    protected RedisEndpoint Endpoint { get; } = endpoint;

    protected abstract string Name { get; }

    public string Id => $"redis.{Endpoint.Role}.{Name}";

    public string Category => Categories.Redis;

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CheckAsync(cancellationToken);
        }
        catch (RedisAuthException e)
        {
            return CheckResult.Fail($"{Endpoint}: {e.Message}{(e.Code == "WRONGPASS" ? " (wrong auth token)" : "")}");
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException or FormatException
                                  && !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail($"cannot talk to {Endpoint}: {TlsClient.Describe(e)}");
        }
    }

    protected abstract Task<CheckResult> CheckAsync(CancellationToken ct);

    protected static Dictionary<string, object?> Data(params (string Key, object? Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value);
}
