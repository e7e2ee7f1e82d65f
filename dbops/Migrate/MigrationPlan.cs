namespace Dbops.Migrate;

public enum MigrationState { Applied, Pending, Changed }

/// <summary>One migration of this build and what the database's history says of it.</summary>
public sealed record MigrationStep(Migration Migration, MigrationState State, AppliedMigration? Applied);

/// <summary>
/// An index of a <c>-- dbops:if-table-exists</c> migration as the database stands: whether its table exists and
/// whether a valid index of that name is there. Lets --dry-run say what a run will skip (pending, table missing)
/// and what it will build for an applied migration (table created by MLflow's upgrade since, index missing).
/// </summary>
public sealed record ConditionalIndex(string Migration, PlatformMigrations.PlatformIndex Index, bool TableExists, bool Built)
{
    /// <summary>Built by the next run although its migration is applied: <see cref="Migrator"/>'s catch-up build.</summary>
    public bool CatchUp => TableExists && !Built;
}

/// <summary>
/// What <c>dbops migrate</c> would do: this build's migrations against the history table.
/// Problems stop a run before anything is applied.
/// </summary>
public sealed record MigrationPlan(IReadOnlyList<MigrationStep> Steps, IReadOnlyList<AppliedMigration> Unknown)
{
    public IEnumerable<MigrationStep> Pending => Steps.Where(s => s.State == MigrationState.Pending);

    /// <summary>Every index of this build's <c>-- dbops:if-table-exists</c> migrations, read by <see cref="Migrator.PlanAsync"/>; empty when not read.</summary>
    public IReadOnlyList<ConditionalIndex> ConditionalIndexes { get; init; } = [];

    /// <summary>The indexes the next run builds for migrations already applied, where MLflow has created their tables since.</summary>
    public IEnumerable<ConditionalIndex> CatchUpBuilds =>
        ConditionalIndexes.Where(c => c.CatchUp && Steps.Any(s => s.State == MigrationState.Applied && s.Migration.Name == c.Migration));

    /// <summary>What the database says of the index <paramref name="statement"/> of <paramref name="m"/> creates, if it is a conditional one.</summary>
    public ConditionalIndex? Conditional(Migration m, string statement) =>
        PlatformMigrations.CreatedIndex(statement, m.Name) is { } created
            ? ConditionalIndexes.FirstOrDefault(c => c.Migration == m.Name && c.Index.Index == created.Index)
            : null;

    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            foreach (var s in Steps.Where(s => s.State == MigrationState.Changed))
            {
                problems.Add($"{s.Migration.Name} was changed after it was applied (checksum {Short(s.Applied!.Checksum)} applied {s.Applied.InstalledOn:yyyy-MM-dd}, {Short(s.Migration.Checksum)} now): an applied migration must not change; add a new migration instead");
            }
            foreach (var u in Unknown)
            {
                problems.Add($"V{u.Version} ({u.Script}) is applied but not in this build: run the dbops built from the commit that applied it, or a newer one");
            }
            var lastApplied = Steps.Where(s => s.State != MigrationState.Pending).Select(s => s.Migration.Version).DefaultIfEmpty(0).Max();
            lastApplied = Math.Max(lastApplied, Unknown.Select(u => u.Version).DefaultIfEmpty(0).Max());
            foreach (var p in Pending.Where(p => p.Migration.Version < lastApplied))
            {
                problems.Add($"{p.Migration.Name} is older than V{lastApplied}, which is already applied: migrations apply in version order; give it a version above {lastApplied}");
            }
            return problems;
        }
    }

    public static MigrationPlan Build(PlatformMigrations migrations, IReadOnlyList<AppliedMigration> history)
    {
        var applied = history.ToDictionary(h => h.Version);
        var steps = migrations.All.Select(m =>
        {
            if (!applied.TryGetValue(m.Version, out var a)) return new MigrationStep(m, MigrationState.Pending, null);
            var same = a.Checksum == m.Checksum || m.ValidChecksums.Contains(a.Checksum, StringComparer.Ordinal);
            return new MigrationStep(m, same ? MigrationState.Applied : MigrationState.Changed, a);
        }).ToArray();
        var known = migrations.All.Select(m => m.Version).ToHashSet();
        return new MigrationPlan(steps, history.Where(h => !known.Contains(h.Version)).ToArray());
    }

    private static string Short(string checksum) => checksum[..Math.Min(12, checksum.Length)];
}
