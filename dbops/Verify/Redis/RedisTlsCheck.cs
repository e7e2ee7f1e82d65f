namespace Dbops.Verify.Redis;

/// <summary>The TLS handshake completes with a certificate that chains to the trusted CAs and names the host.</summary>
public sealed class RedisTlsCheck(RedisEndpoint endpoint) : RedisCheck(endpoint)
{
    protected override string Name => "tls";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        if (!Endpoint.Target.TlsRequired) return CheckResult.Skip("the contract does not require TLS (redis.tlsRequired is false)");
        // Guarded: a plaintext server never answers the handshake, and the plaintext PING beside it says why at once.
        var (stream, info) = await Endpoint.GuardAsync(Endpoint.Tls.ConnectAsync(Endpoint.Host, Endpoint.Target.Port, ct), ct);
        await stream.DisposeAsync();
        return CheckResult.Pass($"TLS handshake done ({info.Protocol}, {info.Cipher}); certificate {info.Subject} checked {info.Trust}",
            Data(("protocol", info.Protocol), ("cipher", info.Cipher), ("subject", info.Subject)));
    }
}
