using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Sessions waiting for a lock another session holds. A short wait warns (a deploy's own
/// DDL can cause one); a wait beyond the threshold fails.
/// </summary>
public sealed class PgBlockedLocksCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "blocked-locks";
    public override string Category => Categories.PostgresHealth;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var blocked = await conn.RowsAsync(
            """
            select pid, pg_blocking_pids(pid)::text, extract(epoch from now() - coalesce(query_start, state_change))::float8
            from pg_stat_activity
            where wait_event_type = 'Lock' and pid <> pg_backend_pid() and cardinality(pg_blocking_pids(pid)) > 0
            order by 3 desc
            """,
            r => (Pid: r.GetInt32(0), BlockedBy: r.GetString(1), Seconds: r.GetDouble(2)), ct);
        var limit = settings.LockWait.TotalSeconds;
        var data = Data(("blocked", blocked.Count), ("longestSeconds", blocked.Count == 0 ? 0 : Math.Round(blocked[0].Seconds, 1)), ("failAfterSeconds", limit));
        if (blocked.Count == 0) return CheckResult.Pass("no session is waiting for a lock", data);
        var list = string.Join(", ", blocked.Take(5).Select(b => $"pid {b.Pid} blocked by {b.BlockedBy.Trim('{', '}')} for {b.Seconds:0.#} s"));
        var summary = $"{blocked.Count} session(s) waiting for a lock: {list}";
        return blocked[0].Seconds >= limit
            ? CheckResult.Fail($"{summary} (limit {limit:0.#} s)", data)
            : CheckResult.Warn(summary, data);
    }
}
