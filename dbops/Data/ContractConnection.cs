using Dbops.Contract;
using Npgsql;

namespace Dbops.Data;

/// <summary>
/// How the contract's PostgreSQL section becomes an Npgsql connection, for every command: the
/// one place that decides the TLS mode from <c>tlsRequired</c> and where the CA bundle goes.
/// </summary>
public static class ContractConnection
{
    /// <summary>
    /// The endpoint <paramref name="host"/> (the contract's writer or reader) with the contract's
    /// port, database and login. verify-full TLS when the contract requires TLS; without it the
    /// contract describes a dev setup, and Prefer still encrypts when the server can.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Builder(PostgresTarget pg, string host, string? caBundle)
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = pg.Port,
            Database = pg.Database,
            Username = pg.Username,
            Password = pg.Password.Reveal(),
            SslMode = pg.TlsRequired ? SslMode.VerifyFull : SslMode.Prefer,
        };
        if (caBundle is not null) b.RootCertificate = caBundle;
        return b;
    }
}
