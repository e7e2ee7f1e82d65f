using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>The session is encrypted, as the server itself reports in <c>pg_stat_ssl</c>, not only as the driver believes.</summary>
public sealed class PgTlsSessionCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "tls";
    public override string Category => Categories.PostgresTls;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            "select ssl, coalesce(version, ''), coalesce(cipher, '') from pg_stat_ssl where pid = pg_backend_pid()",
            r => (Ssl: r.GetBoolean(0), Version: r.GetString(1), Cipher: r.GetString(2)), ct);
        if (rows.Count == 0) return CheckResult.Fail("pg_stat_ssl has no row for this session");
        var (ssl, version, cipher) = rows[0];
        var data = Data(("encrypted", ssl), ("protocol", version), ("cipher", cipher), ("certificate", Endpoint.Trust));
        if (ssl) return CheckResult.Pass($"session encrypted ({version}, {cipher}); certificate checked {Endpoint.Trust}", data);
        return Endpoint.Target.TlsRequired
            ? CheckResult.Fail("pg_stat_ssl shows this session unencrypted although the contract requires TLS", data)
            : CheckResult.Warn("session unencrypted (the contract does not require TLS)", data);
    }
}
