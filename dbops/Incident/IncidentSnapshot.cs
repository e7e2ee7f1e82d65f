namespace Dbops.Incident;

/// <summary>
/// What <c>dbops incident</c> found in one read-only pass: what the incident runbooks
/// (docs/runbooks/incidents/) ask a responder to look at first. Ages in seconds, sizes in bytes,
/// lags in milliseconds; every statement text with its string literals masked.
/// </summary>
public sealed record IncidentSnapshot(
    ServerInfo Server,
    IReadOnlyList<BlockingChain> BlockingChains,
    IReadOnlyList<SessionInfo> OldestTransactions,
    IReadOnlyList<SessionInfo> IdleInTransaction,
    IReadOnlyList<SessionInfo> LongestRunning,
    ConnectionUse Connections,
    Replication Replication,
    Wraparound Wraparound,
    TopStatements Statements,
    IReadOnlyList<TableGrowth> Tables,
    IReadOnlyList<string> Notes)
{
    /// <summary>Every session read (the lists above show the first rows only): what the actions choose from. Not rendered.</summary>
    internal IReadOnlyList<SessionInfo> Sessions { get; init; } = [];
}

public sealed record ServerInfo(string Version, string Database, DateTime At, bool InRecovery, int MaxConnections, int ReservedConnections, long AutovacuumFreezeMaxAge);

/// <summary>One client session as pg_stat_activity shows it. Protected: a session the actions never touch, and why.</summary>
public sealed record SessionInfo(
    int Pid,
    string? Role,
    string Application,
    string? Database,
    string? State,
    string BackendType,
    DateTime BackendStart,
    double? TransactionSeconds,
    double? QuerySeconds,
    double? StateSeconds,
    string? WaitEvent,
    IReadOnlyList<int> BlockedBy,
    string Query,
    string? Protected)
{
    /// <summary>The raw timestamps an action re-checks, so that it never hits another session that took the same pid, or the next statement.</summary>
    internal DateTime? QueryStart { get; init; }
    internal DateTime? StateChange { get; init; }

    public bool IdleInTransaction => State is "idle in transaction" or "idle in transaction (aborted)";
}

/// <summary>A session that blocks others without itself waiting for a lock, and every session waiting behind it, directly or not.</summary>
public sealed record BlockingChain(SessionInfo Root, IReadOnlyList<BlockedSession> Blocked);

public sealed record BlockedSession(int Depth, SessionInfo Session);

public sealed record ConnectionUse(
    int Total,
    int MaxConnections,
    int ReservedConnections,
    IReadOnlyList<RoleConnections> ByRole,
    IReadOnlyList<ApplicationConnections> ByApplication,
    IReadOnlyDictionary<string, int> ByState);

/// <summary>Limit: the role's CONNECTION LIMIT (pg_roles.rolconnlimit), null when it has none.</summary>
public sealed record RoleConnections(string Role, int Connections, int? Limit);

public sealed record ApplicationConnections(string Application, string? Role, int Connections, int Active, int IdleInTransaction);

public sealed record Replication(
    double? ReplayLagMs,
    IReadOnlyList<Replica> Replicas,
    IReadOnlyList<ReplicationSlot> Slots,
    IReadOnlyList<AuroraReplica>? Aurora,
    IReadOnlyList<AuroraGlobalRegion>? AuroraGlobal);

public sealed record Replica(string Application, string? ClientAddress, string? State, string? SyncState, double? WriteLagMs, double? FlushLagMs, double? ReplayLagMs, long? BehindBytes);

public sealed record ReplicationSlot(string Name, string Type, bool Active, long? RetainedBytes);

public sealed record AuroraReplica(string ServerId, bool Writer, double? LagMs);

public sealed record AuroraGlobalRegion(string Region, double? DurabilityLagMs, double? RpoLagMs);

/// <summary>Transaction ids used since the oldest unfrozen one; PostgreSQL stops assigning new ones 3 million short of 2^31.</summary>
public sealed record Wraparound(IReadOnlyList<DatabaseAge> Databases, IReadOnlyList<TableAge> Tables);

public sealed record DatabaseAge(string Database, long XidAge, long MultiXidAge, double ShareOfWraparound);

public sealed record TableAge(string Table, long XidAge, double ShareOfWraparound);

/// <summary>
/// pg_stat_statements keeps totals since its last reset and no timestamps, so "the last minutes"
/// is the difference between two reads <see cref="WindowSeconds"/> apart (0: the totals since the reset).
/// </summary>
public sealed record TopStatements(bool Available, string? Note, double WindowSeconds, DateTime? StatsSince, IReadOnlyList<StatementUse> Items);

public sealed record StatementUse(string Query, long Calls, double TotalMs, double MeanMs, long Rows);

/// <summary>
/// Size from pg_class (pages as of the last VACUUM or ANALYZE), read without taking a lock: during
/// lock contention a size function would queue behind the very lock being waited for.
/// Row changes from pg_stat_user_tables, since the statistics were reset and within the window.
/// </summary>
public sealed record TableGrowth(string Table, long EstimatedBytes, long LiveRows, long DeadRows, long Inserted, long Updated, long Deleted, long InsertedInWindow, long ChangedInWindow);
