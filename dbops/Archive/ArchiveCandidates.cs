using Npgsql;

namespace Dbops.Archive;

/// <summary>An experiment to archive, with its runs still live.</summary>
public sealed record Candidate(int ExperimentId, string[] LiveRuns);

public sealed record CandidateSet(IReadOnlyList<Candidate> Experiments, int SkippedForModels, long CutoffMs)
{
    public long Runs => Experiments.Sum(e => (long)e.LiveRuns.Length);
    public int[] Ids => Experiments.Select(e => e.ExperimentId).ToArray();
}

/// <summary>
/// Which experiments are idle past the window. Last activity is the latest of the
/// experiment's creation and update times and of its runs' start, end and deletion times
/// and latest metric timestamps. Runs already in the archive count too, so that an
/// experiment half-moved by an interrupted run is still found, and finished, by the next.
/// Experiment 0 (MLflow's Default, which MLflow requires) is never archived, nor an
/// experiment with no recorded time at all, nor one whose runs back a registered model
/// version (the registry would point at a run MLflow can no longer find).
/// </summary>
internal static class ArchiveCandidates
{
    public static async Task<CandidateSet> FindAsync(NpgsqlConnection conn, TimeSpan olderThan, CancellationToken ct)
    {
        var ids = new List<(int Id, bool Referenced)>();
        long cutoff;
        await using (var cmd = new NpgsqlCommand("select (extract(epoch from now()) * 1000)::bigint - $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = (long)olderThan.TotalMilliseconds });
            cutoff = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await using (var cmd = new NpgsqlCommand(
            """
            with live as (
                select experiment_id, max(greatest(start_time, end_time, deleted_time)) as t from public.runs group by experiment_id),
            logged as (
                select r.experiment_id, max(m.timestamp) as t from public.latest_metrics m join public.runs r on r.run_uuid = m.run_uuid group by r.experiment_id),
            archived as (
                select experiment_id, max(greatest(start_time, end_time, deleted_time)) as t from mlflow_archive.runs group by experiment_id),
            activity as (
                select e.experiment_id, greatest(e.creation_time, e.last_update_time, l.t, g.t, a.t) as t
                from public.experiments e
                left join live l on l.experiment_id = e.experiment_id
                left join logged g on g.experiment_id = e.experiment_id
                left join archived a on a.experiment_id = e.experiment_id
                where e.experiment_id <> 0)
            select x.experiment_id,
                   exists (select 1 from public.model_versions mv join public.runs r on r.run_uuid = mv.run_id where r.experiment_id = x.experiment_id)
            from activity x
            where x.t is not null and x.t < $1
            order by x.experiment_id
            """, conn) { CommandTimeout = 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add((r.GetInt32(0), r.GetBoolean(1)));
        }
        var chosen = ids.Where(i => !i.Referenced).Select(i => i.Id).ToArray();
        var runs = new Dictionary<int, List<string>>();
        await using (var cmd = new NpgsqlCommand("select experiment_id, run_uuid::text from public.runs where experiment_id = any($1) order by experiment_id, run_uuid", conn) { CommandTimeout = 0 })
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = chosen });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var e = r.GetInt32(0);
                if (!runs.TryGetValue(e, out var list)) runs[e] = list = [];
                list.Add(r.GetString(1));
            }
        }
        var experiments = chosen.Select(e => new Candidate(e, runs.TryGetValue(e, out var l) ? l.ToArray() : [])).ToArray();
        return new CandidateSet(experiments, ids.Count(i => i.Referenced), cutoff);
    }
}
