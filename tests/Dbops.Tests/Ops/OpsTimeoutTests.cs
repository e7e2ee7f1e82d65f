using System.Diagnostics;
using Dbops.Cli;
using Dbops.Data;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>Every operations command is bounded by --connect-timeout and --command-timeout, and says which one ran out.</summary>
public class OpsTimeoutTests
{
    public static TheoryData<string[]> Commands => new() { new[] { "report" }, new[] { "migrate" }, new[] { "archive", "--dry-run" }, new[] { "maintain", "vacuum" } };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_host_that_accepts_and_never_answers_fails_within_the_connect_timeout_naming_it(string[] command)
    {
        using var silent = new SilentHost();
        var clock = Stopwatch.StartNew();

        var run = await CliRun.RunAsync([.. command, "--connection", $"Host=127.0.0.1;Port={silent.Port};Database=mlflow;Username=u", "--connect-timeout", "1"]);

        Assert.Equal(1, run.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.True(silent.Accepted >= 1, "the command got through to the host");
        Assert.Equal($"dbops {command[0]}: u@127.0.0.1:{silent.Port}/mlflow: no connection within --connect-timeout 1 s: " +
                     "the server did not complete TCP, TLS and login in that time (is this PostgreSQL's host and port, and is the server up?)", run.Error.Trim());
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("report", "60")]
    [InlineData("migrate", "3600")]
    [InlineData("archive", "600")]
    [InlineData("maintain", "3600")]
    public async Task Help_documents_both_timeouts_and_their_defaults(string command, string commandTimeout)
    {
        var run = await CliRun.RunAsync([command, "--help"]);

        Assert.Matches(@"--connect-timeout <SECONDS>\s+how long connecting \(TCP, TLS and login\) may take \(at most 1024\), in seconds \[default: 10\]", run.Out);
        Assert.Matches($@"--command-timeout <SECONDS>\s+how long one SQL statement may run before PostgreSQL cancels it \(statement_timeout\), in seconds\s+\[default: {commandTimeout}\]", run.Out);
    }

    [Fact]
    public async Task A_connect_timeout_beyond_npgsqls_limit_is_unusable_input()
    {
        var run = await CliRun.RunAsync(["report", "--connection", "Host=127.0.0.1;Database=mlflow;Username=u", "--connect-timeout", "2000"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("dbops report: --connect-timeout must be at most 1024 seconds (Npgsql's limit), got 2000", run.Error.Trim());
    }
}

[Collection(LocalPostgresCollection.Name)]
public class OpsStatementTimeoutTests(LocalPostgres pg)
{
    [Fact]
    public async Task The_command_timeout_cancels_a_longer_statement_on_the_server_and_says_so()
    {
        var db = await pg.CreateDatabaseAsync(null);
        var target = db.Target.WithTimeouts(new OpsTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)));
        await using var ds = target.OpenDataSource("test");
        await using var conn = await ds.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var cmd = new NpgsqlCommand("select pg_sleep(5)", conn);
            await cmd.ExecuteNonQueryAsync();
        });

        Assert.Equal("57014", e.SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal("a statement ran longer than --command-timeout 1 s and PostgreSQL cancelled it (canceling statement due to statement timeout); " +
                     "nothing of that statement was kept; raise --command-timeout if the database is that large", OpsRunner.Describe(e, target.Timeouts, connected: true));
    }

    [Fact]
    public async Task The_command_timeout_outranks_a_statement_timeout_set_on_the_role()
    {
        var db = await pg.CreateDatabaseAsync(null);
        // A role default that would cancel every maintenance step at once.
        await db.ExecuteAsync($"alter role mlflow_admin in database {db.Name} set statement_timeout = '1ms'");
        var target = db.Target.WithTimeouts(new OpsTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)));
        await using var ds = target.OpenDataSource("test");
        await using var conn = await ds.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("show statement_timeout", conn);

        Assert.Equal("7s", await cmd.ExecuteScalarAsync());
    }
}
