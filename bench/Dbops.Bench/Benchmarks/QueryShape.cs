using Dbops.Data;
using Dbops.Verify.Postgres;

namespace Dbops.Bench.Benchmarks;

/// <summary>The parameters one execution of a shape takes: an experiment, one of its runs, and that run's metric (with its latest value), param and tag.</summary>
public sealed record Sample(int ExperimentId, long ExperimentRuns, string RunUuid, string MetricKey, string ParamKey, string ParamValue, string TagKey, string TagValue, double MetricValue = 0.5);

/// <summary>
/// A query MLflow (or the seed's examples) runs. <see cref="Sql"/> and <see cref="Args"/>: a
/// statement with parameters. <see cref="Literal"/>: a statement as MLflow's store sends it, values
/// inlined (<see cref="MlflowSearchSql"/>), and <see cref="FollowUps"/> the statements the same call
/// sends next for the run ids the first returned (timed apart and as the call's total).
/// <see cref="Writes"/>: run inside a transaction that is rolled back, so every execution sees the same data.
/// </summary>
public sealed record QueryShape(string Name, string Sql, Func<Sample, object[]> Args, bool Writes = false)
{
    public Func<Sample, string>? Literal { get; init; }
    public Func<IReadOnlyList<string>, IReadOnlyList<string>>? FollowUps { get; init; }

    /// <summary>A search_runs call of MLflow's store on <paramref name="release"/>'s schema.</summary>
    public static QueryShape Search(MlflowRelease release, MlflowSearchSql.Shape shape) =>
        new(MlflowSearchSql.Describe(shape), "", _ => [])
        {
            Literal = s => MlflowSearchSql.MainStatement(release, shape, Values(s)),
            FollowUps = ids => MlflowSearchSql.FollowUps(release, ids),
        };

    /// <summary>
    /// The sample's values in a shape: its experiment, its run's metric key (ordered by, or filtered
    /// below that run's latest value, so the share of matching runs varies), param and tag.
    /// </summary>
    public static MlflowSearchSql.SearchValues Values(Sample s) =>
        new(s.ExperimentId, s.MetricKey, s.ParamKey, s.ParamValue, s.TagKey, s.TagValue, s.MetricValue);
}

public static class QueryShapes
{
    /// <summary>MLflow's four search_runs calls on the release's schema, then the other shapes.</summary>
    public static IReadOnlyList<QueryShape> For(MlflowRelease release) =>
        [.. Enum.GetValues<MlflowSearchSql.Shape>().Select(s => QueryShape.Search(release, s)), .. Others];

    /// <summary>Metric history, the seed's four examples (sent as the PostgreSQL guide writes them) and two writes.</summary>
    public static readonly IReadOnlyList<QueryShape> Others =
    [
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
