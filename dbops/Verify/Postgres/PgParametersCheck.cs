using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The parameters the stack's parameter group sets are in force, and pg_stat_statements is
/// loaded. Parameters only RDS defines (<c>rds.*</c>) are noted, not failed, where the
/// server does not know them, so the same contract checks a plain PostgreSQL too.
/// </summary>
public sealed class PgParametersCheck(PgEndpoint endpoint) : PgCheck(endpoint)
{
    protected override string Name => "parameters";
    public override string Category => Categories.PostgresServer;

    private const string PreloadLibraries = "shared_preload_libraries";

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var expected = new Dictionary<string, string>(Endpoint.Target.Parameters, StringComparer.Ordinal);
        var names = expected.Keys.Append(PreloadLibraries).Distinct().ToArray();
        var actual = (await conn.RowsAsync(
                "select name, setting, current_setting(name) from pg_settings where name = any($1)",
                r => (Name: r.GetString(0), Setting: r.GetString(1), Shown: r.GetString(2)), ct, (object)names))
            .ToDictionary(r => r.Name, StringComparer.Ordinal);

        var problems = new List<string>();
        var notes = new List<string>();
        var seen = new Dictionary<string, object?>();
        foreach (var (name, want) in expected.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(name, out var have))
            {
                if (name.StartsWith("rds.", StringComparison.Ordinal)) notes.Add($"{name} not visible (not RDS)");
                else problems.Add($"{name} is not a parameter this server knows (expected {want})");
                continue;
            }
            seen[name] = have.Setting;
            if (!Matches(name, want, have.Setting, have.Shown))
            {
                problems.Add($"{name} is {have.Setting}, expected {want}");
            }
        }
        var preload = actual.TryGetValue(PreloadLibraries, out var libs) ? libs.Setting : "";
        if (!Libraries(preload).Contains("pg_stat_statements"))
        {
            problems.Add($"pg_stat_statements is not loaded ({PreloadLibraries} is '{preload}')");
        }
        seen[PreloadLibraries] = preload;

        var data = new Dictionary<string, object?>(seen);
        if (problems.Count > 0) return CheckResult.Fail(string.Join("; ", problems), data);
        var summary = $"{seen.Count} parameters as expected, pg_stat_statements loaded";
        return CheckResult.Pass(notes.Count == 0 ? summary : $"{summary}; {string.Join("; ", notes)}", data);
    }

    /// <summary>Exact in the server's base unit ("1000") or as SHOW prints it ("1s"); a library list only has to contain the expected ones.</summary>
    private static bool Matches(string name, string want, string setting, string shown)
    {
        if (name == PreloadLibraries) return Libraries(want).IsSubsetOf(Libraries(setting));
        return string.Equals(want, setting, StringComparison.OrdinalIgnoreCase) || string.Equals(want, shown, StringComparison.OrdinalIgnoreCase);
    }

    private static HashSet<string> Libraries(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
