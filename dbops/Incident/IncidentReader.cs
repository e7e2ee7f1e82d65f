using Dbops.Data;
using Npgsql;

namespace Dbops.Incident;

public sealed record IncidentSettings
{
    /// <summary>Rows per list (oldest transactions, statements, tables ...).</summary>
    public int Top { get; init; } = 10;

    /// <summary>How far apart the two reads of pg_stat_statements and pg_stat_user_tables are; 0 reads the totals once.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Reads everything <see cref="IncidentSnapshot"/> holds, read-only, from one session whose every
/// statement is bounded (the caller's statement_timeout) and never waits for a lock: it reads only
/// statistics views and catalogs (pg_stat_activity, pg_locks through pg_blocking_pids, pg_class,
/// pg_database, pg_roles), which take no lock on user tables, so a blocking chain cannot hold it up.
/// </summary>
public sealed class IncidentReader(NpgsqlConnection conn, IncidentSettings settings)
{
    /// <summary>PostgreSQL refuses new transaction ids 3 million short of 2^31 (src/backend/access/transam/varsup.c, xidStopLimit).</summary>
    public const double WraparoundXids = 2_147_483_648;

    private readonly List<string> notes = [];

    public async Task<IncidentSnapshot> ReadAsync(CancellationToken ct)
    {
        var server = await ServerAsync(ct);
        var sessions = await SessionsAsync(server.At, ct);
        var statementsBefore = await StatementTotalsAsync(ct);
        var tablesBefore = await TableCountersAsync(ct);
        if (settings.Window > TimeSpan.Zero && (statementsBefore is not null || tablesBefore.Count > 0)) await Task.Delay(settings.Window, ct);
        var statementsAfter = settings.Window > TimeSpan.Zero ? await StatementTotalsAsync(ct) : statementsBefore;
        var tablesAfter = settings.Window > TimeSpan.Zero ? await TableCountersAsync(ct) : tablesBefore;

        var clients = sessions.Where(s => s.BackendType == "client backend").ToList();
        return new IncidentSnapshot(
            server,
            Chains(sessions),
            sessions.Where(s => s.TransactionSeconds is not null).OrderByDescending(s => s.TransactionSeconds).Take(settings.Top).ToList(),
            clients.Where(s => s.IdleInTransaction).OrderByDescending(s => s.StateSeconds).Take(settings.Top).ToList(),
            clients.Where(s => s.State == "active" && s.QuerySeconds is not null).OrderByDescending(s => s.QuerySeconds).Take(settings.Top).ToList(),
            await ConnectionsAsync(server, clients, ct),
            await ReplicationAsync(server, ct),
            await WraparoundAsync(ct),
            Statements(statementsBefore, statementsAfter),
            Growth(tablesBefore, tablesAfter),
            notes)
        {
            Sessions = clients,
        };
    }

