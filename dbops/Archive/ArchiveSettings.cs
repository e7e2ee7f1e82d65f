namespace Dbops.Archive;

public sealed record ArchiveSettings
{
    /// <summary>Experiments whose last activity is older than this move to the archive.</summary>
    public TimeSpan OlderThan { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Runs per batch; each batch (the runs, all their rows, and experiments it empties) is one transaction.</summary>
    /// <remarks>
    /// 1000 kept on measurement (docs/benchmarks/2026-12-03-bench-archive.md: 100 K runs, 33,293 of them archived,
    /// 4 rounds each, with V8's indexes, near-quiet machine): 1000 moved a median 199,275 rows/s, 2000 194,970
    /// (0.978x) and 4000 189,975 (0.953x), each within a spread of 1.6-3.6 %. A larger batch saves on the runs
    /// delete and loses more in the metrics move, and holds its runs' row locks (MLflow's writes to them) longer.
    /// </remarks>
    public int BatchRuns { get; init; } = 1000;

    /// <summary>Only count what would move.</summary>
    public bool DryRun { get; init; }

    /// <summary>How long to wait for another dbops archive on the same database.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a batch may wait for a row lock MLflow holds (a write to an old run): the batch
    /// gives up, rolls back, and the command says to run again, rather than stall.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A pause between batches, to let replicas and autovacuum keep up on a busy primary.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.Zero;
}
