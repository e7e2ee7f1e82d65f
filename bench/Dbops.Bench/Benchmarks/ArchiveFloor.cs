using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dbops.Archive;
using Dbops.Cli;
using Dbops.Data;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// <c>dbops-bench archive-floor</c>: the part of the 90-day archival that no way of moving the rows avoids, on a copy of
/// a database (scripts/bench-archive.sh FLOOR=1, beside the real <c>dbops archive</c>). It finds the same experiments,
/// forms the same batches (<see cref="Archiver.Batches"/>) and names each table's rows by the same conditions
/// (<see cref="ArchiveModel.Owned"/>), one transaction a batch with the archival's session settings, children before
/// parents, run-level then experiment-level; what it leaves out is the rest of the archival: the lock of the batch's
/// runs, the check of which experiments are left without runs (the floor takes the batch's finishing experiments),
/// and, by mode,
/// <list type="bullet">
/// <item><c>delete</c>: each statement a bare <c>DELETE</c>, no RETURNING, nothing inserted. The runs delete of every
/// batch runs under <c>EXPLAIN (ANALYZE)</c>, whose per-constraint trigger times (the foreign-key checks each deleted
/// run fires) are summed over the batches.</item>
/// <item><c>returning</c>: <c>DELETE ... RETURNING</c> every column into a CTE that is only counted: the delete with
/// the returned rows' cost, without the insert.</item>
/// <item><c>copy</c>: for each table the archival's insert (the metrics packed into series) from a <c>SELECT</c> of
/// the same rows, then a bare <c>DELETE</c> of them, so that every later statement sees what the archival sees.</item>
/// </list>
/// It writes synthetic data's copies away: never point it at a real database.
/// </summary>
public static class ArchiveFloor
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var mode = new Option<string>("--mode") { Description = "delete, returning or copy", DefaultValueFactory = _ => "delete" };
        var days = new Option<int>("--older-than-days") { Description = "the archival's window, days", DefaultValueFactory = _ => 90 };
        var batchRuns = new Option<int>("--batch-size") { Description = "runs per batch, as dbops archive --batch-size", DefaultValueFactory = _ => new ArchiveSettings().BatchRuns };
        mode.Validators.Add(r => { if (r.GetValueOrDefault<string>() is not ("delete" or "returning" or "copy")) r.AddError($"--mode {r.GetValueOrDefault<string>()}: expected delete, returning or copy"); });
        var command = new Command("archive-floor", "the archival's unavoidable statements alone, on a copy of a synthetic database (scripts/bench-archive.sh FLOOR=1)")
        {
            mode, days, batchRuns,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var ds = connection.Resolve(parse, console).OpenDataSource("dbops-bench archive-floor", maxPoolSize: 2);
            var result = await RunAsync(ds, parse.GetValue(mode)!, TimeSpan.FromDays(parse.GetValue(days)), parse.GetValue(batchRuns), console.Error, ct);
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(result, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true }));
            return ExitCodes.Ok;
        });
        return command;
    }

    public sealed record Statement(string Table, string Phase, string Kind, int Calls, long Rows, double Ms);
    public sealed record Trigger(string Constraint, long Calls, double Ms);
    public sealed record Result(string Mode, int Batches, long Rows, long MetricRows, double Seconds, IReadOnlyList<Statement> Statements, IReadOnlyList<Trigger> Triggers, double RunsDeleteExecutionMs);

    private static readonly Regex TriggerLine = new(@"Trigger for constraint (\S+): time=([0-9.]+) calls=([0-9]+)", RegexOptions.CultureInvariant);
    private static readonly Regex ExecutionLine = new(@"Execution Time: ([0-9.]+) ms", RegexOptions.CultureInvariant);

    public static async Task<Result> RunAsync(NpgsqlDataSource ds, string mode, TimeSpan olderThan, int batchRuns, TextWriter progress, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        var model = await ArchiveModel.LoadAsync(conn, ct);
        if (model.Problems.Count > 0) throw new OpsException(string.Join('\n', model.Problems));
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await ArchiveSchema.SyncAsync(conn, model, ct);
            await tx.CommitAsync(ct);
        }
        var columns = (await ArchiveSchema.ColumnsAsync(conn, model.Tables.Select(t => t.Name), ct))
            .Where(c => c.Key.Schema == ArchiveModel.Live).ToDictionary(c => c.Key.Table, c => c.Value.Select(x => x.Name).ToArray(), StringComparer.Ordinal);
        var candidates = await ArchiveCandidates.FindAsync(conn, model, true, olderThan, ct);
        var batches = Archiver.Batches(candidates.Experiments, batchRuns).ToArray();

        var stats = new Dictionary<(string Table, string Phase, string Kind), (int Calls, long Rows, double Ms)>();
        var triggers = new Dictionary<string, (long Calls, double Ms)>(StringComparer.Ordinal);
        var runsExecution = 0.0;
        void Add(string table, string phase, string kind, long rows, double ms)
        {
            var k = (table, phase, kind);
            var (c, r, m) = stats.GetValueOrDefault(k);
            stats[k] = (c + 1, r + rows, m + ms);
        }
        async Task<long> Timed(string table, string phase, string kind, string sql, object keys, bool scalar)
        {
            var clock = Stopwatch.StartNew();
            long rows = scalar ? await conn.ScalarAsync<long>(sql, ct, keys) : await conn.ExecuteAsync(sql, ct, keys);
            Add(table, phase, kind, rows, clock.Elapsed.TotalMilliseconds);
            return rows;
        }
        async Task<long> Statements(string table, string phase, string predicate, object keys)
        {
            if (predicate == "false") return 0;
            var live = $"{ArchiveModel.Live}.{ArchiveModel.Q(table)}";
            var list = string.Join(", ", columns[table].Select(ArchiveModel.Q));
            var packed = PackedMetrics.Applies(table, columns[table]);
            switch (mode)
            {
                case "delete" when table == "runs" && phase == "run":
                {
                    // The runs delete under EXPLAIN ANALYZE: the same delete, with its foreign-key triggers' times.
                    var clock = Stopwatch.StartNew();
                    var plan = await conn.RowsAsync($"explain (analyze) delete from {live} where {predicate}", r => r.GetString(0), ct, keys);
                    var ms = clock.Elapsed.TotalMilliseconds;
                    foreach (var line in plan)
                    {
                        if (TriggerLine.Match(line) is { Success: true } t)
                        {
                            var (c, m) = triggers.GetValueOrDefault(t.Groups[1].Value);
                            triggers[t.Groups[1].Value] = (c + long.Parse(t.Groups[3].Value, CultureInfo.InvariantCulture), m + double.Parse(t.Groups[2].Value, CultureInfo.InvariantCulture));
                        }
                        if (ExecutionLine.Match(line) is { Success: true } e) runsExecution += double.Parse(e.Groups[1].Value, CultureInfo.InvariantCulture);
                    }
                    var rows = ((Array)keys).Length;
                    Add(table, phase, "delete", rows, ms);
                    return rows;
                }
                case "delete":
                    return await Timed(table, phase, "delete", $"delete from {live} where {predicate}", keys, false);
                case "returning":
                    return await Timed(table, phase, "returning", $"with moved as (delete from {live} where {predicate} returning {list}) select count(*) from moved", keys, true);
                default:
                {
                    var insert = packed
                        ? $"with moved as (select {list} from {live} where {predicate}), packed as ({PackedMetrics.Pack("moved", columns[table])}) select count(*) from moved"
                        : $"with moved as (insert into {ArchiveModel.Archive}.{ArchiveModel.Q(table)} ({list}) select {list} from {live} where {predicate} returning 1) select count(*) from moved";
                    var rows = await Timed(table, phase, "insert", insert, keys, true);
                    await Timed(table, phase, "delete", $"delete from {live} where {predicate}", keys, false);
                    return rows;
                }
            }
        }

        long total = 0, metricRows = 0;
        var move = Stopwatch.StartNew();
        foreach (var (i, (runs, finishing)) in batches.Index())
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            // The archival's session settings for a batch (Archiver.MoveBatchAsync), so that the plans are the same.
            await conn.ExecuteAsync("set local enable_seqscan = off", ct);
            await conn.ExecuteAsync("set local jit = off", ct);
            long rows = 0;
            foreach (var t in model.RunLevel)
            {
                var n = await Statements(t.Name, "run", model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Runs), runs);
                rows += n;
                if (t.Name == PackedMetrics.Table) metricRows += n;
            }
            if (finishing.Length > 0)
            {
                foreach (var t in model.Tables)
                {
                    var n = await Statements(t.Name, "experiment", model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments), finishing);
                    rows += n;
                    if (t.Name == PackedMetrics.Table) metricRows += n;
                }
            }
            await tx.CommitAsync(ct);
            total += rows;
            progress.WriteLine($"dbops-bench archive-floor ({mode}): batch {i + 1}/{batches.Length}: {rows:N0} rows, {move.Elapsed.TotalSeconds:0.0} s");
        }
        move.Stop();
        return new Result(mode, batches.Length, total, metricRows, move.Elapsed.TotalSeconds,
            stats.Select(s => new Statement(s.Key.Table, s.Key.Phase, s.Key.Kind, s.Value.Calls, s.Value.Rows, Math.Round(s.Value.Ms, 1))).OrderByDescending(s => s.Ms).ToArray(),
            triggers.Select(t => new Trigger(t.Key, t.Value.Calls, Math.Round(t.Value.Ms, 1))).OrderByDescending(t => t.Ms).ToArray(),
            Math.Round(runsExecution, 1));
    }
}
