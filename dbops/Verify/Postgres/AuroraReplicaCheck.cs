using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// On Aurora, <c>aurora_replica_status()</c> lists the cluster's instances as the writer
/// sees them: the readers the stack declares must be there and not lag behind.
/// </summary>
public sealed class AuroraReplicaCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "aurora-replicas";
    public override string Category => Categories.PostgresServer;

    /// <summary>The writer's own row in aurora_replica_status().</summary>
    private const string WriterSession = "MASTER_SESSION_ID";

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var exists = await conn.ScalarAsync<bool>("select to_regprocedure('aurora_replica_status()') is not null", ct);
        if (!exists)
        {
            return CheckResult.Skip("aurora_replica_status() does not exist on this server (not Aurora): reader count and replica lag not measured");
        }
        var readers = await conn.RowsAsync(
            "select server_id::text, coalesce(replica_lag_in_msec, 0)::float8 from aurora_replica_status() where session_id::text <> $1 order by 1",
            r => (Server: r.GetString(0), LagMs: r.GetDouble(1)), ct, WriterSession);
        var expected = Endpoint.Target.Readers;
        var maxLag = readers.Count == 0 ? 0 : readers.Max(r => r.LagMs);
        var limit = settings.ReplicaLag?.TotalMilliseconds ?? Endpoint.Target.ReplicaLagMs;
        var data = Data(("readers", readers.Select(r => r.Server).ToArray()), ("expectedReaders", expected), ("maxLagMs", maxLag), ("lagLimitMs", limit));
        var summary = $"{readers.Count} readers (expected {expected}), max replica lag {maxLag:0} ms (limit {limit:0} ms)";
        if (readers.Count < expected) return CheckResult.Fail($"missing readers: {summary}", data);
        // Above the limit, as the alarm's GreaterThanThreshold: the same number means the same line.
        if (maxLag > limit) return CheckResult.Fail($"replica lag too high: {summary}", data);
        if (readers.Count > expected) return CheckResult.Warn($"more readers than declared: {summary}", data);
        return CheckResult.Pass(summary, data);
    }
}
