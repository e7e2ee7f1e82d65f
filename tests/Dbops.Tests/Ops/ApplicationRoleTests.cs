using System.Text.Json.Nodes;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// dbops migrate makes mlflow_app the application's login: the password the contract carries
/// (rotated by the stack) and the per-role timeouts, which a new session of the role gets.
/// mlflow_app is one role of the whole server, so these tests run one after another (one collection).
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class ApplicationRoleTests(LocalPostgres pg)
{
    /// <summary>The database's contract with an application section, written beside it.</summary>
    private static string ContractWithApplication(ScratchDatabase db, string password, int statementMs = 1500, int idleMs = 2500, int lockMs = 750)
    {
        var json = JsonNode.Parse(File.ReadAllText(db.ContractPath))!.AsObject();
        json["postgres"]!["application"] = new JsonObject
        {
            ["username"] = "mlflow_app",
            ["password"] = password,
            ["secretArn"] = "arn:aws:secretsmanager:local:000000000000:secret:local/aurora/app",
            ["statementTimeoutMs"] = statementMs,
            ["idleInTransactionSessionTimeoutMs"] = idleMs,
            ["lockTimeoutMs"] = lockMs,
        };
        var path = Path.Combine(db.Server.Dir, $"{db.Name}-app-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static string NewPassword() => "Ap-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)) + "!&x";

    private async Task<CliRun> MigrateAsync(string contract, params string[] more) =>
        await CliRun.RunAsync(["migrate", .. more, "--outputs", contract, "--ca-bundle", pg.CaBundle]);

    /// <summary>A login as mlflow_app over TLS (verify-full) with a password: the path PgBouncer and MLflow take.</summary>
    private async Task<NpgsqlConnection> LoginAsync(ScratchDatabase db, string password)
    {
        var writer = Dbops.Contract.ContractReader.ReadFile(db.ContractPath).Postgres.Writer;
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = writer, Port = pg.Port, Database = db.Name, Username = "mlflow_app", Password = password,
            SslMode = SslMode.VerifyFull, RootCertificate = pg.CaBundle, Pooling = false,
        }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    private static async Task<string> ShowAsync(NpgsqlConnection conn, string setting)
    {
        await using var cmd = new NpgsqlCommand($"show {setting}", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_new_session_of_the_application_role_gets_the_timeouts_the_contract_gives()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var password = NewPassword();
        var run = await MigrateAsync(ContractWithApplication(db, password, statementMs: 1500, idleMs: 2500, lockMs: 750));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.DoesNotContain(password, run.All);

        await using var app = await LoginAsync(db, password);
        Assert.Equal("1500ms", await ShowAsync(app, "statement_timeout"));
        Assert.Equal("2500ms", await ShowAsync(app, "idle_in_transaction_session_timeout"));
        Assert.Equal("750ms", await ShowAsync(app, "lock_timeout"));
        // And they act: a runaway statement is cancelled at 1.5 s.
        await using var cmd = new NpgsqlCommand("select pg_sleep(5)", app);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.QueryCanceled, e.SqlState);
        Assert.Contains("statement timeout", e.MessageText);
        // Only in this database: the settings are the MLflow database's, not the server's.
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname = 'mlflow_app' and s.setdatabase = 0"));
    }

    [Fact]
    public async Task A_new_session_of_the_application_role_gets_the_measured_planner_settings_and_the_admin_keeps_the_servers()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var password = NewPassword();
        var run = await MigrateAsync(ContractWithApplication(db, password));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("work_mem 32MB, max_parallel_workers 0", run.Error);

        await using var app = await LoginAsync(db, password);
        Assert.Equal("32MB", await ShowAsync(app, "work_mem"));
        Assert.Equal("0", await ShowAsync(app, "max_parallel_workers"));
        // The role's sessions only: dbops (the owner) keeps the server's values for its index builds and reports.
        await using var admin = await db.OpenAsync();
        Assert.Equal("4MB", await ShowAsync(admin, "work_mem"));
        Assert.NotEqual("0", await ShowAsync(admin, "max_parallel_workers"));
        // The rows in the catalog are this database's, one per setting the platform declares.
        var rows = await db.ScalarAsync<string[]>(
            "select s.setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole join pg_database d on d.oid = s.setdatabase where r.rolname = 'mlflow_app' and d.datname = current_database()");
        foreach (var setting in Dbops.Migrate.MlflowRoleSettings.All) Assert.Contains($"{setting.Name}={setting.Value}", rows);
    }

    [Fact]
    public async Task A_rotation_leaves_connected_clients_connected_and_admits_new_ones_with_the_new_password_only()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await db.ExecuteAsync("create extension if not exists pg_stat_statements");
        var before = NewPassword();
        Assert.Equal(0, (await MigrateAsync(ContractWithApplication(db, before))).ExitCode);
        await using var connected = await LoginAsync(db, before);
        await using (var insert = new NpgsqlCommand("insert into experiments (name, lifecycle_stage) values ('before the rotation', 'active')", connected))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // The stack generated a new password (a bumped rotation counter); the next deploy's migrate sets it.
        var after = NewPassword();
        var rotation = await MigrateAsync(ContractWithApplication(db, after));
        Assert.True(rotation.ExitCode == 0, rotation.All);

        // The client connected before keeps working on its connection.
        await using (var cmd = new NpgsqlCommand("select count(*) from experiments where name = 'before the rotation'", connected))
        {
            Assert.Equal(1L, await cmd.ExecuteScalarAsync());
        }
        await using var fresh = await LoginAsync(db, after);
        Assert.Equal("mlflow_app", await ShowAsync(fresh, "session_authorization"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() => LoginAsync(db, before));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        // The statement that set it reached pg_stat_statements without either password in it.
        var statements = await db.ColumnAsync<string>("select query from pg_stat_statements where query ilike '%alter role%mlflow_app%'");
        Assert.NotEmpty(statements);
        Assert.DoesNotContain(statements, q => q.Contains(before) || q.Contains(after));
        Assert.All(statements.Where(q => q.Contains("password", StringComparison.OrdinalIgnoreCase)), q => Assert.Contains("SCRAM-SHA-256$4096:", q));
    }

    [Fact]
    public async Task The_dry_run_names_the_role_statements_without_the_password_and_a_wrong_role_is_refused()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var password = NewPassword();
        var contract = ContractWithApplication(db, password);
        var dry = await MigrateAsync(contract, "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("alter role mlflow_app with login password '<SCRAM-SHA-256 verifier", dry.Out);
        Assert.Contains($"alter role \"mlflow_app\" in database \"{db.Name}\" set statement_timeout = 1500", dry.Out);
        Assert.DoesNotContain(password, dry.All);

        var json = JsonNode.Parse(File.ReadAllText(contract))!;
        json["postgres"]!["application"]!["username"] = "mlflow_admin";
        File.WriteAllText(contract, json.ToJsonString());
        var wrong = await MigrateAsync(contract);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("postgres.application.username is \"mlflow_admin\"; expected \"mlflow_app\"", wrong.Error);
        Assert.DoesNotContain(password, wrong.All);
    }
}
