using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Proves TLS is enforced, not merely offered: an unencrypted connection attempt must be
/// refused before authentication (SQLSTATE 28000, pg_hba or rds.force_ssl). Any further
/// step, even a password prompt, means the server talked plaintext.
/// </summary>
public sealed class PgPlaintextRefusedCheck(PgEndpoint endpoint, VerifySettings settings) : ICheck
{
    public string Id => $"postgres.{endpoint.Role}.plaintext-refused";
    public string Category => Categories.PostgresTls;

    private const string NotEnforced = "TLS is not enforced: the server accepted an unencrypted connection";

    public async Task<CheckResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!endpoint.Target.TlsRequired)
        {
            return CheckResult.Skip("the contract does not require TLS (postgres.tlsRequired is false)");
        }
        try
        {
            await using var conn = new NpgsqlConnection(endpoint.PlaintextProbeConnectionString(settings));
            await conn.OpenAsync(cancellationToken);
            return CheckResult.Fail($"{NotEnforced} and let it in");
        }
        catch (PostgresException e) when (e.SqlState == "28000")
        {
            return CheckResult.Pass($"unencrypted connection refused: {e.MessageText}");
        }
        catch (PostgresException e)
        {
            return CheckResult.Fail($"{NotEnforced} and went on to answer: {e.MessageText} (SQLSTATE {e.SqlState})");
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail($"cannot connect to {endpoint}: {PgErrors.Describe(e)}");
        }
    }
}
