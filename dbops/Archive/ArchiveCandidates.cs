using Dbops.Data;
using Npgsql;

namespace Dbops.Archive;

/// <summary>An experiment to archive, with its runs still live.</summary>
public sealed record Candidate(int ExperimentId, string[] LiveRuns);

/// <summary>An idle experiment left live, and why.</summary>
public sealed record KeptLive(int ExperimentId, string Why);

public sealed record CandidateSet(IReadOnlyList<Candidate> Experiments, int SkippedForModels, IReadOnlyList<KeptLive> Referenced, long CutoffMs)
{
    public long Runs => Experiments.Sum(e => (long)e.LiveRuns.Length);
    public int[] Ids => Experiments.Select(e => e.ExperimentId).ToArray();
}

/// <summary>
/// Which experiments are idle past the window. Last activity is the latest of every time MLflow keeps
/// for the experiment and what it holds (<see cref="Activity"/>, those the schema has). Runs already in
/// the archive count too, so that an experiment half-moved by an interrupted run is still found, and
/// finished, by the next. Never archived: experiment 0 (MLflow's Default, which MLflow requires), an
/// experiment with no recorded time at all, one whose runs back a registered model version (the registry
/// would point at a run MLflow can no longer find), and one that a row outside the archived tables
/// points at (<see cref="ArchiveModel.Referrers"/>: a gateway endpoint logging to it, a guardrail using
/// its scorer), named with the foreign key.
/// </summary>
internal static class ArchiveCandidates
{
    /// <summary>A source of activity times: the table and columns it needs, and a query of (experiment_id, latest time in epoch ms).</summary>
    private sealed record Source(string Table, string[] Columns, string Sql);

    /// <summary>
    /// The times MLflow writes, in epoch milliseconds, by table (from mlflow-real-schemas.md, 2.17.2 to master):
    /// runs' start, end and deletion; latest metric timestamps (metrics' own, without scanning metrics); a trace's
    /// start plus its execution time; logged models' creation and update, their metrics; assessments and issues
    /// created or updated; scorer versions registered. Spans are not read: a trace's end covers its spans'.
    /// </summary>
    private static readonly Source[] Activity =
    [
        new("runs", ["start_time", "end_time", "deleted_time"], "select experiment_id, max(greatest(start_time, end_time, deleted_time)) from public.runs group by 1"),
        new("latest_metrics", ["timestamp", "run_uuid"], "select r.experiment_id, max(m.timestamp) from public.latest_metrics m join public.runs r on r.run_uuid = m.run_uuid group by 1"),
        new("trace_info", ["experiment_id", "timestamp_ms", "execution_time_ms"], "select experiment_id, max(timestamp_ms + coalesce(execution_time_ms, 0)) from public.trace_info group by 1"),
        new("logged_models", ["experiment_id", "creation_timestamp_ms", "last_updated_timestamp_ms"], "select experiment_id, max(greatest(creation_timestamp_ms, last_updated_timestamp_ms)) from public.logged_models group by 1"),
        new("logged_model_metrics", ["experiment_id", "metric_timestamp_ms"], "select experiment_id, max(metric_timestamp_ms) from public.logged_model_metrics group by 1"),
        new("assessments", ["trace_id", "created_timestamp", "last_updated_timestamp"], "select t.experiment_id, max(greatest(a.created_timestamp, a.last_updated_timestamp)) from public.assessments a join public.trace_info t on t.request_id = a.trace_id group by 1"),
        new("issues", ["experiment_id", "created_timestamp", "last_updated_timestamp"], "select experiment_id, max(greatest(created_timestamp, last_updated_timestamp)) from public.issues group by 1"),
        new("scorer_versions", ["scorer_id", "creation_time"], "select s.experiment_id, max(v.creation_time) from public.scorer_versions v join public.scorers s on s.scorer_id = v.scorer_id group by 1"),
    ];

