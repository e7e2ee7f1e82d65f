using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dbops.Migrate;

/// <summary>
/// One versioned migration file, named as Flyway names them: <c>V&lt;n&gt;__&lt;description&gt;.sql</c>.
/// A file whose header holds the line <c>-- dbops:no-transaction</c> runs statement by
/// statement outside a transaction (CREATE INDEX CONCURRENTLY cannot run inside one).
/// </summary>
public sealed partial record Migration(string Name, string Sql)
{
    public const string NoTransactionDirective = "-- dbops:no-transaction";

    /// <summary>The version from the name, or -1 when the name does not follow the pattern.</summary>
    public int Version => NamePattern().Match(Name) is { Success: true } m && int.TryParse(m.Groups["v"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;

    public string Description => NamePattern().Match(Name) is { Success: true } m ? m.Groups["d"].Value.Replace('_', ' ') : Name;

    /// <summary>
    /// SHA-256 of the text with line endings normalised, so that a checkout with CRLF does not
    /// look like a changed migration while any change of content does.
    /// </summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    /// <summary>True when the header (the comment lines before the first statement) holds the directive.</summary>
    public bool NoTransaction =>
        Sql.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.Length == 0 || l.StartsWith("--", StringComparison.Ordinal))
            .Any(l => string.Equals(l, NoTransactionDirective, StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<string> Statements => SqlStatements.Split(Sql);

    public override string ToString() => $"V{Version} {Description}";

    [GeneratedRegex(@"^V(?<v>[0-9]+)__(?<d>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex NamePattern();
}
