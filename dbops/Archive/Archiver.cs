using Dbops.Ops;
using Npgsql;

namespace Dbops.Archive;

/// <summary>What one <c>dbops archive</c> found, moved and counted.</summary>
public sealed record ArchiveOutcome(
    CandidateSet Candidates,
    IReadOnlyList<TableCount> Planned,
    IReadOnlyList<TableCount>? After,
    IReadOnlyDictionary<string, long> Moved,
    int Batches,
    int ExperimentsArchived,
    IReadOnlyList<int> LeftInPlace,
    TimeSpan Took)
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
/// Moves idle experiments into the archive schema in batches of runs. A batch is one
/// transaction: it locks its runs, moves every row of theirs, children first (each table by
/// one DELETE ... RETURNING feeding an INSERT, so a row is never in both places, nor in
/// neither), then the runs, then every experiment the batch left without runs with its
/// tags and datasets. A crash rolls the open batch back; the next run finds the rest.
/// </summary>
public sealed class Archiver(NpgsqlDataSource dataSource, ArchiveSettings settings, TextWriter progress)
{
    public async Task<ArchiveOutcome> RunAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (conn.PostgreSqlVersion.Major >= 14)
        {
            // A killed dbops is noticed within a second even mid-statement, so its locks go and a re-run can start.
            await ExecuteAsync(conn, "set client_connection_check_interval = 1000", ct);
        }
        await using var held = await AdvisoryLock.AcquireAsync(conn, AdvisoryLock.ArchiveKey, settings.LockWait,
            holder => progress.WriteLine($"dbops archive: waiting for {holder}, which is archiving this database"), ct);
        if (held is null)
        {
            throw new OpsException($"another dbops archive still holds the archive lock after {settings.LockWait.TotalSeconds:0} s ({await AdvisoryLock.HolderAsync(conn, AdvisoryLock.ArchiveKey, ct) ?? "holder gone"})");
        }
        var columns = await ArchivePreflight.CheckAsync(conn, ct);
        var candidates = await ArchiveCandidates.FindAsync(conn, settings.OlderThan, ct);
        var planned = await TableCounts.OfAsync(conn, candidates.Ids, ct);
        var moved = ArchiveTables.All.ToDictionary(t => t.Name, _ => 0L);
        if (settings.DryRun)
        {
            return new ArchiveOutcome(candidates, planned, null, moved, 0, 0, [], TimeSpan.Zero);
        }

        var report = new ArchiveProgress(candidates.Runs, candidates.Experiments.Count, progress);
        var pending = new Queue<Candidate>(candidates.Experiments);
        var runsOfBatch = new List<string>();
        var finished = 0;
        while (pending.Count > 0)
        {
            // Fill a batch with runs, experiment after experiment; an experiment whose runs all fit is finished in the same batch.
            runsOfBatch.Clear();
            var finishing = new List<int>();
            while (pending.Count > 0 && runsOfBatch.Count < settings.BatchRuns)
            {
                var next = pending.Peek();
                var room = settings.BatchRuns - runsOfBatch.Count;
                if (next.LiveRuns.Length <= room)
                {
                    runsOfBatch.AddRange(next.LiveRuns);
                    finishing.Add(pending.Dequeue().ExperimentId);
                }
                else
                {
                    runsOfBatch.AddRange(next.LiveRuns.Take(room));
                    pending.Dequeue();
                    // The rest of the experiment goes first in the next batch.
                    var rest = new Queue<Candidate>([next with { LiveRuns = next.LiveRuns[room..] }, .. pending]);
                    pending = rest;
                }
            }
            var (rows, done) = await MoveBatchAsync(conn, columns, runsOfBatch.ToArray(), finishing.ToArray(), moved, report.Batches + 1, ct);
            finished += done;
            report.Batch(runsOfBatch.Count, rows, done);
            if (settings.Pause > TimeSpan.Zero && pending.Count > 0) await Task.Delay(settings.Pause, ct);
        }

        var after = await TableCounts.OfAsync(conn, candidates.Ids, ct);
        var leftInPlace = await LiveExperimentsAsync(conn, candidates.Ids, ct);
        return new ArchiveOutcome(candidates, planned, after, moved, report.Batches, finished, leftInPlace, report.Elapsed);
    }

    private async Task<(long Rows, int Experiments)> MoveBatchAsync(
        NpgsqlConnection conn, IReadOnlyDictionary<string, string[]> columns, string[] runs, int[] finishing, Dictionary<string, long> moved, int batch, CancellationToken ct)
    {
        var counts = new Dictionary<string, long>();
        int[] emptied;
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await ExecuteAsync(conn, $"set local lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
            // Lock the batch's runs first: a write to one of them now waits for the batch, or the batch for it.
            var locked = await QueryAsync(conn, "select run_uuid::text from public.runs where run_uuid = any($1) order by run_uuid for update", runs, ct);
            foreach (var t in ArchiveTables.RunLevel) counts[t.Name] = await MoveAsync(conn, t, columns[t.Name], locked.ToArray(), ct);
            emptied = await EmptiedAsync(conn, finishing, ct);
            foreach (var t in ArchiveTables.ExperimentLevel) counts[t.Name] = await MoveAsync(conn, t, columns[t.Name], emptied, ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            throw new OpsException($"batch {batch} waited longer than {settings.LockTimeout.TotalSeconds:0.#} s for a lock that MLflow holds on its runs; nothing of batch {batch} moved, earlier batches are archived: run dbops archive again to resume");
        }
        foreach (var (table, n) in counts) moved[table] += n;
        return (counts.Values.Sum(), emptied.Length);
    }

    private static async Task<long> MoveAsync<T>(NpgsqlConnection conn, ArchivedTable table, string[] columns, T[] keys, CancellationToken ct)
    {
        if (keys.Length == 0) return 0;
        var list = string.Join(", ", columns.Select(c => "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
        await using var cmd = new NpgsqlCommand(
            $"""
            with moved as (delete from {ArchiveTables.Live}.{table.Name} where {table.Predicate} returning {list})
            insert into {ArchiveTables.Archive}.{table.Name} ({list}) select {list} from moved
            """, conn) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Of the experiments the batch should finish, those with no live run left (a run MLflow created meanwhile keeps its experiment live).</summary>
    private static async Task<int[]> EmptiedAsync(NpgsqlConnection conn, int[] experiments, CancellationToken ct)
    {
        if (experiments.Length == 0) return [];
        await using var cmd = new NpgsqlCommand(
            "select e from unnest($1::int[]) as e where not exists (select 1 from public.runs r where r.experiment_id = e) order by e", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = experiments });
        var ids = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetInt32(0));
        return ids.ToArray();
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

    private static async Task<List<string>> QueryAsync(NpgsqlConnection conn, string sql, string[] arg, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        var rows = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(r.GetString(0));
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
