using System.Text;

namespace Dbops.Migrate;

/// <summary>
/// Splits a migration script into statements at top-level semicolons, honouring what
/// PostgreSQL's lexer honours: quoted strings ('' and E'\''), quoted identifiers,
/// dollar-quoted bodies ($$ ... $$, $tag$ ... $tag$), line comments and nested block
/// comments. Needed because CREATE INDEX CONCURRENTLY must be sent alone (several
/// statements in one message form an implicit transaction), and so that a failure names
/// its statement. Comments are dropped from the statements returned.
/// </summary>
public static class SqlStatements
{
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var hasCode = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            int end;
            if (c == '-' && next == '-')
            {
                end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end;
                current.Append(' ');
                continue;
            }
            if (c == '/' && next == '*')
            {
                i = BlockCommentEnd(sql, i);
                current.Append(' ');
                continue;
            }
            else if (c == '\'')
            {
                var backslashEscapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentifierChar(sql[i - 2]));
                end = QuotedEnd(sql, i, '\'', backslashEscapes);
                hasCode = true;
            }
            else if (c == '"')
            {
                end = QuotedEnd(sql, i, '"', false);
                hasCode = true;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                if (close < 0) throw new FormatException($"unterminated dollar-quoted string {tag} starting at offset {i}");
                end = close + tag.Length;
                hasCode = true;
            }
            else if (c == ';')
            {
                if (hasCode) statements.Add(current.ToString().Trim());
                current.Clear();
                hasCode = false;
                i++;
                continue;
            }
            else
            {
                if (!char.IsWhiteSpace(c)) hasCode = true;
                current.Append(c);
                i++;
                continue;
            }
            current.Append(sql, i, end - i);
            i = end;
        }
        if (hasCode) statements.Add(current.ToString().Trim());
        return statements;
    }

    /// <summary>A statement from <see cref="Split"/> on one line, whitespace collapsed: for matching its kind and for messages, never for running.</summary>
    public static string Normalize(string statement) =>
        string.Join(' ', statement.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static int BlockCommentEnd(string sql, int start)
    {
        var depth = 0;
        var i = start;
        while (i < sql.Length - 1)
        {
            if (sql[i] == '/' && sql[i + 1] == '*') { depth++; i += 2; continue; }
            if (sql[i] == '*' && sql[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0) return i;
                continue;
            }
            i++;
        }
        throw new FormatException($"unterminated block comment starting at offset {start}");
    }

    private static int QuotedEnd(string sql, int start, char quote, bool backslashEscapes)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        throw new FormatException($"unterminated {(quote == '"' ? "quoted identifier" : "string")} starting at offset {start}");
    }

    /// <summary>The opening tag ($$ or $name$) at <paramref name="i"/>, or null when the $ starts something else (a parameter $1, part of an identifier).</summary>
    private static string? DollarTag(string sql, int i)
    {
        if (i > 0 && IsIdentifierChar(sql[i - 1])) return null;
        var j = i + 1;
        while (j < sql.Length && sql[j] != '$')
        {
            if (!(char.IsLetter(sql[j]) || sql[j] == '_' || (j > i + 1 && char.IsDigit(sql[j])))) return null;
            j++;
        }
        return j < sql.Length ? sql[i..(j + 1)] : null;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';
}
