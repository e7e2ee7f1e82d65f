using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Client transactions open longer than the threshold: they hold back vacuum and keep
/// locks, and are usually a client stuck "idle in transaction".
/// </summary>
public sealed class PgLongTransactionsCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "long-transactions";
    public override string Category => Categories.PostgresHealth;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var limit = settings.LongTransaction.TotalSeconds;
        var open = await conn.RowsAsync(
            """
            select pid, coalesce(usename::text, '?'), coalesce(state, '?'), extract(epoch from now() - xact_start)::float8
            from pg_stat_activity
            where backend_type = 'client backend' and pid <> pg_backend_pid()
              and xact_start is not null and now() - xact_start > make_interval(secs => $1)
            order by xact_start
            """,
            r => (Pid: r.GetInt32(0), User: r.GetString(1), State: r.GetString(2), Seconds: r.GetDouble(3)), ct, limit);
        var data = Data(("count", open.Count), ("thresholdSeconds", limit),
            ("oldestSeconds", open.Count == 0 ? 0 : Math.Round(open[0].Seconds, 1)),
            ("pids", open.Select(o => o.Pid).ToArray()));
        if (open.Count == 0) return CheckResult.Pass($"no transaction open longer than {limit:0.#} s", data);
        var list = string.Join(", ", open.Take(5).Select(o => $"pid {o.Pid} ({o.User}, {o.State}, {o.Seconds:0.#} s)"));
        return CheckResult.Fail($"{open.Count} transaction(s) open longer than {limit:0.#} s: {list}", data);
    }
}
