using System.Text.RegularExpressions;

namespace Dbops.Tests.Layout;

/// <summary>
/// The direction dbops' folders may depend on each other (dbops/README.md, "Layout and
/// dependencies"), and a reader of C# source that finds where a file reaches outside it.
/// A folder is a layer: dbops/Verify/Postgres/PgCheck.cs belongs to Verify, and must declare a
/// namespace under Dbops.Verify.
/// </summary>
internal static partial class Layering
{
    /// <summary>
    /// The root (Program.cs) is the process's entry: it starts the run's clock (Output's RunTimings) and calls the CLI. Verify's one reach
    /// sideways, to Migrate, is one-way: verify checks that the platform's migrations are in place
    /// and reads what they create from the migrations themselves (PlatformIndexesCheck), so that the
    /// list of platform indexes lives in one place; Migrate needs nothing of Verify.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Contract"] = [],
        ["Output"] = [],
        ["Data"] = ["Contract"],
        ["Migrate"] = ["Contract", "Data", "Output"],
        ["Archive"] = ["Contract", "Data", "Output"],
        ["Report"] = ["Contract", "Data", "Output"],
        ["Maintain"] = ["Contract", "Data", "Output"],
        ["Incident"] = ["Contract", "Data", "Output"],
        ["Verify"] = ["Contract", "Data", "Output", "Migrate"],
        ["Cli"] = ["Contract", "Data", "Output", "Migrate", "Archive", "Report", "Maintain", "Incident", "Verify"],
        [""] = ["Cli", "Output"],
    };

    public static IEnumerable<string> Layers => Allowed.Keys.Where(k => k.Length > 0);

    /// <summary>The layer of a file from its path under dbops/ ("" for a file directly in dbops/).</summary>
    public static string LayerOf(string relativePath)
    {
        var parts = relativePath.Replace('\\', '/').Split('/');
        return parts.Length == 1 ? "" : parts[0];
    }

    /// <summary>Each reference of <paramref name="source"/> (a file of <paramref name="layer"/>) to a layer it may not use, as "file:line: text".</summary>
    public static IEnumerable<string> Violations(string layer, string file, string source)
    {
        if (!Allowed.TryGetValue(layer, out var allowed))
        {
            yield return $"{file}: folder {layer}/ is in no layer of the table; add it (and to dbops/README.md)";
            yield break;
        }
        var lines = StripComments(source).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (NamespaceDeclaration().Match(line) is { Success: true } ns && layer.Length > 0 && ns.Groups[1].Value != layer)
            {
                yield return $"{file}:{i + 1}: declares namespace Dbops.{ns.Groups[1].Value}{ns.Groups[2].Value} in folder {layer}/";
            }
            foreach (Match m in Reference().Matches(line))
            {
                var target = m.Groups["layer"].Value;
                if (target != layer && !allowed.Contains(target))
                {
                    yield return $"{file}:{i + 1}: {layer} uses {target} ({m.Value.Trim()}); {(layer.Length == 0 ? "the root" : layer)} may use {(allowed.Length == 0 ? "no other layer" : string.Join(", ", allowed))}";
                }
            }
        }
    }

    /// <summary>Comments go (a &lt;see cref&gt; or a mention in prose is no dependency); line breaks stay, for line numbers.</summary>
    internal static string StripComments(string source)
    {
        var block = BlockComment().Replace(source, m => new string('\n', m.Value.Count(c => c == '\n')));
        return LineComment().Replace(block, "");
    }

    private const string LayerNames = "Archive|Cli|Contract|Data|Incident|Maintain|Migrate|Output|Report|Verify";

    /// <summary>
    /// <c>using Dbops.X;</c> (static and alias forms too), and a qualified name <c>Dbops.X.Type</c> or
    /// <c>X.Type</c>: every dbops namespace sits under Dbops, so code inside any of them may name
    /// another by its last part alone (<c>Cli.UsageException</c>). A member access such as
    /// <c>r.Data.Count</c> is preceded by a dot and is no reference.
    /// </summary>
    [GeneratedRegex(@"(?<![\w.])(?:using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Dbops\.(?<layer>" + LayerNames + @")\b|(?:global::)?(?:Dbops\.)?(?<layer>" + LayerNames + @")\.(?=[A-Z]))")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\s*namespace\s+Dbops\.(\w+)([\w.]*)")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();
}
