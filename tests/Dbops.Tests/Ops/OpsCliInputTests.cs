using System.Collections;
using Dbops.Tests.Verify;

namespace Dbops.Tests.Ops;

/// <summary>The operations commands refuse unusable input with exit code 2 and one line naming the flag and what is allowed, before connecting.</summary>
public class OpsCliInputTests
{
    private const string Password = "ops-password-never-printed-51d";

    [Theory]
    [InlineData("migrate")]
    [InlineData("archive")]
    [InlineData("report")]
    [InlineData("maintain", "vacuum")]
    public async Task Without_a_database_each_command_says_how_to_give_one(params string[] command)
    {
        var run = await CliRun.RunAsync(command);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dbops {command[0]}: no database given: pass --outputs FILE (or - for stdin) or --connection, or set DBOPS_PG_CONNECTION or the DBOPS_* variables (DBOPS_PG_WRITER is not set)", run.Error.Trim());
    }

    [Theory]
    [InlineData(new[] { "archive", "--older-than", "90x" }, "--older-than: expected a whole number of days or hours of at least 1 hour, like 90d or 36h; got '90x'")]
    [InlineData(new[] { "archive", "--older-than", "0d" }, "--older-than: expected a whole number of days or hours of at least 1 hour, like 90d or 36h; got '0d'")]
    [InlineData(new[] { "archive", "--batch-size", "0" }, "--batch-size must be a whole number from 1 to 100000, got 0")]
    [InlineData(new[] { "archive", "--pause", "-1" }, "--pause must be from 0 to 3600 seconds, got -1")]
    [InlineData(new[] { "migrate", "--lock-timeout", "0" }, "--lock-timeout must be a positive number, got 0")]
    [InlineData(new[] { "report", "--top", "0" }, "--top must be a whole number from 1 to 1000, got 0")]
    [InlineData(new[] { "maintain", "vacuum", "--budget", "-5" }, "--budget must be a positive number, got -5")]
    public async Task A_bad_flag_value_names_the_flag_and_what_is_allowed(string[] args, string message)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"dbops: {message}", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_unknown_task_or_format_lists_the_allowed_ones()
    {
        var maintain = await CliRun.RunAsync(["maintain", "defrag"]);
        var report = await CliRun.RunAsync(["report", "--format", "xml"]);

        Assert.Equal(2, maintain.ExitCode);
        Assert.Contains("'defrag'", maintain.Error);
        Assert.Contains("'reindex'", maintain.Error);
        Assert.Contains("'vacuum'", maintain.Error);
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("'xml'", report.Error);
        Assert.Contains("'json'", report.Error);
    }

    [Fact]
    public async Task Two_sources_or_a_missing_ca_bundle_are_refused()
    {
        var both = await CliRun.RunAsync(["report", "--outputs", "c.json", "--connection", "Host=h;Database=d"]);
        var ca = await CliRun.RunAsync(["report", "--connection", "Host=h;Database=d", "--ca-bundle", "/nonexistent/ca.pem"]);

        Assert.Equal(2, both.ExitCode);
        Assert.Equal("dbops report: --outputs and --connection both given; use one of them", both.Error.Trim());
        Assert.Equal(2, ca.ExitCode);
        Assert.Equal("dbops report: --ca-bundle /nonexistent/ca.pem: no such file", ca.Error.Trim());
    }

    [Fact]
    public async Task A_bad_connection_string_names_the_problem_and_never_its_password()
    {
        var keyword = await CliRun.RunAsync(["migrate", "--connection", $"Host=h;Database=d;Password={Password};Colour=blue"]);
        var noHost = await CliRun.RunAsync(["migrate"], environment: new Hashtable { ["DBOPS_PG_CONNECTION"] = $"Database=d;Password={Password}" });
        var badPort = await CliRun.RunAsync(["migrate", "--connection", $"Host=h;Database=d;Port={Password}"]);

        Assert.Equal(2, keyword.ExitCode);
        Assert.StartsWith("dbops migrate: --connection is not a valid Npgsql connection string (at keyword 'colour': unknown, or a value it does not accept)", keyword.Error);
        Assert.Equal(2, noHost.ExitCode);
        Assert.StartsWith("dbops migrate: DBOPS_PG_CONNECTION names no Host", noHost.Error);
        Assert.Equal(2, badPort.ExitCode);
        Assert.StartsWith("dbops migrate: --connection is not a valid Npgsql connection string (at keyword 'port'", badPort.Error);
        foreach (var run in new[] { keyword, noHost, badPort }) Assert.DoesNotContain(Password, run.All);
    }

