using System.Diagnostics;
using Dbops.Data;
using Npgsql;

namespace Dbops.Maintain;

/// <summary>
/// Tables asked for by name that the database does not have (exit code 2): the ones not found
/// and the ones there are, in the terms the operator uses (schema.table, public's by name alone).
/// </summary>
public sealed class UnknownTablesException(IReadOnlyList<string> unknown, IReadOnlyList<string> available)
    : InvalidInputException($"no such table {string.Join(", ", unknown)}; tables: {string.Join(", ", available)}")
{
    public IReadOnlyList<string> Unknown { get; } = unknown;

    public IReadOnlyList<string> Available { get; } = available;
}

/// <summary>
/// The scheduled maintenance: daily VACUUM (ANALYZE) of every table, weekly REINDEX
/// CONCURRENTLY of every index, one object at a time, each step under a lock timeout so
/// that it gives way to MLflow instead of making MLflow wait.
/// </summary>
public sealed class Maintainer(NpgsqlDataSource dataSource, MaintenanceSettings settings, TextWriter progress)
{
    private static readonly string[] Schemas = ["public", "mlflow_archive"];

    public async Task<IReadOnlyList<MaintenanceStep>> VacuumAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // statement_timeout is the session's --command-timeout (DatabaseTarget's startup option), which outranks a role's own.
        await conn.ExecuteAsync($"set lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
        var notices = new List<string>();
        // SKIP_LOCKED reports a table it could not lock at once as a warning, and VERBOSE what it removed, as notices.
        conn.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        var steps = new List<MaintenanceStep>();
        var clock = Stopwatch.StartNew();
        var tables = await TablesAsync(conn, ct);
        foreach (var table in tables)
        {
            if (clock.Elapsed > settings.Budget)
            {
                steps.Add(new MaintenanceStep("vacuum", table, StepOutcome.NotReached, TimeSpan.Zero, $"the {settings.Budget.TotalMinutes:0} min budget was spent"));
                continue;
            }
            Starting("vacuum", table, steps.Count + 1, tables.Count);
            notices.Clear();
            var sw = Stopwatch.StartNew();
            try
            {
                await conn.ExecuteAsync($"vacuum (analyze, skip_locked, verbose) {table}", ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                notices.Add("lock not available");
            }
            catch (PostgresException e)
            {
                steps.Add(new MaintenanceStep("vacuum", table, StepOutcome.Failed, sw.Elapsed, $"{e.MessageText} (SQLSTATE {e.SqlState})"));
                continue;
            }
            sw.Stop();
            if (notices.Any(n => n.Contains("lock not available", StringComparison.Ordinal)))
            {
                steps.Add(new MaintenanceStep("vacuum", table, StepOutcome.SkippedLocked, sw.Elapsed, "another session holds a conflicting lock (a schema change, another VACUUM): skipped, next run retries"));
                continue;
            }
            steps.Add(new MaintenanceStep("vacuum", table, StepOutcome.Done, sw.Elapsed, VacuumVerbose.Summary(notices, table)));
        }
        return steps;
    }

    public async Task<IReadOnlyList<MaintenanceStep>> ReindexAsync(CancellationToken ct)
    {
        // statement_timeout is the session's --command-timeout (DatabaseTarget's startup option), which outranks a role's own.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var steps = new List<MaintenanceStep>();
        var clock = Stopwatch.StartNew();
        var indexes = await IndexesAsync(conn, ct);
        foreach (var (index, table, valid) in indexes)
        {
            if (!valid)
            {
                steps.Add(new MaintenanceStep("reindex", index, StepOutcome.Failed, TimeSpan.Zero, "invalid (an interrupted concurrent build): dbops migrate rebuilds the platform's own; drop or rebuild others"));
                continue;
            }
            if (clock.Elapsed > settings.Budget)
            {
                steps.Add(new MaintenanceStep("reindex", index, StepOutcome.NotReached, TimeSpan.Zero, $"the {settings.Budget.TotalMinutes:0} min budget was spent"));
                continue;
            }
            Starting("reindex", index, steps.Count + 1, indexes.Count);
            var before = await SizeAsync(conn, index, ct);
            var sw = Stopwatch.StartNew();
            try
            {
                await conn.ExecuteAsync($"set lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
                await conn.ExecuteAsync($"reindex index concurrently {index}", ct);
                sw.Stop();
                var after = await SizeAsync(conn, index, ct);
                steps.Add(new MaintenanceStep("reindex", index, StepOutcome.Done, sw.Elapsed, $"{Mb(before)} -> {Mb(after)} MB"));
            }
            catch (PostgresException e)
            {
                sw.Stop();
                var leftovers = await DropLeftoversAsync(conn, index, table, ct);
                var outcome = e.SqlState == PostgresErrorCodes.LockNotAvailable ? StepOutcome.SkippedLocked : StepOutcome.Failed;
                var why = outcome == StepOutcome.SkippedLocked
                    ? $"no lock within {settings.LockTimeout.TotalSeconds:0.#} s: skipped, next run retries"
                    : $"{e.MessageText} (SQLSTATE {e.SqlState})";
                steps.Add(new MaintenanceStep("reindex", index, outcome, sw.Elapsed, why + leftovers));
            }
        }
        return steps;
    }

    /// <summary>
    /// An interrupted REINDEX CONCURRENTLY leaves the half-built copy behind as an invalid
    /// index named after the original with _ccnew (or the old one, _ccold): drop it, so it costs
    /// no writes and the next run starts clean.
    /// </summary>
    private async Task<string> DropLeftoversAsync(NpgsqlConnection conn, string index, string table, CancellationToken ct)
    {
        var name = index[(index.LastIndexOf('.') + 1)..].Trim('"');
        await using var cmd = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, c.relname)
            from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
            where i.indrelid = $1::regclass and not i.indisvalid and (c.relname like $2 || '_ccnew%' or c.relname like $2 || '_ccold%')
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = table });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        var leftovers = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) leftovers.Add(r.GetString(0));
        }
        var dropped = new List<string>();
        foreach (var l in leftovers)
        {
            try
            {
                await conn.ExecuteAsync($"drop index concurrently if exists {l}", ct);
                dropped.Add(l);
            }
            catch (PostgresException e)
            {
                progress.WriteLine($"dbops maintain: could not drop the leftover {l} ({e.MessageText}): drop index concurrently {l}");
            }
        }
        return dropped.Count == 0 ? "" : $"; dropped the half-built {string.Join(", ", dropped)}";
    }

    private async Task<IReadOnlyList<string>> TablesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, c.relname), n.nspname::text, c.relname::text
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind = 'r' and n.nspname = any($1)
            order by pg_total_relation_size(c.oid) desc, 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Schemas });
        var rows = new List<(string Qualified, string Schema, string Name)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }
        return Select(rows).Select(t => t.Qualified).ToArray();
    }

    private async Task<IReadOnlyList<(string Index, string Table, bool Valid)>> IndexesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, ic.relname), format('%I.%I', n.nspname, tc.relname), n.nspname::text, tc.relname::text, x.indisvalid
            from pg_index x
            join pg_class ic on ic.oid = x.indexrelid join pg_class tc on tc.oid = x.indrelid
            join pg_namespace n on n.oid = tc.relnamespace
            where n.nspname = any($1) and tc.relkind = 'r'
            order by pg_relation_size(x.indexrelid) desc, 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Schemas });
        var rows = new List<(string Index, string Qualified, string Schema, string Name, bool Valid)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4)));
        }
        var tables = Select(rows.Select(r => (r.Qualified, r.Schema, r.Name)).Distinct().ToList()).Select(t => t.Qualified).ToHashSet();
        return rows.Where(r => tables.Contains(r.Qualified)).Select(r => (r.Index, r.Qualified, r.Valid)).ToArray();
    }

    /// <summary>The tables --tables names (schema.table, or a table of MLflow's schema); all when it names none.</summary>
    private IEnumerable<(string Qualified, string Schema, string Name)> Select(List<(string Qualified, string Schema, string Name)> all)
    {
        if (settings.Tables.Count == 0) return all;
        var unknown = settings.Tables.Where(t => !all.Any(a => Matches(t, a))).ToArray();
        if (unknown.Length > 0)
        {
            throw new UnknownTablesException(unknown, all.Select(a => a.Schema == "public" ? a.Name : $"{a.Schema}.{a.Name}").ToArray());
        }
        return all.Where(a => settings.Tables.Any(t => Matches(t, a)));
    }

    private static bool Matches(string wanted, (string Qualified, string Schema, string Name) table) =>
        wanted == $"{table.Schema}.{table.Name}" || (wanted == table.Name && table.Schema == "public");

    private static async Task<long> SizeAsync(NpgsqlConnection conn, string index, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_relation_size($1::regclass)", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = index });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One progress line on stderr as a step starts, so a long VACUUM shows what it is on; how
    /// each step ended is the table on stdout, once (printing it here too doubled every step).
    /// </summary>
    private void Starting(string task, string target, int number, int of) =>
        progress.WriteLine($"dbops maintain: {task} {target} ({number} of {of})");

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
