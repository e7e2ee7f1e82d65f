namespace Dbops.Report;

/// <summary>Everything <c>dbops report</c> shows, as read from the server's catalogue and statistics.</summary>
public sealed record DatabaseReport(
    DatabaseFacts Database,
    IReadOnlyList<TableFacts> Tables,
    IReadOnlyList<IndexFacts> Indexes,
    SlowStatements Statements,
    GcBacklog Backlog);

public sealed record DatabaseFacts(string Name, long Bytes, string ServerVersion, DateTime? StatsSince);

/// <param name="BloatBytes">Estimated space beyond what the live rows need at the table's fillfactor (0 when within the estimate's error).</param>
public sealed record TableFacts(
    string Schema, string Table, long LiveRows, long DeadRows, long TableBytes, long IndexBytes, long TotalBytes,
    long BloatBytes, DateTime? LastVacuum, DateTime? LastAnalyze)
{
    public double BloatShare => TableBytes == 0 ? 0 : (double)BloatBytes / TableBytes;
}

/// <param name="CoveredBy">Another index of the table whose leading columns are this one's: this one adds nothing for lookups.</param>
public sealed record IndexFacts(string Schema, string Index, string Table, long Bytes, long Scans, bool Unique, string? CoveredBy)
{
    /// <summary>Never scanned since statistics were reset, and not there to enforce uniqueness.</summary>
    public bool Unused => Scans == 0 && !Unique;
}

public sealed record SlowStatement(string Query, long Calls, double MeanMs, double MaxMs, double TotalMs, long Rows);

/// <param name="Note">Why the list is empty or partial, e.g. pg_stat_statements not installed.</param>
public sealed record SlowStatements(bool Available, string? Note, double SlowMs, IReadOnlyList<SlowStatement> Items);

/// <summary>Soft-deleted runs (lifecycle_stage 'deleted') that mlflow gc has not removed yet, and their rows.</summary>
public sealed record GcBacklog(long Runs, DateTime? OldestDeleted, IReadOnlyDictionary<string, long> Rows);
