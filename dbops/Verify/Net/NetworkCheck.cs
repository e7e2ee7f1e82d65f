using System.Net.Sockets;

namespace Dbops.Verify.Net;

/// <summary>An endpoint the verifier speaks a store's own protocol to (Redis, DocumentDB).</summary>
public interface INetworkEndpoint
{
    /// <summary>Which endpoint of the contract, e.g. "primary" or "reader"; part of the check's id.</summary>
    string Role { get; }
}

/// <summary>
/// Base of the checks that talk to a store over a socket: names the check
/// <c>&lt;store&gt;.&lt;role&gt;.&lt;name&gt;</c> and turns connection, TLS and protocol failures into a failed
/// result naming the endpoint, so that one check's broken connection never stops the others.
/// </summary>
public abstract class NetworkCheck<TEndpoint>(TEndpoint endpoint) : ICheck where TEndpoint : INetworkEndpoint
{
    protected TEndpoint Endpoint { get; } = endpoint;

    /// <summary>The store's prefix in check ids, e.g. "redis".</summary>
    protected abstract string Store { get; }

    protected abstract string Name { get; }

    public string Id => $"{Store}.{Endpoint.Role}.{Name}";

    public abstract string Category { get; }

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await CheckAsync(cancellationToken);
        }
        catch (Exception e) when (Explain(e) is not null)
        {
            return Explain(e)!;
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException or FormatException
                                  && !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail($"cannot talk to {Endpoint}: {TlsClient.Describe(e)}");
        }
    }

    protected abstract Task<CheckResult> CheckAsync(CancellationToken ct);

    /// <summary>A store-specific failure worth its own message (e.g. a refused password); null for the rest.</summary>
    protected virtual CheckResult? Explain(Exception e) => null;

    protected static Dictionary<string, object?> Data(params (string Key, object? Value)[] items) =>
        items.ToDictionary(i => i.Key, i => i.Value);
}
