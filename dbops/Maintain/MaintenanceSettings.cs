namespace Dbops.Maintain;

public sealed record MaintenanceSettings
{
    /// <summary>
    /// How long one step may wait for a lock. VACUUM's lock does not block MLflow's reads and
    /// writes, but REINDEX CONCURRENTLY's final swap briefly takes the index exclusively, and a
    /// waiting lock request queues MLflow's queries behind it: better to skip and retry next time.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>No new step starts after this much time; the rest is reported as not reached.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Tables to work on (schema.table or table); empty: every table of MLflow's schema and of the archive.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];
}

public enum StepOutcome { Done, SkippedLocked, NotReached, Failed }

/// <summary>One table vacuumed or one index rebuilt: how it went, how long it took, what changed.</summary>
public sealed record MaintenanceStep(string Task, string Target, StepOutcome Outcome, TimeSpan Took, string Detail);
