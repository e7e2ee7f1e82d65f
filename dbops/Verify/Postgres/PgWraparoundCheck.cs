using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Transaction-ID age of the oldest database: PostgreSQL stops accepting writes near 2^31,
/// so an age past check_postgres's thresholds means vacuum is not keeping up.
/// </summary>
public sealed class PgWraparoundCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "wraparound";
    public override string Category => Categories.PostgresHealth;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            "select datname::text, age(datfrozenxid)::bigint from pg_database order by 2 desc limit 1",
            r => (Database: r.GetString(0), Age: r.GetInt64(1)), ct);
        var (db, age) = rows[0];
        var data = Data(("database", db), ("age", age), ("warnAt", settings.WraparoundWarn), ("failAt", settings.WraparoundFail));
        var summary = $"oldest transaction-ID age {age:N0} (database {db}; warn at {settings.WraparoundWarn:N0}, fail at {settings.WraparoundFail:N0})";
        if (age >= settings.WraparoundFail) return CheckResult.Fail(summary, data);
        if (age >= settings.WraparoundWarn) return CheckResult.Warn(summary, data);
        return CheckResult.Pass(summary, data);
    }
}
