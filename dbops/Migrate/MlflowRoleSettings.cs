namespace Dbops.Migrate;

/// <summary>
/// Planner and memory settings of the application role (<c>mlflow_app</c>, MLflow's login) in its
/// database, applied by <c>dbops migrate</c> with the role's timeouts (<see cref="ApplicationRoleStep"/>)
/// and used by <c>make bench-db</c>'s "platform settings" phase: one list for both. Chosen by timing
/// MLflow's real search statements at 100 K runs (docs/benchmarks/; the statements in
/// <see cref="Dbops.Verify.Postgres.MlflowSearchSql"/>). Per role, not in the cluster's parameter
/// group: they are right for MLflow's short searches, not for dbops' maintenance or analysts' reports.
/// </summary>
public static class MlflowRoleSettings
{
    public sealed record Setting(string Name, string Value, string Why);

    public static readonly IReadOnlyList<Setting> All =
    [
        // Search ordered by a metric sorts every active run of the experiment (MLflow's DISTINCT over
        // every runs column): about 4.7 MB at 14 K runs, which spills to disk at PostgreSQL's default
        // 4 MB (an external merge, measured). 32 MB keeps an experiment several times that size in memory;
        // it is a per-sort limit, so a search uses it once or twice.
        new("work_mem", "32MB", "the sort of search runs ordered by a metric stays in memory"),
        // MLflow's DISTINCT makes PostgreSQL 15 choose an incremental sort over the platform's index
        // only on a parallel plan (Gather Merge); starting the worker costs more than the whole search
        // (about 4 ms, and 100 ms and more on a loaded host, measured). With no worker to start, the
        // leader runs that same plan alone: the page costs the 101 rows it reads. PostgreSQL 16 (Aurora)
        // also plans the incremental sort without parallelism; the setting keeps its searches free of
        // worker starts as well. The parallel plans of other roles (dbops, analytics) are untouched.
        new("max_parallel_workers", "0", "no parallel worker starts for MLflow's page-sized searches"),
        // That plan exists only where the planner may scan the index in parallel, which it considers only
        // when the experiment's part of platform_runs_experiment_stage_start is at least 512 kB (the default):
        // at 100 K runs the experiments of 2-5 K runs fall short, and there the cheapest plan left walked
        // platform_runs_start_time (every run of every experiment, newest first) until it had found 101 of
        // theirs: 87-122 ms for an experiment whose runs are older than 70-80 K others, the tail of the
        // default search and of the metric filter (EXPLAIN ANALYZE per experiment, docs/benchmarks/
        // 2026-12-02-bench-db-2.md). At 0 they get the index's page (1.5-6 ms). No worker is started (above),
        // so the setting changes plans, not the work a search runs with.
        new("min_parallel_index_scan_size", "0", "the experiment's index gives the search its order at every experiment size"),
    ];
}
