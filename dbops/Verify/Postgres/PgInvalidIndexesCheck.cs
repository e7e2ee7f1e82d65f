using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// Indexes marked invalid, typically left by a failed CREATE INDEX CONCURRENTLY: the planner
/// ignores them, yet every write still maintains them. One being built right now is only a warning.
/// </summary>
public sealed class PgInvalidIndexesCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "invalid-indexes";
    public override string Category => Categories.PostgresHealth;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var invalid = await conn.RowsAsync(
            """
            select i.indexrelid::regclass::text, i.indrelid::regclass::text,
                   exists (select 1 from pg_stat_progress_create_index p where p.index_relid = i.indexrelid)
            from pg_index i
            where not i.indisvalid
            order by 1
            """,
            r => (Index: r.GetString(0), Table: r.GetString(1), Building: r.GetBoolean(2)), ct);
        var broken = invalid.Where(i => !i.Building).ToList();
        var building = invalid.Where(i => i.Building).ToList();
        var data = Data(("invalid", broken.Select(i => i.Index).ToArray()), ("beingBuilt", building.Select(i => i.Index).ToArray()));
        var where = $"database {Endpoint.Target.Database}";
        if (broken.Count > 0)
        {
            return CheckResult.Fail(
                $"invalid index(es) in {where}: {string.Join(", ", broken.Select(i => $"{i.Index} on {i.Table}"))} (drop and recreate them)", data);
        }
        if (building.Count > 0) return CheckResult.Warn($"index(es) being built in {where}: {string.Join(", ", building.Select(i => i.Index))}", data);
        return CheckResult.Pass($"no invalid index in {where}", data);
    }
}
