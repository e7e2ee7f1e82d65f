using Dbops.Migrate;

namespace Dbops.Tests.Ops;

/// <summary>Statements split where PostgreSQL ends them, and nowhere else.</summary>
public class SqlStatementsTests
{
    [Fact]
    public void Splits_at_top_level_semicolons_and_drops_comments_and_empty_statements()
    {
        var statements = SqlStatements.Split("""
            -- a header comment; with a semicolon
            create table a (x int);  -- trailing; comment
            /* a block; comment /* nested; */ still comment; */
            insert into a values (1);
            ;
            select 2
            """);

        Assert.Equal(["create table a (x int)", "insert into a values (1)", "select 2"], statements.Select(SqlStatements.Normalize));
    }

    [Fact]
    public void Keeps_semicolons_inside_strings_identifiers_and_dollar_quoted_bodies()
    {
        var statements = SqlStatements.Split("""
            select 'a;b', 'it''s;', E'back\';slash', "odd;name" from t;
            do $$ begin perform 1; perform 2; end $$;
            create function f() returns int language sql as $body$ select 1; $body$;
            select $1::int
            """);

        Assert.Equal(4, statements.Count);
        Assert.Equal("""select 'a;b', 'it''s;', E'back\';slash', "odd;name" from t""", statements[0]);
        Assert.Equal("do $$ begin perform 1; perform 2; end $$", statements[1]);
        Assert.Equal("create function f() returns int language sql as $body$ select 1; $body$", statements[2]);
        Assert.Equal("select $1::int", statements[3]);
    }

    [Theory]
    [InlineData("select 'open", "unterminated string")]
    [InlineData("select 1 /* open", "unterminated block comment")]
    [InlineData("do $x$ begin", "unterminated dollar-quoted string $x$")]
    public void Unterminated_quoting_is_an_error_not_a_guess(string sql, string message)
    {
        var e = Assert.Throws<FormatException>(() => SqlStatements.Split(sql));
        Assert.StartsWith(message, e.Message);
    }
}
