namespace Dbops.Verify;

/// <summary>
/// Everything about a run that is not in the contract: trust, limits and thresholds.
/// Defaults follow the platform's scaling guide and check_postgres.
/// </summary>
public sealed record VerifySettings
{
    /// <summary>PEM file of CA certificates the servers' certificates must chain to (verify-full); null: the system's trust store.</summary>
    public string? CaBundlePath { get; init; }

    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan OverallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Overrides the contract's <c>postgres.alembicRevision</c>.</summary>
    public string? AlembicRevision { get; init; }

    public TimeSpan LongTransaction { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A lock wait shorter than this warns (it may be a deploy's own DDL); longer fails.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Overrides the contract's <c>postgres.replicaLagMs</c> (the replica lag alarm's threshold).</summary>
    public TimeSpan? ReplicaLag { get; init; }

    /// <summary>The scaling guide's line: queries under 1 s.</summary>
    public TimeSpan QuerySlo { get; init; } = TimeSpan.FromSeconds(1);

    public double ConnectionsWarn { get; init; } = 0.80;
    public double ConnectionsFail { get; init; } = 0.95;

    /// <summary>check_postgres txn_wraparound defaults: warn at 1.3 billion, critical at 1.4 billion.</summary>
    public long WraparoundWarn { get; init; } = 1_300_000_000;
    public long WraparoundFail { get; init; } = 1_400_000_000;

    public TimeSpan RedisPingWarn { get; init; } = TimeSpan.FromMilliseconds(50);
}
