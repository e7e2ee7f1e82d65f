using Dbops.Data;
using Npgsql;

namespace Dbops.Report;

/// <summary>
/// Reads the report from the server. Read-only: catalogue, the statistics views, and
/// pg_stat_statements where it is installed; the backlog counts use MLflow's run_uuid indexes.
/// </summary>
public sealed class ReportReader(NpgsqlDataSource dataSource)
{
    /// <summary>Schemas reported: MLflow's, the archive, and dbops's own.</summary>
    public static readonly string[] Schemas = ["public", "mlflow_archive", "dbops"];

    public async Task<DatabaseReport> ReadAsync(int top, double slowMs, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync("set transaction read only", ct);
        var report = new DatabaseReport(
            await DatabaseAsync(conn, ct),
            await TablesAsync(conn, ct),
            await IndexesAsync(conn, ct),
            await StatementsAsync(conn, top, slowMs, ct),
            await BacklogAsync(conn, ct));
        await tx.RollbackAsync(ct);
        return report;
    }

    private static async Task<DatabaseFacts> DatabaseAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select current_database()::text, pg_database_size(current_database()), current_setting('server_version'),
                   (select stats_reset from pg_stat_database where datname = current_database())
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new DatabaseFacts(r.GetString(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetDateTime(3));
    }

