using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

public sealed record RestoreSettings
{
    public required int ExperimentId { get; init; }

    /// <summary>A new name for the experiment, when MLflow has given its name to another one meanwhile.</summary>
    public string? RenameTo { get; init; }

    public bool DryRun { get; init; }

    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>What a restore brought back (or, on a dry run, would), per table.</summary>
public sealed record RestoreOutcome(int ExperimentId, string Name, IReadOnlyList<TableCount> Restored, IReadOnlyList<string> SchemaChanges, bool DryRun);

/// <summary>
/// <c>dbops archive restore --experiment ID</c>: brings one archived experiment back, with every row the
/// archive holds for it, in one transaction under the archive lock. The archive is first brought up to the
/// live columns (an MLflow upgrade since the archival: the added columns get MLflow's default). Rows go
/// back parents first (the reverse of the move's order) and leave the archive children first; each
/// table's count in must equal its count out, or the whole restore rolls back. A live experiment with the
/// same name (MLflow lets a new experiment take an archived one's name: experiments are unique on name in
/// 2.x, on workspace and name in 3.x) stops it before anything is written, naming that experiment and the
/// way out (--rename-to). Any other conflict (a key taken meanwhile, a parent gone) rolls back with the
/// database's message: nothing is ever half restored.
/// </summary>
public sealed class ArchiveRestore(NpgsqlDataSource dataSource, RestoreSettings settings, TextWriter progress)
{
    public async Task<RestoreOutcome> RunAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var held = await Archiver.TakeLockAsync(conn, new ArchiveSettings { LockWait = settings.LockWait }, progress, ct);
        var model = await ArchiveModel.LoadAsync(conn, ct);
        if (model.Problems.Count > 0) throw new OpsException(string.Join(Environment.NewLine, model.Problems));
        var id = settings.ExperimentId;
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync($"set local lock_timeout = {(long)settings.LockTimeout.TotalMilliseconds}", ct);
        var changes = await ArchiveSchema.SyncAsync(conn, model, ct);

        var names = await conn.RowsAsync($"select name::text from {ArchiveModel.Archive}.experiments where experiment_id = $1", r => r.GetString(0), ct, id);
        if (names.Count == 0)
        {
            var live = await conn.RowsAsync("select 1 from public.experiments where experiment_id = $1", r => r.GetInt32(0), ct, id);
            throw new OpsException(live.Count > 0
                ? $"experiment {id} is live, not archived: nothing to restore"
                : $"experiment {id} is not in {ArchiveModel.Archive}.experiments: nothing to restore (dbops archive --dry-run lists what is archived by table; select experiment_id, name from {ArchiveModel.Archive}.experiments lists the experiments)");
        }
        if (await conn.RowsAsync("select 1 from public.experiments where experiment_id = $1", r => r.GetInt32(0), ct, id) is { Count: > 0 })
        {
            throw new OpsException($"experiment {id} is both live and archived (an archive interrupted between its runs and the experiment?): run dbops archive to finish it, or compare the two before restoring");
        }
        var name = settings.RenameTo ?? names[0];
        await CheckNameAsync(conn, id, name, ct);