    public static async Task<CandidateSet> FindAsync(NpgsqlConnection conn, ArchiveModel model, bool archiveExists, TimeSpan olderThan, CancellationToken ct)
    {
        long cutoff;
        await using (var cmd = new NpgsqlCommand("select (extract(epoch from now()) * 1000)::bigint - $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = (long)olderThan.TotalMilliseconds });
            cutoff = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var sources = Activity.Where(s => model.LiveColumns.TryGetValue(s.Table, out var c) && s.Columns.All(c.Contains)).Select(s => s.Sql).ToList();
        if (archiveExists) sources.Add($"select experiment_id, max(greatest(start_time, end_time, deleted_time)) from {ArchiveModel.Archive}.runs group by 1");
        var backsModels = model.LiveColumns.TryGetValue("model_versions", out var mv) && mv.Contains("run_id")
            ? "exists (select 1 from public.model_versions mv join public.runs r on r.run_uuid = mv.run_id where r.experiment_id = x.experiment_id)"
            : "false";
        var ids = await conn.RowsAsync(
            $"""
            with activity as (
                select experiment_id, max(t) as t from (
                    select experiment_id, greatest(creation_time, last_update_time) as t from public.experiments
                    {string.Concat(sources.Select(s => $"\n        union all {s}"))}
                ) a (experiment_id, t) group by experiment_id)
            select x.experiment_id, {backsModels}
            from activity x join public.experiments e on e.experiment_id = x.experiment_id
            where x.experiment_id <> 0 and x.t is not null and x.t < $1
            order by x.experiment_id
            """,
            r => (Id: r.GetInt32(0), BacksModels: r.GetBoolean(1)), ct, cutoff);
        var idle = ids.Where(i => !i.BacksModels).Select(i => i.Id).ToArray();

        var referenced = new List<KeptLive>();
        foreach (var referrer in model.Referrers)
        {
            var k = referrer.Key;
            var owned = model.Owned(k.References, ArchiveModel.Live, ArchiveKeys.Experiments, "array[x.e]");
            if (owned == "false") continue;
            var hit = await conn.RowsAsync(
                $"""
                select x.e from unnest($1::int[]) as x(e)
                where exists (select 1 from public.{ArchiveModel.Q(k.Table)} f
                              where ({string.Join(", ", k.Columns.Select(c => "f." + ArchiveModel.Q(c)))}) in
                                    (select {string.Join(", ", k.ReferencedColumns.Select(ArchiveModel.Q))} from public.{ArchiveModel.Q(k.References)} where {owned}))
                """, r => r.GetInt32(0), ct, (object)idle.Except(referenced.Select(r => r.ExperimentId)).ToArray());
            referenced.AddRange(hit.Select(e => new KeptLive(e, $"{k} points at its rows; {referrer.Why}")));
        }
        // A row with several parents can belong to an idle experiment and to a live one at once (a logged model's metric
        // logged by a run of another experiment, an issue whose source run is elsewhere): moving it would take the live
        // experiment's data, leaving it would keep a pointer into the archive. Such an idle experiment stays live; so may,
        // in turn, one that shares rows with it, hence the loop. One scan per such table finds none in the usual case.
        var shared = model.Tables.Where(t => t.Parents.Select(p => p.References).Distinct().Count() >= 2).ToArray();
        for (var changed = true; changed && shared.Length > 0;)
        {
            changed = false;
            var current = idle.Except(referenced.Select(r => r.ExperimentId)).ToArray();
            const string others = "array(select experiment_id from public.experiments where experiment_id <> all($1))";
            foreach (var t in shared)
            {
                var theirs = model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments, others);
                var table = $"public.{ArchiveModel.Q(t.Name)}";
                var any = await conn.RowsAsync($"select exists (select 1 from {table} where {model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments)} and {theirs})",
                    r => r.GetBoolean(0), ct, (object)current);
                if (!any[0]) continue;
                var hit = await conn.RowsAsync(
                    $"select x.e from unnest($1::int[]) as x(e) where exists (select 1 from {table} where {model.Owned(t.Name, ArchiveModel.Live, ArchiveKeys.Experiments, "array[x.e]")} and {theirs})",
                    r => r.GetInt32(0), ct, (object)current);
                referenced.AddRange(hit.Select(e => new KeptLive(e,
                    $"rows of {t.Name} belong to it and to a live experiment too (through {string.Join(", ", t.Parents.Select(p => p.Name))}): moving them would take that experiment's data")));
                changed |= hit.Count > 0;
                if (changed) break;
            }
        }
        var chosen = idle.Except(referenced.Select(r => r.ExperimentId)).ToArray();

        var runs = new Dictionary<int, List<string>>();
        foreach (var (e, run) in await conn.RowsAsync("select experiment_id, run_uuid::text from public.runs where experiment_id = any($1) order by experiment_id, run_uuid",
                     r => (r.GetInt32(0), r.GetString(1)), ct, (object)chosen))
        {
            if (!runs.TryGetValue(e, out var list)) runs[e] = list = [];
            list.Add(run);
        }
        var experiments = chosen.Select(e => new Candidate(e, runs.TryGetValue(e, out var l) ? l.ToArray() : [])).ToArray();
        return new CandidateSet(experiments, ids.Count(i => i.BacksModels), referenced.OrderBy(r => r.ExperimentId).ToArray(), cutoff);
    }
}
