using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>Client connections against <c>max_connections</c>: a pool near the limit fails new clients first.</summary>
public sealed class PgConnectionsCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "connections";
    public override string Category => Categories.PostgresHealth;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            "select (select count(*) from pg_stat_activity where backend_type = 'client backend')::int, current_setting('max_connections')::int",
            r => (Used: r.GetInt32(0), Max: r.GetInt32(1)), ct);
        var (used, max) = rows[0];
        var share = (double)used / max;
        var data = Data(("connections", used), ("maxConnections", max), ("percent", Math.Round(share * 100, 1)));
        var summary = $"{used} of {max} connections in use ({share:P0})";
        if (share >= settings.ConnectionsFail) return CheckResult.Fail($"{summary}, at or above {settings.ConnectionsFail:P0}", data);
        if (share >= settings.ConnectionsWarn) return CheckResult.Warn($"{summary}, at or above {settings.ConnectionsWarn:P0}", data);
        return CheckResult.Pass(summary, data);
    }
}