        var columns = (await ArchiveSchema.ColumnsAsync(conn, model.Tables.Select(t => t.Name), ct))
            .Where(c => c.Key.Schema == ArchiveModel.Live)
            .ToDictionary(c => c.Key.Table, c => c.Value.Where(x => !x.Generated).Select(x => x.Name).ToArray(), StringComparer.Ordinal);
        var ids = new[] { id };
        var restored = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            // Parents first into the live tables (their foreign keys are checked row by row) ...
            foreach (var t in model.Tables.Reverse())
            {
                var list = string.Join(", ", columns[t.Name].Select(ArchiveModel.Q));
                var select = t.Name == "experiments" && settings.RenameTo is not null
                    ? string.Join(", ", columns[t.Name].Select(c => c == "name" ? "$2::text" : ArchiveModel.Q(c)))
                    : list;
                object[] args = t.Name == "experiments" && settings.RenameTo is not null ? [ids, settings.RenameTo] : [ids];
                restored[t.Name] = await conn.ExecuteAsync(
                    $"insert into {ArchiveModel.Live}.{ArchiveModel.Q(t.Name)} ({list}) select {select} from {ArchiveModel.Archive}.{ArchiveModel.Q(t.Name)} where {model.Owned(t.Name, ArchiveModel.Archive, ArchiveKeys.Experiments)}",
                    ct, args);
            }
            // ... then out of the archive, children first (the archive finds a child's rows through its parents there).
            foreach (var t in model.Tables)
            {
                var owned = model.Owned(t.Name, ArchiveModel.Archive, ArchiveKeys.Experiments);
                var removed = PackedMetrics.Applies(t.Name, columns[t.Name])
                    ? await PackedMetrics.DeleteAsync(conn, owned, ids, ct)
                    : await conn.ExecuteAsync($"delete from {ArchiveModel.Archive}.{ArchiveModel.Q(t.Name)} where {owned}", ct, (object)ids);
                if (removed != restored[t.Name])
                {
                    throw new OpsException($"restore of experiment {id} rolled back: {restored[t.Name]} rows of {t.Name} went live but {removed} left the archive; nothing was restored");
                }
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.CheckViolation)
        {
            throw new OpsException($"restore of experiment {id} rolled back, nothing was restored: {e.TableName}: {e.MessageText}{(e.Detail is null ? "" : " (" + e.Detail + ")")}");
        }
        var counts = model.Tables.Reverse().Select(t => new TableCount(t.Name, restored[t.Name], 0)).ToArray();
        if (settings.DryRun) await tx.RollbackAsync(ct);
        else await tx.CommitAsync(ct);
        return new RestoreOutcome(id, name, counts, changes, settings.DryRun);
    }

    /// <summary>
    /// The experiment's unique keys other than its id (read from the catalog: name on 2.x, workspace and name on 3.x),
    /// against the live experiments: a clash names the live experiment and how to resolve it.
    /// </summary>
    private static async Task CheckNameAsync(NpgsqlConnection conn, int id, string name, CancellationToken ct)
    {
        var keys = await conn.RowsAsync(
            """
            select i.relname::text, array(select a.attname::text from unnest(x.indkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n order by k.o)
            from pg_index x join pg_class i on i.oid = x.indexrelid
            where x.indrelid = 'public.experiments'::regclass and x.indisunique and not x.indisprimary and x.indexprs is null
            order by 1
            """, r => (Name: r.GetString(0), Columns: r.GetFieldValue<string[]>(1)), ct);
        foreach (var key in keys.Where(k => k.Columns.Contains("name")))
        {
            var others = key.Columns.Where(c => c != "name").ToArray();
            var match = string.Join(" and ", others.Select(c => $"l.{ArchiveModel.Q(c)} = a.{ArchiveModel.Q(c)}").Append("l.name = $2"));
            var clash = await conn.RowsAsync(
                $"""
                select l.experiment_id, l.name::text{string.Concat(others.Select(c => $", l.{ArchiveModel.Q(c)}::text"))}
                from {ArchiveModel.Archive}.experiments a join public.experiments l on {match}
                where a.experiment_id = $1
                """, r => (Id: r.GetInt32(0), Values: Enumerable.Range(2, others.Length).Select(r.GetString).ToArray()), ct, id, name);
            if (clash.Count == 0) continue;
            var c = clash[0];
            var scope = others.Length == 0 ? "" : " in " + string.Join(", ", others.Select((o, i) => $"{o} '{c.Values[i]}'"));
            throw new OpsException(
                $"experiment {id} cannot be restored as '{name}': live experiment {c.Id} has that name{scope} ({key.Name}); " +
                $"restore it under another name with --rename-to NEW_NAME, or rename or delete experiment {c.Id} in MLflow first");
        }
    }
}
