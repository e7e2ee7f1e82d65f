using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The writer endpoint reaches a writable primary and the reader endpoint a read-only
/// replica. Writability is proved by getting a transaction id, which a replica or a
/// read-only default refuses, inside a transaction that is rolled back: nothing is written.
/// </summary>
public sealed class PgRoleCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "role";
    public override string Category => Categories.PostgresServer;

    private bool IsWriter => Endpoint.Role == "writer";

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var inRecovery = await conn.ScalarAsync<bool>("select pg_is_in_recovery()", ct);
        var data = Data(("inRecovery", inRecovery));
        if (!IsWriter)
        {
            return inRecovery
                ? CheckResult.Pass("read-only replica (pg_is_in_recovery() is true)", data)
                : CheckResult.Fail($"the {Endpoint.Role} endpoint reaches a writable primary (pg_is_in_recovery() is false)", data);
        }
        if (inRecovery) return CheckResult.Fail("the writer endpoint reaches a read-only replica (pg_is_in_recovery() is true)", data);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await conn.ExecuteAsync("select pg_current_xact_id()", ct);
        }
        catch (PostgresException e) when (e.SqlState == "25006")
        {
            return CheckResult.Fail($"the writer refuses writes: {e.MessageText} (is default_transaction_read_only on?)", data);
        }
        finally
        {
            await tx.RollbackAsync(CancellationToken.None);
        }
        return CheckResult.Pass("writable primary (not in recovery; a transaction id was assigned and rolled back)", data);
    }
}
