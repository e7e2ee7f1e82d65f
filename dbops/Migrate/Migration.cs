using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Dbops.Migrate;

/// <summary>
/// One versioned migration file, named as Flyway names them: <c>V&lt;n&gt;__&lt;description&gt;.sql</c>.
/// A file whose header holds the line <c>-- dbops:no-transaction</c> runs statement by
/// statement outside a transaction (CREATE INDEX CONCURRENTLY cannot run inside one).
/// A header line <c>-- dbops:valid-checksum &lt;sha-256&gt; &lt;why&gt;</c> names an earlier text of the
/// file that databases may have applied and that still counts as this migration applied.
/// A no-transaction migration whose header holds <c>-- dbops:if-table-exists</c> builds each index only where
/// its table exists (a table some MLflow releases lack), and later runs build it once MLflow has created it.
/// </summary>
/// <remarks>
/// Why an applied migration may ever be revised: an earlier text that does harm on databases that
/// have not applied it yet (V3's hash indexes, whose build does not finish at 1 M runs) can only be
/// kept from them by editing it; a later migration brings the databases that did apply it to the same
/// end (V7 drops what the earlier V3 built). Liquibase's <c>validCheckSum</c> serves the same purpose
/// (https://docs.liquibase.com/concepts/changelogs/attributes/valid-checksum.html). Any other change
/// of an applied migration is still refused (<see cref="MigrationPlan"/>).
/// </remarks>
public sealed partial record Migration(string Name, string Sql)
{
    public const string NoTransactionDirective = "-- dbops:no-transaction";
    public const string ValidChecksumDirective = "-- dbops:valid-checksum";
    public const string IfTableExistsDirective = "-- dbops:if-table-exists";

    /// <summary>The version from the name, or -1 when the name does not follow the pattern.</summary>
    public int Version => NamePattern().Match(Name) is { Success: true } m && int.TryParse(m.Groups["v"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;

    public string Description => NamePattern().Match(Name) is { Success: true } m ? m.Groups["d"].Value.Replace('_', ' ') : Name;

    /// <summary>
    /// SHA-256 of the text with line endings normalised, so that a checkout with CRLF does not
    /// look like a changed migration while any change of content does.
    /// </summary>
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    /// <summary>True when the header (the comment lines before the first statement) holds the directive.</summary>
    public bool NoTransaction => Header.Any(l => string.Equals(l, NoTransactionDirective, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when the header holds <see cref="IfTableExistsDirective"/>: an index whose table does not exist
    /// is skipped rather than failed, and built by the first <c>dbops migrate</c> after the table appears
    /// (<see cref="Migrator"/>); <c>dbops verify</c> expects it only where the table exists.
    /// </summary>
    /// <remarks>
    /// Why not a DO block testing to_regclass: PostgreSQL refuses CREATE INDEX CONCURRENTLY there ("cannot be
    /// executed from a function", as inside a transaction block:
    /// https://www.postgresql.org/docs/16/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY), and a plain
    /// CREATE INDEX would hold MLflow's writes to the table off while it builds.
    /// </remarks>
    public bool IfTableExists => Header.Any(l => string.Equals(l, IfTableExistsDirective, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Checksums of earlier texts of this file that count as this migration applied (header lines
    /// <c>-- dbops:valid-checksum &lt;64 hex digits&gt; &lt;why&gt;</c>); a line whose checksum is not 64 hex
    /// digits is a problem of the set (<see cref="PlatformMigrations.Problems"/>), not a valid checksum.
    /// </summary>
    public IReadOnlyList<string> ValidChecksums =>
        Header.Where(l => l.StartsWith(ValidChecksumDirective + " ", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(ValidChecksumDirective.Length + 1)..].Trim().Split(' ', 2)[0])
            .ToArray();

    private IEnumerable<string> Header =>
        Sql.Split('\n').Select(l => l.Trim()).TakeWhile(l => l.Length == 0 || l.StartsWith("--", StringComparison.Ordinal));

    public IReadOnlyList<string> Statements => SqlStatements.Split(Sql);

    public override string ToString() => $"V{Version} {Description}";

    [GeneratedRegex(@"^V(?<v>[0-9]+)__(?<d>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex NamePattern();
}
