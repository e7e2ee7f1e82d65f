using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>What one <c>dbops archive</c> found, moved and counted.</summary>
/// <param name="SchemaChanges">What the archive schema needed to follow the live one (applied, or on a dry run what would be).</param>
/// <param name="Problems">Why the move refused, after counting; empty when it ran.</param>
public sealed record ArchiveOutcome(
    ArchiveModel Model,
    CandidateSet Candidates,
    IReadOnlyList<TableCount> Planned,
    IReadOnlyList<TableCount>? After,
    IReadOnlyDictionary<string, long> Moved,
    int Batches,
    int ExperimentsArchived,
    IReadOnlyList<int> LeftInPlace,
    TimeSpan Took,
    IReadOnlyList<string> SchemaChanges,
    IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Every row of the archived experiments is in the archive, none is left live, and the
    /// archive holds exactly what was there to move (live at the start plus what an earlier,
    /// interrupted run had moved already).
    /// </summary>
    public bool Reconciled => After is not null && LeftInPlace.Count == 0
        && After.All(a => a.Live == 0 && a.Archived == Planned.Single(p => p.Table == a.Table).Total);

    public long RowsMoved => Moved.Values.Sum();
}

/// <summary>
/// Moves idle experiments into the archive schema in batches of runs. First, under the archive lock,
/// the data model is read from the catalog (<see cref="ArchiveModel"/>) and the archive schema brought
/// up to the live one (<see cref="ArchiveSchema"/>, its own transaction). A batch is one transaction: it
/// locks its runs, moves every row that points at them (children first, each table by one
/// DELETE ... RETURNING feeding an INSERT, so a row is never in both places, nor in neither), then the
/// runs; then it locks the experiments the batch leaves without runs and moves every row that belongs
/// to them (traces, logged models, tags, datasets, associations ...) and the experiments. A crash rolls
/// the open batch back; the next run finds the rest. A dry run does all the reading and counting inside
/// a transaction that it rolls back, so it reports the schema changes a real run would make.
/// </summary>
public sealed class Archiver(NpgsqlDataSource dataSource, ArchiveSettings settings, TextWriter progress)
{
    public async Task<ArchiveOutcome> RunAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var held = await TakeLockAsync(conn, settings, progress, ct);
        var model = await ArchiveModel.LoadAsync(conn, ct);
        var problems = model.Problems.ToList();
        var archiveExists = await ArchiveSchema.ExistsAsync(conn, ct);
        if (!archiveExists) problems.Add($"the archive schema {ArchiveModel.Archive} is missing: run dbops migrate first");
        var moved = model.Tables.ToDictionary(t => t.Name, _ => 0L);

        if (settings.DryRun || problems.Count > 0)
        {
            // Read, change the archive's shape and count as a real run would, then leave no trace.
            await using var tx = await conn.BeginTransactionAsync(ct);
            await conn.ExecuteAsync($"set local lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
            var changes = archiveExists ? await ArchiveSchema.SyncAsync(conn, model, ct) : [];
            var found = await ArchiveCandidates.FindAsync(conn, model, archiveExists, settings.OlderThan, ct);
            var counts = await TableCounts.OfAsync(conn, model, found.Ids, archiveExists, ct);
            await tx.RollbackAsync(ct);
            return new ArchiveOutcome(model, found, counts, null, moved, 0, 0, [], TimeSpan.Zero, changes, problems);
        }

        IReadOnlyList<string> applied;
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await conn.ExecuteAsync($"set local lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
            applied = await ArchiveSchema.SyncAsync(conn, model, ct);
            await tx.CommitAsync(ct);
        }
        foreach (var change in applied) progress.WriteLine($"dbops archive: archive schema: {change}");
        var columns = (await ArchiveSchema.ColumnsAsync(conn, model.Tables.Select(t => t.Name), ct))
            .Where(c => c.Key.Schema == ArchiveModel.Live).ToDictionary(c => c.Key.Table, c => c.Value.Select(x => x.Name).ToArray(), StringComparer.Ordinal);
        var candidates = await ArchiveCandidates.FindAsync(conn, model, true, settings.OlderThan, ct);
        var planned = await TableCounts.OfAsync(conn, model, candidates.Ids, true, ct);

        var report = new ArchiveProgress(candidates.Runs, candidates.Experiments.Count, progress);
        var finished = 0;
        var batches = Batches(candidates.Experiments, settings.BatchRuns).ToArray();
        foreach (var (i, (runs, finishing)) in batches.Index())
        {
            var (rows, done) = await MoveBatchAsync(conn, model, columns, runs, finishing, moved, report.Batches + 1, ct);
            finished += done;
            report.Batch(runs.Length, rows, done);
            if (settings.Pause > TimeSpan.Zero && i < batches.Length - 1) await Task.Delay(settings.Pause, ct);
        }

        var after = await TableCounts.OfAsync(conn, model, candidates.Ids, true, ct);
        var leftInPlace = await LiveExperimentsAsync(conn, candidates.Ids, ct);
        return new ArchiveOutcome(model, candidates, planned, after, moved, report.Batches, finished, leftInPlace, report.Elapsed, applied, []);
    }

