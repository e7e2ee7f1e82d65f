using System.Reflection;
using System.Text.RegularExpressions;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The platform's own schema additions: the indexes that the versioned migrations in
/// dbops/migrations (V1__name.sql ...) create, read from the copies embedded in this build,
/// so the verifier expects exactly what the same commit's migrations create.
/// </summary>
public sealed partial class PlatformMigrations(IReadOnlyList<PlatformMigrations.Migration> migrations)
{
    public sealed record Migration(string Name, string Sql);

    public IReadOnlyList<Migration> All => migrations;

    /// <summary>Index names created by the migrations, in order, each with the migration that creates it.</summary>
    public IReadOnlyList<(string Index, string Migration)> Indexes =>
        migrations.SelectMany(m => CreateIndex().Matches(m.Sql).Select(x => (x.Groups["name"].Value.Trim('"'), m.Name))).ToArray();

    public static PlatformMigrations Embedded()
    {
        var assembly = typeof(PlatformMigrations).Assembly;
        var found = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new Migration(n["migrations/".Length..], Read(assembly, n)))
            .OrderBy(m => Version(m.Name))
            .ToArray();
        return new PlatformMigrations(found);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var s = assembly.GetManifestResourceStream(name)!;
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    private static int Version(string file) => VersionPrefix().Match(file) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;

    [GeneratedRegex(@"create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?(?<name>""[^""]+""|[A-Za-z_][A-Za-z0-9_$]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"^V(\d+)__")]
    private static partial Regex VersionPrefix();
}
