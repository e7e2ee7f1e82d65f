using System.Reflection;
using System.Text.RegularExpressions;

namespace Dbops.Migrate;

/// <summary>
/// The platform's versioned migrations (dbops/migrations/V1__name.sql ...), embedded in this
/// build so that <c>dbops migrate</c> applies, and <c>dbops verify</c> expects, exactly what
/// the same commit holds.
/// </summary>
public sealed partial class PlatformMigrations(IReadOnlyList<Migration> migrations)
{
    public IReadOnlyList<Migration> All { get; } = migrations.OrderBy(m => m.Version).ToArray();

    /// <summary>
    /// An index a migration creates and no later migration drops. <paramref name="IfTableExists"/>: its
    /// migration holds <c>-- dbops:if-table-exists</c>, so it is expected only where its table exists.
    /// </summary>
    public sealed record PlatformIndex(string Index, string? Schema, string Table, string Migration, bool IfTableExists = false);

    /// <summary>
    /// Indexes the migrations leave behind, in order, each with the migration that creates it.
    /// Schema is null where the migration leaves it to the search path (MLflow's own schema).
    /// </summary>
    public IReadOnlyList<PlatformIndex> Indexes
    {
        get
        {
            var found = new List<PlatformIndex>();
            foreach (var m in All)
            {
                foreach (var statement in m.Statements.Select(SqlStatements.Normalize))
                {
                    if (CreatedIndex(statement, m.Name) is { } created)
                    {
                        found.Add(created with { IfTableExists = m.IfTableExists });
                    }
                    else if (DropIndex().Match(statement) is { Success: true } d)
                    {
                        var name = Unquote(d.Groups["name"].Value);
                        found.RemoveAll(i => i.Index == name);
                    }
                }
            }
            return found;
        }
    }

    public static PlatformMigrations Embedded()
    {
        var assembly = typeof(PlatformMigrations).Assembly;
        var found = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new Migration(n["migrations/".Length..], Read(assembly, n)))
            .ToArray();
        return new PlatformMigrations(found);
    }

    /// <summary>
    /// What makes the set unusable: a bad name, a repeated version, a statement that cannot
    /// run where the file says it runs. Empty when all is well.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var m in All)
        {
            if (m.Version < 1)
            {
                problems.Add($"{m.Name}: not a migration name; expected V<n>__<description>.sql with n >= 1 (letters, digits, underscores)");
                continue;
            }
            IReadOnlyList<string> statements;
            try
            {
                statements = m.Statements;
            }
            catch (FormatException e)
            {
                problems.Add($"{m.Name}: {e.Message}");
                continue;
            }
            if (statements.Count == 0) problems.Add($"{m.Name}: no statement");
            foreach (var c in m.ValidChecksums.Where(c => !Sha256Hex().IsMatch(c)))
            {
                problems.Add($"{m.Name}: '{Migration.ValidChecksumDirective} {c}' is not a checksum; expected the 64 lowercase hex digits of an earlier text's SHA-256 (dbops migrate --dry-run shows the first 12 of each)");
            }
            // Skipping a statement and running it on a later dbops migrate is only sound for index builds that are safe to re-run.
            if (m.IfTableExists && (!m.NoTransaction || statements.Any(s => CreatedIndex(s, m.Name) is null)))
            {
                problems.Add($"{m.Name}: '{Migration.IfTableExistsDirective}' needs '{Migration.NoTransactionDirective}' and nothing but CREATE INDEX CONCURRENTLY IF NOT EXISTS statements (an index is skipped while its table is missing and built by a later run)");
            }
            foreach (var s in statements.Select(SqlStatements.Normalize))
            {
                var concurrently = Concurrently().IsMatch(s);
                if (!m.NoTransaction && concurrently)
                {
                    problems.Add($"{m.Name}: '{Abbreviate(s)}' cannot run inside a transaction; mark the file with '{Migration.NoTransactionDirective}'");
                }
                // Outside a transaction a failure leaves earlier statements applied: every statement must be safe to run again.
                if (m.NoTransaction && !ReRunnable().IsMatch(s))
                {
                    problems.Add($"{m.Name}: '{Abbreviate(s)}' is not allowed in a no-transaction migration; allowed: CREATE INDEX CONCURRENTLY IF NOT EXISTS, DROP INDEX CONCURRENTLY IF EXISTS, ANALYZE (each safe to re-run)");
                }
            }
        }
        foreach (var dup in All.Where(m => m.Version >= 1).GroupBy(m => m.Version).Where(g => g.Count() > 1))
        {
            problems.Add($"version {dup.Key} is used by {string.Join(" and ", dup.Select(m => m.Name))}");
        }
        return problems;
    }

    /// <summary>The index a statement creates, or null when it creates none.</summary>
    internal static PlatformIndex? CreatedIndex(string statement, string migration) =>
        CreateIndex().Match(SqlStatements.Normalize(statement)) is { Success: true } c
            ? new PlatformIndex(Unquote(c.Groups["name"].Value), NullIfEmpty(Unquote(c.Groups["schema"].Value)), Unquote(c.Groups["table"].Value), migration)
            : null;

    /// <summary>The index a statement creates, for tools that time the builds.</summary>
    public static PlatformIndex? CreatedIndexOf(string statement) => CreatedIndex(statement, "");

    internal static string Abbreviate(string statement) => statement.Length <= 90 ? statement : statement[..87] + "...";

    private static string Read(Assembly assembly, string name)
    {
        using var s = assembly.GetManifestResourceStream(name)!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    private static string Unquote(string identifier) =>
        identifier.StartsWith('"') ? identifier.Trim('"').Replace("\"\"", "\"", StringComparison.Ordinal) : identifier.ToLowerInvariant();

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private const string Ident = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*)";

    [GeneratedRegex(@"^create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?<name>" + Ident + @")\s+on\s+(?:only\s+)?(?:(?<schema>" + Ident + @")\.)?(?<table>" + Ident + ")", RegexOptions.IgnoreCase)]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"^drop\s+index\s+(?:concurrently\s+)?(?:if\s+exists\s+)?(?:(?<schema>" + Ident + @")\.)?(?<name>" + Ident + ")", RegexOptions.IgnoreCase)]
    private static partial Regex DropIndex();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"\bconcurrently\b", RegexOptions.IgnoreCase)]
    private static partial Regex Concurrently();

    [GeneratedRegex(@"^(?:create\s+(?:unique\s+)?index\s+concurrently\s+if\s+not\s+exists\s|drop\s+index\s+concurrently\s+if\s+exists\s|analyze\b)", RegexOptions.IgnoreCase)]
    private static partial Regex ReRunnable();
}