    [Fact]
    public async Task A_malformed_contract_is_the_same_error_as_for_verify()
    {
        var file = Path.Combine(Path.GetTempPath(), $"contract-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{\"contractVersion\": 1, \"stack\": \"s\"");

        var run = await CliRun.RunAsync(["archive", "--outputs", file]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"dbops archive: {file} is not JSON:", run.Error);
    }
}

/// <summary>The connection-string input and the DBOPS_* variables reach the same database as the contract file.</summary>
[Collection(LocalPostgresCollection.Name)]
public class OpsConnectionInputTests(LocalPostgres pg)
{
    private string ConnectionString(ScratchDatabase db) =>
        $"Host=127.0.0.1;Port={pg.Port};Database={db.Name};Username=mlflow_admin;SSL Mode=VerifyFull;Root Certificate={pg.CaBundle}";

    [Fact]
    public async Task A_connection_string_with_the_password_in_DBOPS_PG_PASSWORD_works_and_a_wrong_one_is_exit_1_unprinted()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        const string wrong = "wrong-password-never-printed-93a";

        var ok = await CliRun.RunAsync(["migrate", "--connection", ConnectionString(db)], environment: new Hashtable { ["DBOPS_PG_PASSWORD"] = db.Password });
        var denied = await CliRun.RunAsync(["report"], environment: new Hashtable { ["DBOPS_PG_CONNECTION"] = ConnectionString(db), ["DBOPS_PG_PASSWORD"] = wrong });

        Assert.Equal(0, ok.ExitCode);
        Assert.Contains($"applied {Dbops.Migrate.PlatformMigrations.Embedded().All.Count} migration(s)", ok.Out);
        Assert.Equal(1, denied.ExitCode);
        Assert.Equal($"dbops report: mlflow_admin@127.0.0.1:{pg.Port}/{db.Name}: password authentication failed for user \"mlflow_admin\" (SQLSTATE 28P01)", denied.Error.Trim());
        Assert.DoesNotContain(wrong, denied.All);
        Assert.DoesNotContain(db.Password, ok.All);
    }

    [Fact]
    public async Task The_dbops_variables_of_verify_serve_the_operations_too()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var c = Dbops.Contract.ContractReader.ReadFile(db.ContractPath).Postgres;
        var env = new Hashtable
        {
            ["DBOPS_STACK"] = "local", ["DBOPS_ENVIRONMENT"] = "dev", ["DBOPS_REGION"] = "loopback",
            ["DBOPS_PG_WRITER"] = c.Writer, ["DBOPS_PG_PORT"] = c.Port.ToString(), ["DBOPS_PG_DATABASE"] = c.Database,
            ["DBOPS_PG_USERNAME"] = c.Username, ["DBOPS_PG_PASSWORD"] = c.Password.Reveal(), ["DBOPS_PG_ENGINE_MAJOR"] = c.EngineMajor.ToString(),
            ["DBOPS_PG_TLS_REQUIRED"] = "true", ["DBOPS_PG_READERS"] = "0", ["DBOPS_PG_REPLICA_LAG_MS"] = c.ReplicaLagMs.ToString(), ["DBOPS_PG_PARAMETERS"] = "{}", ["DBOPS_PG_SECRET_ARN"] = "arn:x",
        };

        var run = await CliRun.RunAsync(["migrate", "--dry-run", "--ca-bundle", pg.CaBundle], environment: env);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"migrations for mlflow_admin@127.0.0.1:{pg.Port}/{db.Name}:", run.Out);
    }
}
