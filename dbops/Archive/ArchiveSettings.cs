namespace Dbops.Archive;

public sealed record ArchiveSettings
{
    /// <summary>Experiments whose last activity is older than this move to the archive.</summary>
    public TimeSpan OlderThan { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Runs per batch; each batch (the runs, all their rows, and experiments it empties) is one transaction.</summary>
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