    /// <summary>
    /// The batches of a move: runs filled experiment after experiment, at most <paramref name="batchRuns"/> a batch; an
    /// experiment whose runs all fit is finishing in that batch (its rows beside its runs move once it has none left), one
    /// that does not fit goes on first in the next. The benchmark's floor (dbops-bench archive-floor) uses the same batches.
    /// </summary>
    internal static IEnumerable<(string[] Runs, int[] Finishing)> Batches(IReadOnlyList<Candidate> experiments, int batchRuns)
    {
        var pending = new Queue<Candidate>(experiments);
        while (pending.Count > 0)
        {
            var runs = new List<string>();
            var finishing = new List<int>();
            while (pending.Count > 0 && runs.Count < batchRuns)
            {
                var next = pending.Peek();
                var room = batchRuns - runs.Count;
                if (next.LiveRuns.Length <= room)
                {
                    runs.AddRange(next.LiveRuns);
                    finishing.Add(pending.Dequeue().ExperimentId);
                }
                else
                {
                    runs.AddRange(next.LiveRuns.Take(room));
                    pending.Dequeue();
                    pending = new Queue<Candidate>([next with { LiveRuns = next.LiveRuns[room..] }, .. pending]);
                }
            }
            yield return (runs.ToArray(), finishing.ToArray());
        }
    }

    /// <summary>The archive lock, which archive and restore share: one of them at a time per database.</summary>
    internal static async Task<AdvisoryLock> TakeLockAsync(NpgsqlConnection conn, ArchiveSettings settings, TextWriter progress, CancellationToken ct)
    {
        if (conn.PostgreSqlVersion.Major >= 14)
        {
            // A killed dbops is noticed within a second even mid-statement, so its locks go and a re-run can start.
            await conn.ExecuteAsync("set client_connection_check_interval = 1000", ct);
        }
        var held = await AdvisoryLock.AcquireAsync(conn, AdvisoryLock.ArchiveKey, settings.LockWait,
            holder => progress.WriteLine($"dbops archive: waiting for {holder}, which is archiving this database"), ct);
        return held ?? throw new OpsException($"another dbops archive still holds the archive lock after {settings.LockWait.TotalSeconds:0} s ({await AdvisoryLock.HolderAsync(conn, AdvisoryLock.ArchiveKey, ct) ?? "holder gone"})");
    }

