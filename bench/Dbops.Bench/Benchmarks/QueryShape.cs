namespace Dbops.Bench.Benchmarks;

/// <summary>The parameters one execution of a shape takes: an experiment, one of its runs, and that run's metric, param and tag.</summary>
public sealed record Sample(int ExperimentId, long ExperimentRuns, string RunUuid, string MetricKey, string ParamKey, string ParamValue, string TagKey, string TagValue);

/// <summary>
/// A query MLflow (or the seed's examples) runs, in the SQL MLflow's SQLAlchemy store
/// produces for it, written from the facts file. <see cref="Writes"/>: run inside a
/// transaction that is rolled back, so every execution sees the same data.
/// </summary>
public sealed record QueryShape(string Name, string Sql, Func<Sample, object[]> Args, bool Writes = false);

public static class QueryShapes
{
    public static readonly IReadOnlyList<QueryShape> All =
    [
        new("search runs: active runs of an experiment by start_time",
            """
            select r.* from runs r
            where r.experiment_id = $1 and r.lifecycle_stage = 'active'
            order by r.start_time desc, r.run_uuid
            limit 100
            """,
            s => [s.ExperimentId]),
        new("search runs: ordered by a metric",
            """
            select r.*, m.value from runs r
            left join (select run_uuid, value, is_nan from latest_metrics where key = $2) m on m.run_uuid = r.run_uuid
            where r.experiment_id = $1 and r.lifecycle_stage = 'active'
            order by case when m.is_nan then 1 when m.value is null then 2 else 0 end, m.value desc, r.start_time desc, r.run_uuid
            limit 100
            """,
            s => [s.ExperimentId, s.MetricKey]),
        new("search runs: filtered by a param and a tag",
            """
            select r.* from runs r
            join (select run_uuid from params where key = $2 and value = $3) p on p.run_uuid = r.run_uuid
            join (select run_uuid from tags where key = $4 and value = $5) t on t.run_uuid = r.run_uuid
            where r.experiment_id = $1 and r.lifecycle_stage = 'active'
            order by r.start_time desc, r.run_uuid
            limit 100
            """,
            s => [s.ExperimentId, s.ParamKey, s.ParamValue, s.TagKey, s.TagValue]),
        new("metric history of a run",
            "select key, value, timestamp, step, is_nan from metrics where run_uuid = $1 and key = $2 order by step, timestamp",
            s => [s.RunUuid, s.MetricKey]),
        new("seed: runs per experiment",
            "select experiment_id, count(*) from runs group by experiment_id order by experiment_id",
            _ => []),
        new("seed: latest 10 runs by start_time",
            "select run_uuid, name, experiment_id, start_time from runs order by start_time desc limit 10",
            _ => []),
        new("seed: best accuracy (runs join metrics)",
            """
            select r.run_uuid, r.name, m.value, m.step from runs r join metrics m on m.run_uuid = r.run_uuid
            where m.key = 'accuracy' and not m.is_nan
            order by m.value desc limit 1
            """,
            _ => []),
        new("seed: model versions in Production",
            "select name, version, run_id from model_versions where current_stage = 'Production' order by name, version",
            _ => []),
        new("delete a run (children first; rolled back)",
            """
            delete from metrics where run_uuid = $1;
            delete from latest_metrics where run_uuid = $1;
            delete from params where run_uuid = $1;
            delete from tags where run_uuid = $1;
            delete from runs where run_uuid = $1
            """,
            s => [s.RunUuid], Writes: true),
        new("log a batch: 10 steps of each metric of a run (rolled back)",
            """
            insert into metrics (key, value, timestamp, run_uuid, step, is_nan)
            select key, value * 0.99, timestamp + g, run_uuid, step + g, false from latest_metrics, generate_series(1, 10) as g where run_uuid = $1;
            update latest_metrics set value = value * 0.99, timestamp = timestamp + 10, step = step + 10 where run_uuid = $1
            """,
            s => [s.RunUuid], Writes: true),
    ];
}
