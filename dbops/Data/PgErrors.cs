using Npgsql;

namespace Dbops.Data;

/// <summary>Turns driver exceptions into one line an operator can act on. Never includes the connection string.</summary>
internal static class PgErrors
{
    public static string Describe(Exception e)
    {
        if (e is PostgresException pg) return $"{pg.MessageText} (SQLSTATE {pg.SqlState})";
        var inner = Innermost(e);
        var text = e.Message;
        if (inner != e && !text.Contains(inner.Message, StringComparison.Ordinal)) text += $": {inner.Message}";
        if (inner is System.Security.Authentication.AuthenticationException || text.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        {
            text += " (is the server's CA in --ca-bundle?)";
        }
        return text;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