    private async Task<ServerInfo> ServerAsync(CancellationToken ct)
    {
        // rds.rds_superuser_reserved_connections exists on RDS and Aurora only (read with missing_ok): those slots are not the application's either.
        await using var cmd = new NpgsqlCommand(
            """
            select current_setting('server_version'), current_database(), now(), pg_is_in_recovery(),
                   current_setting('max_connections')::int,
                   current_setting('superuser_reserved_connections')::int + coalesce(current_setting('rds.rds_superuser_reserved_connections', true)::int, 0),
                   current_setting('autovacuum_freeze_max_age')::bigint
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new ServerInfo(r.GetString(0), r.GetString(1), r.GetDateTime(2), r.GetBoolean(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6));
    }

    private async Task<List<SessionInfo>> SessionsAsync(DateTime now, CancellationToken ct)
    {
        // pg_blocking_pids only for sessions waiting for a lock: it reads the lock manager's state, which
        // PostgreSQL's documentation warns is costly to call often (functions-info.html).
        await using var cmd = new NpgsqlCommand(
            """
            select pid, usename::text, coalesce(application_name, ''), datname::text, state, backend_type, backend_start,
                   xact_start, query_start, state_change,
                   case when wait_event_type is not null then wait_event_type || ':' || wait_event end,
                   case when wait_event_type = 'Lock' then pg_blocking_pids(pid) else '{}'::int[] end,
                   query
            from pg_stat_activity
            where pid <> pg_backend_pid()
            """, conn);
        var list = new List<SessionInfo>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var role = r.IsDBNull(1) ? null : r.GetString(1);
            var application = r.GetString(2);
            var backendType = r.GetString(5);
            DateTime? At(int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);
            double? Age(DateTime? t) => t is { } v ? Math.Max(0, (now - v).TotalSeconds) : null;
            var queryStart = At(8);
            var stateChange = At(9);
            list.Add(new SessionInfo(
                Pid: r.GetInt32(0),
                Role: role,
                Application: application,
                Database: r.IsDBNull(3) ? null : r.GetString(3),
                State: r.IsDBNull(4) ? null : r.GetString(4),
                BackendType: backendType,
                BackendStart: r.GetDateTime(6),
                TransactionSeconds: Age(At(7)),
                QuerySeconds: Age(queryStart),
                StateSeconds: Age(stateChange),
                WaitEvent: r.IsDBNull(10) ? null : r.GetString(10),
                BlockedBy: r.GetFieldValue<int[]>(11),
                Query: r.IsDBNull(12) ? "<not visible to this role: grant it pg_monitor>" : Abbreviate(StatementText.Mask(r.GetString(12)), 300),
                Protected: ProtectedBecause(role, application, backendType))
            {
                QueryStart = queryStart,
                StateChange = stateChange,
            });
        }
        return list;
    }

    /// <summary>
    /// Why the actions never touch a session, or null:
    /// - the platform's own maintenance: every dbops command names its sessions "dbops ..." or
    ///   "dbops-verify" (DatabaseTarget.OpenDataSource, PgEndpoint); cancelling a migration or a
    ///   reindex half-way leaves work to redo, and they set their own lock timeouts;
    /// - server processes that are not client sessions (autovacuum, replication senders, background
    ///   workers): PostgreSQL's own;
    /// - rdsadmin: the user RDS and Aurora run their own management sessions as (AWS, "Master user
    ///   account privileges"); signalling them is refused anyway.
    /// </summary>
    internal static string? ProtectedBecause(string? role, string application, string backendType)
    {
        if (application.StartsWith(DatabaseTarget.ApplicationNamePrefix, StringComparison.Ordinal)) return $"platform maintenance session ({application})";
        if (backendType != "client backend") return $"server process ({backendType})";
        if (role == "rdsadmin") return "RDS's own session (rdsadmin)";
        return null;
    }

    /// <summary>Roots are blockers that wait for no lock themselves; each chain lists everything behind its root, depth first.</summary>
    internal static List<BlockingChain> Chains(IReadOnlyList<SessionInfo> sessions)
    {
        var byPid = sessions.ToDictionary(s => s.Pid);
        var waiters = sessions.Where(s => s.BlockedBy.Count > 0).ToList();
        if (waiters.Count == 0) return [];
        var blockedBy = waiters.SelectMany(w => w.BlockedBy.Select(b => (Blocker: b, Waiter: w))).ToLookup(e => e.Blocker, e => e.Waiter);
        var rootPids = waiters.SelectMany(w => w.BlockedBy).Distinct().Where(p => byPid.TryGetValue(p, out var s) ? s.BlockedBy.Count == 0 : true);
        var chains = new List<BlockingChain>();
        foreach (var pid in rootPids)
        {
            // A blocker that has just ended is no longer in pg_stat_activity: shown by pid alone.
            var root = byPid.TryGetValue(pid, out var s)
                ? s
                : new SessionInfo(pid, null, "", null, "gone", "client backend", DateTime.MinValue, null, null, null, null, [], "", null);
            var behind = new List<BlockedSession>();
            var seen = new HashSet<int> { pid };
            void Walk(int blocker, int depth)
            {
                foreach (var w in blockedBy[blocker].OrderBy(w => w.Pid))
                {
                    if (!seen.Add(w.Pid)) continue;
                    behind.Add(new BlockedSession(depth, w));
                    Walk(w.Pid, depth + 1);
                }
            }
            Walk(pid, 1);
            chains.Add(new BlockingChain(root, behind));
        }
        return chains.OrderByDescending(c => c.Blocked.Count).ThenBy(c => c.Root.Pid).ToList();
    }

    private async Task<ConnectionUse> ConnectionsAsync(ServerInfo server, List<SessionInfo> clients, CancellationToken ct)
    {
        var limits = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("select rolname::text, rolconnlimit from pg_roles where rolconnlimit >= 0", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) limits[r.GetString(0)] = r.GetInt32(1);
        }
        // Every backend holds a connection slot, but max_connections counts client sessions (background
        // workers have slots of their own): count those, and this session, which holds one too.
        var byRole = clients.GroupBy(s => s.Role ?? "?")
            .Select(g => new RoleConnections(g.Key, g.Count(), limits.TryGetValue(g.Key, out var l) ? l : null))
            .OrderByDescending(r => r.Connections).ThenBy(r => r.Role, StringComparer.Ordinal).ToList();
        var byApplication = clients.GroupBy(s => (s.Application, s.Role))
            .Select(g => new ApplicationConnections(g.Key.Application, g.Key.Role, g.Count(), g.Count(s => s.State == "active"), g.Count(s => s.IdleInTransaction)))
            .OrderByDescending(a => a.Connections).ThenBy(a => a.Application, StringComparer.Ordinal).ToList();
        var byState = clients.GroupBy(s => s.State ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        return new ConnectionUse(clients.Count + 1, server.MaxConnections, server.ReservedConnections, byRole, byApplication, byState);
    }

    private async Task<Replication> ReplicationAsync(ServerInfo server, CancellationToken ct)
    {
        double? replayLag = null;
        if (server.InRecovery)
        {
            // On a streaming standby: how long ago the last replayed transaction committed on the primary
            // (null before the first one; it also grows while the primary is idle).
            replayLag = await ScalarAsync<double?>("select (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8", ct);
        }
        var replicas = await RowsAsync(
            """
            select coalesce(application_name, ''), client_addr::text, state, sync_state,
                   (extract(epoch from write_lag) * 1000)::float8, (extract(epoch from flush_lag) * 1000)::float8, (extract(epoch from replay_lag) * 1000)::float8,
                   case when pg_is_in_recovery() then null else pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint end
            from pg_stat_replication order by 1
            """,
            r => new Replica(r.GetString(0), NS(r, 1), NS(r, 2), NS(r, 3), ND(r, 4), ND(r, 5), ND(r, 6), NL(r, 7)), ct);
        var slots = await RowsAsync(
            """
            select slot_name::text, slot_type, active,
                   case when pg_is_in_recovery() or restart_lsn is null then null else pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint end
            from pg_replication_slots order by 1
            """,
            r => new ReplicationSlot(r.GetString(0), r.GetString(1), r.GetBoolean(2), NL(r, 3)), ct);

        // Aurora only. NOT TESTED HERE: vanilla PostgreSQL (the tests' server) has neither function, so
        // these two queries never run in the tests; the columns are AWS's (aurora_replica_status: "Aurora
        // PostgreSQL functions reference"; aurora_global_db_status: "Monitoring Aurora PostgreSQL-based
        // global databases"), and verify's aurora-replicas check reads the first the same way.
        List<AuroraReplica>? aurora = null;
        if (await ScalarAsync<bool>("select to_regprocedure('aurora_replica_status()') is not null", ct))
        {
            aurora = await TryRowsAsync("aurora_replica_status()",
                "select server_id::text, session_id::text = 'MASTER_SESSION_ID', replica_lag_in_msec::float8 from aurora_replica_status() order by 2 desc, 1",
                r => new AuroraReplica(r.GetString(0), r.GetBoolean(1), ND(r, 2)), ct);
        }
        else
        {
            notes.Add("aurora_replica_status() is not on this server (not Aurora): Aurora replica lag not read");
        }
        List<AuroraGlobalRegion>? global = null;
        if (await ScalarAsync<bool>("select to_regprocedure('aurora_global_db_status()') is not null", ct))
        {
            global = await TryRowsAsync("aurora_global_db_status()",
                "select aws_region::text, durability_lag_in_msec::float8, rpo_lag_in_msec::float8 from aurora_global_db_status() order by 1",
                r => new AuroraGlobalRegion(r.GetString(0), ND(r, 1), ND(r, 2)), ct);
        }
        return new Replication(replayLag, replicas, slots, aurora, global);
    }

    private async Task<Wraparound> WraparoundAsync(CancellationToken ct)
    {
        var databases = await RowsAsync(
            "select datname::text, age(datfrozenxid)::bigint, mxid_age(datminmxid)::bigint from pg_database where datallowconn order by 2 desc",
            r => new DatabaseAge(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(1) / WraparoundXids), ct);
        // regclass output and pg_class need no lock on the table.
        var tables = await RowsAsync(
            $"""
            select c.oid::regclass::text, age(c.relfrozenxid)::bigint
            from pg_class c
            where c.relkind in ('r', 'm', 't') and c.relfrozenxid <> '0'::xid
            order by 2 desc limit {settings.Top}
            """,
            r => new TableAge(r.GetString(0), r.GetInt64(1), r.GetInt64(1) / WraparoundXids), ct);
        return new Wraparound(databases, tables);
    }

    private sealed record StatementTotals(DateTime? Since, Dictionary<(long User, long QueryId), (string Query, long Calls, double TotalMs, long Rows)> Rows);

    private string? statementsNote;

    private async Task<StatementTotals?> StatementTotalsAsync(CancellationToken ct)
    {
        if (!await ScalarAsync<bool>("select to_regclass('pg_stat_statements') is not null", ct))
        {
            statementsNote = "pg_stat_statements is not installed in this database: create extension pg_stat_statements (as the master user; the platform's parameter group preloads it)";
            return null;
        }
        try
        {
            var since = await ScalarAsync<DateTime?>("select stats_reset from pg_stat_statements_info", ct);
            var rows = new Dictionary<(long, long), (string, long, double, long)>();
            await using var cmd = new NpgsqlCommand(
                """
                select userid::bigint, queryid, query, calls, total_exec_time, rows
                from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database()) and queryid is not null
                """, conn);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var query = r.IsDBNull(2) ? "<insufficient privilege>" : r.GetString(2);
                if (query.Contains("pg_stat_statements", StringComparison.OrdinalIgnoreCase)) continue;
                rows[(r.GetInt64(0), r.GetInt64(1))] = (query, r.GetInt64(3), r.GetDouble(4), r.GetInt64(5));
            }
            return new StatementTotals(since, rows);
        }
        catch (PostgresException e)
        {
            statementsNote = $"pg_stat_statements cannot be read: {e.MessageText}";
            return null;
        }
    }

    private TopStatements Statements(StatementTotals? before, StatementTotals? after)
    {
        if (before is null || after is null) return new TopStatements(false, statementsNote, 0, null, []);
        var window = settings.Window.TotalSeconds;
        var items = after.Rows.Select(kv =>
            {
                var (query, calls, total, rows) = kv.Value;
                if (window > 0 && before.Rows.TryGetValue(kv.Key, out var b) && b.Calls <= calls)
                {
                    (calls, total, rows) = (calls - b.Calls, total - b.TotalMs, rows - b.Rows);
                }
                return new StatementUse(Abbreviate(StatementText.Mask(query), 300), calls, total, calls == 0 ? 0 : total / calls, rows);
            })
            .Where(s => s.Calls > 0)
            .OrderByDescending(s => s.TotalMs).Take(settings.Top).ToList();
        var note = window > 0 ? $"statements by total time in the {window:0.#} s window" : "statements by total time since pg_stat_statements was reset";
        return new TopStatements(true, note, window, after.Since, items);
    }

    private sealed record TableCounters(long EstimatedBytes, long Live, long Dead, long Inserted, long Updated, long Deleted);

    private async Task<Dictionary<string, TableCounters>> TableCountersAsync(CancellationToken ct)
    {
        var rows = await RowsAsync(
            """
            select s.relid::regclass::text,
                   ((c.relpages + coalesce(t.relpages, 0) + coalesce((select sum(i.relpages) from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid), 0))
                     * current_setting('block_size')::bigint)::bigint,
                   s.n_live_tup, s.n_dead_tup, s.n_tup_ins, s.n_tup_upd, s.n_tup_del
            from pg_stat_user_tables s join pg_class c on c.oid = s.relid left join pg_class t on t.oid = c.reltoastrelid
            """,
            r => (Name: r.GetString(0), Counters: new TableCounters(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6))), ct);
        return rows.ToDictionary(r => r.Name, r => r.Counters);
    }

    private List<TableGrowth> Growth(Dictionary<string, TableCounters> before, Dictionary<string, TableCounters> after) =>
        after.Select(kv =>
            {
                var a = kv.Value;
                var b = before.TryGetValue(kv.Key, out var x) ? x : a;
                var inserted = Math.Max(0, a.Inserted - b.Inserted);
                var changed = inserted + Math.Max(0, a.Updated - b.Updated) + Math.Max(0, a.Deleted - b.Deleted);
                return new TableGrowth(kv.Key, a.EstimatedBytes, a.Live, a.Dead, a.Inserted, a.Updated, a.Deleted, inserted, changed);
            })
            .OrderByDescending(t => t.ChangedInWindow).ThenByDescending(t => t.EstimatedBytes).ThenBy(t => t.Table, StringComparer.Ordinal)
            .Take(settings.Top).ToList();

    private async Task<List<T>?> TryRowsAsync<T>(string what, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        try
        {
            return await RowsAsync(sql, map, ct);
        }
        catch (PostgresException e)
        {
            notes.Add($"{what} could not be read: {e.MessageText}");
            return null;
        }
    }

    private async Task<List<T>> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(map(r));
        return list;
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        var v = await cmd.ExecuteScalarAsync(ct);
        return v is null or DBNull ? default! : (T)v;
    }

    private static string? NS(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? ND(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static long? NL(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    internal static string Abbreviate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
