using System.Text.RegularExpressions;

namespace Dbops.Data;

/// <summary>How a statement's text is shown (dbops report's slowest statements, dbops incident's sessions).</summary>
internal static partial class StatementText
{
    /// <summary>One line, string literals masked: a statement text is evidence, not a place for a password to leak through.</summary>
    public static string Mask(string query) => Whitespace().Replace(Literal().Replace(query, "'…'"), " ").Trim();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex Literal();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