    private async Task<(long Rows, int Experiments)> MoveBatchAsync(
        NpgsqlConnection conn, ArchiveModel model, IReadOnlyDictionary<string, string[]> columns, string[] runs, int[] finishing, Dictionary<string, long> moved, int batch, CancellationToken ct)
    {
        var counts = model.Tables.ToDictionary(t => t.Name, _ => 0L);
        int[] emptied;
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await conn.ExecuteAsync($"set local lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
            // A batch names its rows by a thousand run ids, and a sequential scan of a big table is never the right
            // plan for it; yet ANALYZE's sample underestimates the distinct run ids of metrics by far (39,175 for 1 M runs
            // at 100 M rows), so the planner expects 2,500 rows a run and chose a sequential scan of all 100 M rows for
            // every batch: 11 s a batch instead of 0.45 s (docs/benchmarks/2026-12-03-bench-db-1m.md). Sequential scans
            // priced out (enable_seqscan only discourages: a table without a usable index is still scanned) and no JIT,
            // whose compile the inflated estimate also set off, for the batch's statements and its foreign-key checks.
            // https://www.postgresql.org/docs/current/runtime-config-query.html (enable_seqscan, jit)
            await conn.ExecuteAsync("set local enable_seqscan = off", ct);
            await conn.ExecuteAsync("set local jit = off", ct);
            // Lock the batch's runs first: a write to one of them now waits for the batch, or the batch for it.
            var locked = (await conn.RowsAsync("select run_uuid::text from public.runs where run_uuid = any($1) order by run_uuid for update", r => r.GetString(0), ct, (object)runs)).ToArray();
            foreach (var t in model.RunLevel)
            {
                counts[t.Name] += await MoveAsync(conn, t.Name, model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Runs), columns[t.Name], locked, ct);
            }
            // The experiments the batch leaves without runs, locked so that MLflow cannot add one now (a new run would wait, then fail on its missing experiment).
            emptied = finishing.Length == 0 ? [] : (await conn.RowsAsync(
                "select experiment_id from public.experiments e where experiment_id = any($1) and not exists (select 1 from public.runs r where r.experiment_id = e.experiment_id) order by 1 for update",
                r => r.GetInt32(0), ct, (object)finishing)).ToArray();
            if (emptied.Length > 0)
            {
                // A run that MLflow inserted before that lock, and committed while the lock waited for it, is not seen by the
                // check's snapshot but is live now: locked and moved here as the batch's own runs are. After this no run of
                // these experiments exists nor can be added, so their rows are named without sub-selects of runs
                // (ArchiveKeys.RunlessExperiments): the statements for tables reached only through runs, which would find
                // nothing, are not run, and each of them probed every run the experiment ever had (gone, but still in the
                // index until vacuumed).
                var late = (await conn.RowsAsync("select run_uuid::text from public.runs where experiment_id = any($1) order by run_uuid for update",
                    r => r.GetString(0), ct, (object)emptied)).ToArray();
                if (late.Length > 0)
                {
                    foreach (var t in model.RunLevel)
                    {
                        counts[t.Name] += await MoveAsync(conn, t.Name, model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Runs), columns[t.Name], late, ct);
                    }
                }
                foreach (var t in model.Tables)
                {
                    counts[t.Name] += await MoveAsync(conn, t.Name, model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.RunlessExperiments), columns[t.Name], emptied, ct);
                }
            }
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new OpsException($"batch {batch} waited longer than {settings.LockTimeout.TotalSeconds:0.#} s for a lock that MLflow holds on its runs; nothing of batch {batch} moved, earlier batches are archived: run dbops archive again to resume");
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.UniqueViolation)
        {
            // A row written meanwhile that points at what the batch moves, or a row archived twice: the batch is rolled back whole.
            throw new OpsException($"batch {batch} rolled back, nothing of it moved ({e.MessageText}{(e.Detail is null ? "" : ": " + e.Detail)}); earlier batches are archived: run dbops archive again to resume");
        }
        foreach (var (table, n) in counts) moved[table] += n;
        return (counts.Values.Sum(), emptied.Length);
    }

    private static async Task<long> MoveAsync<T>(NpgsqlConnection conn, string table, string predicate, string[] columns, T[] keys, CancellationToken ct)
    {
        if (keys.Length == 0 || predicate == "false") return 0;
        if (PackedMetrics.Applies(table, columns)) return await PackedMetrics.MoveAsync(conn, predicate, columns, keys, ct);
        var list = string.Join(", ", columns.Select(ArchiveModel.Q));
        return await conn.ExecuteAsync(
            $"""
            with moved as (delete from {ArchiveModel.Live}.{ArchiveModel.Q(table)} where {predicate} returning {list})
            insert into {ArchiveModel.Archive}.{ArchiveModel.Q(table)} ({list}) select {list} from moved
            """, ct, (object)keys);
    }

    private static async Task<IReadOnlyList<int>> LiveExperimentsAsync(NpgsqlConnection conn, int[] experiments, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select experiment_id from public.experiments where experiment_id = any($1) order by 1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = experiments });
        var ids = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetInt32(0));
        return ids;
    }
}
