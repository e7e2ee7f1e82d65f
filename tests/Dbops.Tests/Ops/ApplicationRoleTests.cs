using System.Text.Json.Nodes;
using Dbops.Contract;
using Dbops.Data;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// dbops migrate sets up the application's login: two logins act as mlflow_app alternately (AWS
/// Secrets Manager's alternating-users strategy), the contract's generation names the one to set, and
/// the other, which the previous generation's pods use, is left alone. Roles belong to the whole
/// server, so these tests run one after another (one collection) and each walks its own generations
/// in its own database, whose history (dbops.application_logins) starts empty.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class ApplicationRoleTests(LocalPostgres pg)
{
    private const string A = "mlflow_app_a";
    private const string B = "mlflow_app_b";

    /// <summary>The database's contract with an application section of the given generation, written beside it.</summary>
    private static string Contract(ScratchDatabase db, int generation, string password, int statementMs = 1500, int idleMs = 2500, int lockMs = 750, bool restored = false, string? username = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(db.ContractPath))!.AsObject();
        json["postgres"]!["application"] = new JsonObject
        {
            ["username"] = username ?? ApplicationRole.LoginFor(generation),
            ["role"] = "mlflow_app",
            ["generation"] = generation,
            ["restoredCluster"] = restored,
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

    private async Task ApplyAsync(ScratchDatabase db, int generation, string password, bool restored = false)
    {
        var run = await MigrateAsync(Contract(db, generation, password, restored: restored));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.DoesNotContain(password, run.All);
    }

    /// <summary>A NEW login over TLS (verify-full) with a password: the path PgBouncer and MLflow take.</summary>
    private async Task<NpgsqlConnection> LoginAsync(ScratchDatabase db, string user, string password)
    {
        var writer = ContractReader.ReadFile(db.ContractPath).Postgres.Writer;
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = writer, Port = pg.Port, Database = db.Name, Username = user, Password = password,
            SslMode = SslMode.VerifyFull, RootCertificate = pg.CaBundle, Pooling = false,
        }.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    private async Task AssertRefusedAsync(ScratchDatabase db, string user, string password, string because)
    {
        var e = await Assert.ThrowsAsync<PostgresException>(() => LoginAsync(db, user, password));
        Assert.True(e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification, $"{because}: {e.SqlState} {e.MessageText}");
    }

    private async Task AssertAdmittedAsync(ScratchDatabase db, string user, string password)
    {
        await using var conn = await LoginAsync(db, user, password);
        Assert.Equal("mlflow_app", await ScalarAsync(conn, "select current_user"));
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public async Task A_new_session_of_either_login_runs_as_mlflow_app_with_the_timeouts_the_contract_gives()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var p1 = NewPassword();
        var p2 = NewPassword();
        await ApplyAsync(db, 1, p1);
        await ApplyAsync(db, 2, p2);

        foreach (var (user, password) in new[] { (A, p1), (B, p2) })
        {
            await using var app = await LoginAsync(db, user, password);
            Assert.Equal(user, await ScalarAsync(app, "select session_user"));
            Assert.Equal("mlflow_app", await ScalarAsync(app, "select current_user"));
            Assert.Equal("1500ms", await ScalarAsync(app, "show statement_timeout"));
            Assert.Equal("2500ms", await ScalarAsync(app, "show idle_in_transaction_session_timeout"));
            Assert.Equal("750ms", await ScalarAsync(app, "show lock_timeout"));
            // DISCARD ALL (a pooler's reset query) keeps both: RESET ALL returns to the login's settings.
            await ScalarAsync(app, "discard all");
            Assert.Equal("mlflow_app", await ScalarAsync(app, "select current_user"));
            Assert.Equal("1500ms", await ScalarAsync(app, "show statement_timeout"));
            // And they act: a runaway statement is cancelled at 1.5 s.
            await using var cmd = new NpgsqlCommand("select pg_sleep(5)", app);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.QueryCanceled, e.SqlState);
            Assert.Contains("statement timeout", e.MessageText);
        }
        // Only in this database: the settings are the MLflow database's, not the server's; mlflow_app itself has none.
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname in ('mlflow_app', 'mlflow_app_a', 'mlflow_app_b') and s.setdatabase = 0"));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname = 'mlflow_app' and s.setdatabase = (select oid from pg_database where datname = current_database())"));
        // A new timeout reaches new sessions of the current login (the other keeps what its generation had).
        var run = await MigrateAsync(Contract(db, 2, p2, statementMs: 3000));
        Assert.True(run.ExitCode == 0, run.All);
        await using (var fresh = await LoginAsync(db, B, p2)) Assert.Equal("3s", await ScalarAsync(fresh, "show statement_timeout"));
    }

    [Fact]
    public async Task A_new_session_of_the_application_role_gets_the_measured_planner_settings_and_the_admin_keeps_the_servers()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var password = NewPassword();
        var run = await MigrateAsync(Contract(db, 1, password));
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("work_mem 32MB, max_parallel_workers 0, min_parallel_index_scan_size 0", run.Error);

        await using var app = await LoginAsync(db, A, password);
        Assert.Equal("32MB", await ScalarAsync(app, "show work_mem"));
        Assert.Equal("0", await ScalarAsync(app, "show max_parallel_workers"));
        Assert.Equal("0", await ScalarAsync(app, "show min_parallel_index_scan_size"));
        // The role's sessions only: dbops (the owner) keeps the server's values for its index builds and reports.
        await using var admin = await db.OpenAsync();
        Assert.Equal("4MB", await ScalarAsync(admin, "show work_mem"));
        Assert.NotEqual("0", await ScalarAsync(admin, "show max_parallel_workers"));
        Assert.Equal("512kB", await ScalarAsync(admin, "show min_parallel_index_scan_size"));
        // The rows in the catalog are this database's, on the generation's login (settings are not inherited through membership), one per setting the platform declares.
        var rows = await db.ScalarAsync<string[]>(
            "select s.setconfig from pg_db_role_setting s join pg_roles r on r.oid = s.setrole join pg_database d on d.oid = s.setdatabase where r.rolname = 'mlflow_app_a' and d.datname = current_database()");
        foreach (var setting in Dbops.Migrate.MlflowRoleSettings.All) Assert.Contains($"{setting.Name}={setting.Value}", rows);
    }

    [Fact]
    public async Task A_walk_of_two_rotations_keeps_the_previous_generation_connecting_and_refuses_the_one_before()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await db.ExecuteAsync("create extension if not exists pg_stat_statements");
        var p1 = NewPassword();
        await ApplyAsync(db, 1, p1);
        await using var connected = await LoginAsync(db, A, p1);
        await using (var insert = new NpgsqlCommand("insert into experiments (name, lifecycle_stage) values ('generation 1', 'active')", connected))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // Rotation 1: the stack's counter goes to 2; migrate sets mlflow_app_b's password, PgBouncer then rolls.
        var p2 = NewPassword();
        await ApplyAsync(db, 2, p2);
        // Generation 1's pods, not yet replaced, still open NEW server connections, and the open one works on.
        await AssertAdmittedAsync(db, A, p1);
        Assert.Equal("1", await ScalarAsync(connected, "select count(*) from experiments where name = 'generation 1'"));
        await AssertAdmittedAsync(db, B, p2);

        // Rotation 2: generation 3 is mlflow_app_a's again, with a new password.
        var p3 = NewPassword();
        await ApplyAsync(db, 3, p3);
        await AssertAdmittedAsync(db, B, p2);
        await AssertAdmittedAsync(db, A, p3);
        await AssertRefusedAsync(db, A, p1, "generation 1, two generations back");
        // What generation 1 wrote is there for generation 3.
        await using (var g3 = await LoginAsync(db, A, p3)) Assert.Equal("1", await ScalarAsync(g3, "select count(*) from experiments where name = 'generation 1'"));

        Assert.Equal(new[] { 1, 2, 3 }, await db.ColumnAsync<int>("select generation from dbops.application_logins order by seq"));
        Assert.Equal(new[] { A, B, A }, await db.ColumnAsync<string>("select login from dbops.application_logins order by seq"));
        // Re-applying the same generation records nothing new and changes no password.
        await ApplyAsync(db, 3, p3);
        await AssertAdmittedAsync(db, B, p2);
        Assert.Equal(3L, await db.ScalarAsync<long>("select count(*) from dbops.application_logins"));
        // The statements that set the passwords reached pg_stat_statements without any password in them.
        var statements = await db.ColumnAsync<string>("select query from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) and query ilike '%alter role%mlflow_app_%password%' and query not ilike '%password null%'");
        Assert.NotEmpty(statements);
        Assert.DoesNotContain(statements, q => q.Contains(p1) || q.Contains(p2) || q.Contains(p3));
        Assert.All(statements, q => Assert.Contains("SCRAM-SHA-256$4096:", q));
    }

    [Fact]
    public async Task What_either_login_creates_is_owned_by_mlflow_app_and_usable_by_the_other()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var p1 = NewPassword();
        var p2 = NewPassword();
        await ApplyAsync(db, 1, p1);
        await ApplyAsync(db, 2, p2);
        // MLflow's schema gives mlflow_app no CREATE (V1); a schema of its own stands for what it may create.
        await db.ExecuteAsync("create schema app_owned; grant usage, create on schema app_owned to mlflow_app");

        await using (var a = await LoginAsync(db, A, p1))
        {
            await ScalarAsync(a, "create table app_owned.made_by_a (id int primary key, note text)");
            await ScalarAsync(a, "insert into app_owned.made_by_a values (1, 'a')");
        }
        await using (var b = await LoginAsync(db, B, p2))
        {
            await ScalarAsync(b, "create table app_owned.made_by_b (id int primary key)");
            // The other login uses, and as the owner alters, what the first created.
            await ScalarAsync(b, "insert into app_owned.made_by_a values (2, 'b')");
            await ScalarAsync(b, "alter table app_owned.made_by_a add column added_by_b boolean");
            Assert.Equal("2", await ScalarAsync(b, "select count(*) from app_owned.made_by_a"));
        }
        await using (var a = await LoginAsync(db, A, p1))
        {
            await ScalarAsync(a, "insert into app_owned.made_by_b values (1)");
            await ScalarAsync(a, "drop table app_owned.made_by_b");
        }
        Assert.Equal(new[] { "mlflow_app" }, await db.ColumnAsync<string>("select distinct tableowner::text from pg_tables where schemaname = 'app_owned'"));
    }

    [Fact]
    public async Task A_database_whose_login_was_mlflow_app_itself_moves_to_the_two_logins_without_locking_out_the_old_pods()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        // What the single-login step left: the migrations applied, mlflow_app with LOGIN, the pods' password
        // and its timeouts in the database.
        Assert.Equal(0, (await MigrateAsync(db.ContractPath)).ExitCode);
        var legacy = NewPassword();
        await db.ExecuteAsync($"alter role mlflow_app with login password '{legacy}'", asOwner: true);
        await db.ExecuteAsync($"alter role mlflow_app in database \"{db.Name}\" set statement_timeout = 60000", asOwner: true);
        await using var oldPod = await LoginAsync(db, "mlflow_app", legacy);

        // The first deploy of the two logins, same generation: the same password, now for mlflow_app_a.
        await ApplyAsync(db, 1, legacy);
        await AssertAdmittedAsync(db, "mlflow_app", legacy); // the old pods, while they roll, still open connections
        await AssertAdmittedAsync(db, A, legacy);
        Assert.True(await db.ScalarAsync<bool>("select rolcanlogin from pg_roles where rolname = 'mlflow_app'"));

        // The next rotation: generation 1's pods log in as mlflow_app_a, so mlflow_app's login is the one before; it goes.
        var p2 = NewPassword();
        await ApplyAsync(db, 2, p2);
        await AssertAdmittedAsync(db, A, legacy);
        await AssertAdmittedAsync(db, B, p2);
        await AssertRefusedAsync(db, "mlflow_app", legacy, "the legacy login, retired");
        Assert.False(await db.ScalarAsync<bool>("select rolcanlogin from pg_roles where rolname = 'mlflow_app'"));
        Assert.Equal(0L, await db.ScalarAsync<long>("select count(*) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where r.rolname = 'mlflow_app' and s.setdatabase = (select oid from pg_database where datname = current_database())"));
        // A session opened before stays: retiring a login ends nobody's session.
        Assert.Equal("mlflow_app", await ScalarAsync(oldPod, "select current_user"));
    }

    [Fact]
    public async Task A_counter_raised_by_two_is_refused_unless_the_cluster_was_restored_from_a_snapshot()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var p1 = NewPassword();
        await ApplyAsync(db, 1, p1);
        var p3 = NewPassword();
        var jump = await MigrateAsync(Contract(db, 3, p3));
        Assert.Equal(1, jump.ExitCode);
        Assert.Contains("postgres.application.generation is 3 and the last one applied is 1: both log in as mlflow_app_a", jump.Error);
        Assert.Contains("change aurora.application.passwordRotation by one at a time (to 2)", jump.Error);
        Assert.DoesNotContain(p3, jump.All);
        await AssertAdmittedAsync(db, A, p1); // nothing changed
        await AssertRefusedAsync(db, A, p3, "the refused generation's password was not set");

        // A restored cluster's records are its snapshot's: nobody logged in with them there.
        await ApplyAsync(db, 3, p3, restored: true);
        await AssertAdmittedAsync(db, A, p3);
    }

    [Fact]
    public async Task The_same_generation_with_another_password_is_refused_and_its_login_keeps_the_pods_password()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var p1 = NewPassword();
        await ApplyAsync(db, 1, p1);
        // The same generation and password again (every deploy's migrate Job): nothing to refuse.
        await ApplyAsync(db, 1, p1);
        await AssertAdmittedAsync(db, A, p1);

        // The stack generated another password for generation 1 (its password resource replaced, or prod rebuilt
        // from the DR region's cluster): the pods hold p1.
        var other = NewPassword();
        var run = await MigrateAsync(Contract(db, 1, other));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("postgres.application.generation 1 is applied here already, and mlflow_app_a's password is not the contract's", run.Error);
        Assert.Contains("raise aurora.application.passwordRotation by one (to 2)", run.Error);
        Assert.DoesNotContain(other, run.All);
        Assert.DoesNotContain(p1, run.All);
        await AssertAdmittedAsync(db, A, p1);
        await AssertRefusedAsync(db, A, other, "the refused password was not set");

        // The way out the error names: the next generation goes to the other login, and p1's pods keep theirs.
        await ApplyAsync(db, 2, other);
        await AssertAdmittedAsync(db, A, p1);
        await AssertAdmittedAsync(db, B, other);

        // A restored cluster is exempt: no client of its snapshot's generations ever reached it.
        var restored = NewPassword();
        await ApplyAsync(db, 2, restored, restored: true);
        await AssertAdmittedAsync(db, B, restored);
    }

    [Fact]
    public async Task The_dry_run_names_the_login_statements_without_the_password_and_a_login_that_is_not_the_generations_is_refused()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var password = NewPassword();
        var contract = Contract(db, 2, password);
        var dry = await MigrateAsync(contract, "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("create role mlflow_app_b login in role mlflow_app (when missing)", dry.Out);
        Assert.Contains("alter role mlflow_app_b with login password '<SCRAM-SHA-256 verifier", dry.Out);
        Assert.Contains($"alter role \"mlflow_app_b\" in database \"{db.Name}\" set role = 'mlflow_app'", dry.Out);
        Assert.Contains($"alter role \"mlflow_app_b\" in database \"{db.Name}\" set statement_timeout = 1500", dry.Out);
        Assert.Contains("mlflow_app_a (generation 1's login) unchanged", dry.Out);
        Assert.DoesNotContain(password, dry.All);

        var wrong = await MigrateAsync(Contract(db, 2, password, username: A));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("postgres.application.username is \"mlflow_app_a\"; expected \"mlflow_app_b\", the login of generation 2", wrong.Error);
        Assert.DoesNotContain(password, wrong.All);
        var master = await MigrateAsync(Contract(db, 1, password, username: "mlflow_admin"));
        Assert.Equal(2, master.ExitCode);
        Assert.Contains("postgres.application.username is \"mlflow_admin\"; expected \"mlflow_app_a\"", master.Error);
    }
}
