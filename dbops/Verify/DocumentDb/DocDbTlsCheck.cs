namespace Dbops.Verify.DocumentDb;

/// <summary>The TLS handshake completes with a certificate that chains to the trusted CAs and names the host.</summary>
public sealed class DocDbTlsCheck(DocDbEndpoint endpoint) : DocDbCheck(endpoint)
{
    protected override string Name => "tls";

    protected override async Task<CheckResult> CheckAsync(CancellationToken ct)
    {
        if (!Endpoint.Target.TlsRequired) return CheckResult.Skip("the contract does not require TLS (documentdb.tlsRequired is false)");
        var (stream, info) = await Endpoint.Tls.ConnectAsync(Endpoint.Host, Endpoint.Target.Port, ct);
        await stream.DisposeAsync();
        return CheckResult.Pass($"TLS handshake done ({info.Protocol}, {info.Cipher}); certificate {info.Subject} checked {info.Trust}",
            Data(("protocol", info.Protocol), ("cipher", info.Cipher), ("subject", info.Subject)));
    }
}