    /// <summary>Sizes, row counts, vacuum and analyze times, and the bloat estimate of <see cref="BloatEstimate"/>.</summary>
    private static async Task<IReadOnlyList<TableFacts>> TablesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var layout = new Dictionary<(string, string), List<ColumnStats>>();
        await using (var cmd = new NpgsqlCommand(
            """
            select n.nspname::text, c.relname::text, s.avg_width, s.null_frac, t.typlen, t.typalign::text
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            join pg_type t on t.oid = a.atttypid
            join pg_stats s on s.schemaname = n.nspname and s.tablename = c.relname and s.attname = a.attname
            where n.nspname = any($1) and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
            order by n.nspname, c.relname, a.attnum
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Schemas });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var key = (r.GetString(0), r.GetString(1));
                if (!layout.TryGetValue(key, out var cols)) layout[key] = cols = [];
                cols.Add(new ColumnStats(r.GetInt32(2), r.GetFloat(3), r.GetInt16(4), r.GetString(5)[0]));
            }
        }
        await using var tables = new NpgsqlCommand(
            """
            select n.nspname::text, c.relname::text,
                   -- The statistics collector's count; the planner's estimate where the collector has none (a copied database).
                   case when coalesce(s.n_live_tup, 0) = 0 and c.reltuples > 0 then c.reltuples::bigint else coalesce(s.n_live_tup, 0) end,
                   coalesce(s.n_dead_tup, 0), pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),
                   greatest(s.last_vacuum, s.last_autovacuum), greatest(s.last_analyze, s.last_autoanalyze), c.reltuples::float8,
                   coalesce((select option_value::int from pg_options_to_table(c.reloptions) where option_name = 'fillfactor'), 100)
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            left join pg_stat_user_tables s on s.relid = c.oid
            where c.relkind = 'r' and n.nspname = any($1)
            order by pg_total_relation_size(c.oid) desc, 1, 2
            """, conn);
        tables.Parameters.Add(new NpgsqlParameter { Value = Schemas });
        var rows = new List<TableFacts>();
        await using var t = await tables.ExecuteReaderAsync(ct);
        while (await t.ReadAsync(ct))
        {
            var (schema, table, bytes) = (t.GetString(0), t.GetString(1), t.GetInt64(4));
            var bloat = layout.TryGetValue((schema, table), out var cols) ? BloatEstimate.BloatBytes(bytes, t.GetDouble(9), cols, t.GetInt32(10)) : 0;
            rows.Add(new TableFacts(schema, table, t.GetInt64(2), t.GetInt64(3), bytes, t.GetInt64(5), t.GetInt64(6),
                bloat, t.IsDBNull(7) ? null : t.GetDateTime(7), t.IsDBNull(8) ? null : t.GetDateTime(8)));
        }
        return rows;
    }

    /// <summary>
    /// Index sizes and scans. An index is covered when another B-tree of the table starts with
    /// all of its key columns in order and carries all its INCLUDE columns too: lookups it
    /// serves, the other serves as well.
    /// </summary>
    private static async Task<IReadOnlyList<IndexFacts>> IndexesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            with i as (
                select n.nspname::text as schema, ic.relname::text as idx, tc.relname::text as tbl, x.indrelid, x.indexrelid,
                       x.indisunique or x.indisprimary as uniq, am.amname::text as am,
                       (select array_agg(k order by o) from unnest(x.indkey::int2[]) with ordinality as u(k, o) where o <= x.indnkeyatts) as keys,
                       (select array_agg(k order by o) from unnest(x.indkey::int2[]) with ordinality as u(k, o)) as cols,
                       x.indexprs is null and x.indpred is null as plain
                from pg_index x
                join pg_class ic on ic.oid = x.indexrelid join pg_class tc on tc.oid = x.indrelid
                join pg_namespace n on n.oid = tc.relnamespace join pg_am am on am.oid = ic.relam
                where n.nspname = any($1))
            select i.schema, i.idx, i.tbl, pg_relation_size(i.indexrelid), coalesce(s.idx_scan, 0), i.uniq,
                   (select o.idx from i o
                    where o.indrelid = i.indrelid and o.indexrelid <> i.indexrelid and o.am = 'btree' and i.am = 'btree'
                      and i.plain and o.plain and not i.uniq
                      and o.keys[1:array_length(i.keys, 1)] = i.keys and o.cols[1:array_length(i.cols, 1)] = i.cols
                      and (array_length(o.cols, 1) > array_length(i.cols, 1) or o.indexrelid < i.indexrelid)
                    order by o.idx limit 1)
            from i left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid
            order by pg_relation_size(i.indexrelid) desc, i.schema, i.idx
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Schemas });
        var rows = new List<IndexFacts>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            rows.Add(new IndexFacts(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetBoolean(5), r.IsDBNull(6) ? null : r.GetString(6)));
        }
        return rows;
    }

    /// <summary>
    /// The slowest statements of this database by mean time. Needs the extension created in
    /// the database (and preloaded); other users' statement texts need pg_read_all_stats
    /// (Aurora's master user has it). Literals the extension did not normalise away (utility
    /// statements such as ALTER ROLE ... PASSWORD keep theirs) are masked before printing.
    /// </summary>
    private static async Task<SlowStatements> StatementsAsync(NpgsqlConnection conn, int top, double slowMs, CancellationToken ct)
    {
        await using (var check = new NpgsqlCommand("select to_regclass('pg_stat_statements') is not null", conn))
        {
            if (!(bool)(await check.ExecuteScalarAsync(ct))!)
            {
                return new SlowStatements(false, "pg_stat_statements is not installed in this database: create extension pg_stat_statements (as the master user; the platform's parameter group preloads it)", slowMs, []);
            }
        }
        await conn.ExecuteAsync("savepoint statements", ct);
        try
        {
            await using var cmd = new NpgsqlCommand(
                """
                select query, calls, mean_exec_time, max_exec_time, total_exec_time, rows
                from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database()) and calls > 0
                  and query not ilike '%pg_stat_statements%'
                order by mean_exec_time desc limit $1
                """, conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = top });
            var rows = new List<SlowStatement>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    rows.Add(new SlowStatement(StatementText.Mask(r.IsDBNull(0) ? "<insufficient privilege>" : r.GetString(0)), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetInt64(5)));
                }
            }
            await conn.ExecuteAsync("release savepoint statements", ct);
            return new SlowStatements(true, null, slowMs, rows);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ObjectNotInPrerequisiteState or PostgresErrorCodes.InsufficientPrivilege)
        {
            await conn.ExecuteAsync("rollback to savepoint statements", ct);
            return new SlowStatements(false, $"pg_stat_statements cannot be read: {e.MessageText}", slowMs, []);
        }
    }

    private static async Task<GcBacklog> BacklogAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            with d as (select run_uuid, deleted_time from public.runs where lifecycle_stage = 'deleted')
            select (select count(*) from d), (select min(deleted_time) from d),
                   (select count(*) from public.metrics where run_uuid in (select run_uuid from d)),
                   (select count(*) from public.latest_metrics where run_uuid in (select run_uuid from d)),
                   (select count(*) from public.params where run_uuid in (select run_uuid from d)),
                   (select count(*) from public.tags where run_uuid in (select run_uuid from d))
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        DateTime? oldest = r.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)).UtcDateTime;
        return new GcBacklog(r.GetInt64(0), oldest, new Dictionary<string, long>
        {
            ["metrics"] = r.GetInt64(2), ["latest_metrics"] = r.GetInt64(3), ["params"] = r.GetInt64(4), ["tags"] = r.GetInt64(5),
        });
    }
}
