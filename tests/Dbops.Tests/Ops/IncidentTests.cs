using System.Diagnostics;
using System.Text.Json.Nodes;
using Dbops.Data;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// dbops incident against a database in trouble: a blocking chain, sessions idle in a transaction,
/// many connections. What it shows is checked against what the test set up, and its actions hit
/// exactly the sessions the flags say, never a younger or a maintenance one.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public sealed class IncidentTests(LocalPostgres pg) : IAsyncLifetime
{
    private readonly List<NpgsqlConnection> sessions = [];
    private ScratchDatabase db = null!;
    private string role = "";

    public async Task InitializeAsync()
    {
        db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        // The application's sessions as on Aurora: a login of the application role, which the master user
        // may signal (pg_signal_backend, given by scripts/local-stores.sh as rds_superuser gives it).
        role = $"app_{db.Name}";
        await db.ExecuteAsync($"create role {role} login connection limit 20 in role mlflow_app");
    }

    public async Task DisposeAsync()
    {
        // End the sessions first: disposing a connection waits for the statement it runs (a pg_sleep of minutes).
        await db.ExecuteAsync($"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{db.Name}' and pid <> pg_backend_pid()");
        foreach (var s in sessions)
        {
            try
            {
                await s.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // Terminated above: nothing left to close.
            }
        }
    }

    /// <summary>A session of the application role (over the socket, trusted), named as a client names itself.</summary>
    private async Task<NpgsqlConnection> SessionAsync(string application)
    {
        var b = new NpgsqlConnectionStringBuilder(pg.SocketConnectionString(db.Name, role)) { ApplicationName = application, CommandTimeout = 0 };
        var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        sessions.Add(conn);
        return conn;
    }

    private static async Task Execute(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Starts a statement that will not return for a while; the task ends when it does (or fails).</summary>
    private static Task Start(NpgsqlConnection conn, string sql) => Task.Run(async () =>
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    });

    private async Task UntilAsync(string condition)
    {
        var sw = Stopwatch.StartNew();
        while (!await db.ScalarAsync<bool>(condition))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"not reached in 30 s: {condition}");
            await Task.Delay(50);
        }
    }

    private Task WaitingAsync(int pid) => UntilAsync($"select exists (select from pg_stat_activity where pid = {pid} and wait_event_type = 'Lock')");

    private Task RunningAsync(int pid) => UntilAsync($"select exists (select from pg_stat_activity where pid = {pid} and state = 'active' and wait_event = 'PgSleep')");

    private async Task<JsonNode> IncidentJsonAsync(params string[] more)
    {
        var run = await CliRun.RunAsync(["incident", "--format", "json", "--window", "0", .. more, .. db.Args()]);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.DoesNotContain(db.Password, run.All);
        return JsonNode.Parse(run.Out)!;
    }

    private static JsonNode Action(JsonNode report, int pid) => report["actions"]!.AsArray().Single(a => (int)a!["pid"]! == pid)!;

    [Fact]
    public async Task Its_json_writes_what_clients_call_themselves_as_it_is_like_every_other_report()
    {
        // Application names are the client's: a '+', a quote, '<' or '&' come in them (PostgreSQL keeps printable ASCII only).
        const string name = "notebook+ui's <run> & co";
        var a = await SessionAsync(name);
        await Execute(a, "begin; select 1");
        var run = await CliRun.RunAsync(["incident", "--format", "json", "--window", "0", .. db.Args()]);
        Assert.True(run.ExitCode == 0, run.All);
        // JsonOutput.Encoder (the relaxed one): as the other reports write it, not as \u002B, \u0027, \u003C, \u0026.
        Assert.Contains($"\"application\": \"{name}\"", run.Out);
        Assert.DoesNotContain("\\u00", run.Out);
        var report = JsonNode.Parse(run.Out)!;
        Assert.Contains(report["snapshot"]!["idleInTransaction"]!.AsArray(), x => (string)x!["application"]! == name);
    }

    [Fact]
    public async Task Shows_the_blocking_chain_the_idle_transaction_and_the_connections_by_role_and_application()
    {
        // A holds a lock and goes idle in its transaction; B queues for an exclusive lock behind it; C queues behind B.
        var a = await SessionAsync("mlflow-server");
        await Execute(a, "begin; lock table experiments in share mode");
        var b = await SessionAsync("schema-change");
        var bDone = Start(b, "begin; lock table experiments in access exclusive mode");
        await WaitingAsync(b.ProcessID);
        var c = await SessionAsync("mlflow-server");
        var cDone = Start(c, "select count(*) from experiments");
        await WaitingAsync(c.ProcessID);
        // A burst of idle connections from one application.
        for (var i = 0; i < 12; i++) await SessionAsync("load-burst");

        var sw = Stopwatch.StartNew();
        var report = await IncidentJsonAsync();
        // It read sizes and statistics of experiments while an exclusive lock was queued on it: it must not have queued too.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed.TotalSeconds:0.0} s");

        var s = report["snapshot"]!;
        var chain = s["blockingChains"]!.AsArray().Single(ch => (int)ch!["root"]!["pid"]! == a.ProcessID)!;
        Assert.Equal("idle in transaction", (string)chain["root"]!["state"]!);
        var behind = chain["blocked"]!.AsArray().Select(x => ((int)x!["session"]!["pid"]!, (int)x["depth"]!)).ToList();
        Assert.Equal([(b.ProcessID, 1), (c.ProcessID, 2)], behind);
        Assert.Contains(s["idleInTransaction"]!.AsArray(), x => (int)x!["pid"]! == a.ProcessID);
        Assert.Contains(s["oldestTransactions"]!.AsArray(), x => (int)x!["pid"]! == a.ProcessID);

        var byRole = s["connections"]!["byRole"]!.AsArray().Single(r => (string)r!["role"]! == role)!;
        Assert.Equal(15, (int)byRole["connections"]!);
        Assert.Equal(20, (int)byRole["limit"]!);
        var burst = s["connections"]!["byApplication"]!.AsArray().Single(x => (string)x!["application"]! == "load-burst")!;
        Assert.Equal(12, (int)burst["connections"]!);
        var server = s["connections"]!;
        Assert.Equal(60, (int)server["maxConnections"]!);
        Assert.True((int)server["total"]! >= 16, "every client session is counted, this one too");
        Assert.Contains(s["wraparound"]!["databases"]!.AsArray(), d => (string)d!["database"]! == db.Name && (long)d["xidAge"]! > 0);
        // A scratch database has no pg_stat_statements view until the extension is created in it: said, not failed.
        Assert.False((bool)s["statements"]!["available"]!);
        Assert.StartsWith("pg_stat_statements is not installed in this database", (string)s["statements"]!["note"]!);
        await db.ExecuteAsync("create extension if not exists pg_stat_statements");

        // The terminal form names the chain from its root, and now lists statements.
        var text = await CliRun.RunAsync(["incident", "--window", "0", .. db.Args()]);
        Assert.Contains("top statements: statements by total time since pg_stat_statements was reset", text.Out);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"ROOT pid {a.ProcessID} {role}/mlflow-server idle in transaction", text.Out);
        Assert.Contains($"└ pid {b.ProcessID}", text.Out);
        Assert.Contains("load-burst", text.Out);

        // Unwound in order: A ends its transaction, B gets its lock and ends its own, then C runs.
        await Execute(a, "rollback");
        await bDone;
        await Execute(b, "rollback");
        await cDone;
    }

    [Fact]
    public async Task Cancel_blocking_cancels_exactly_the_old_blocker_never_a_younger_one_nor_a_maintenance_session()
    {
        // Old blocker on experiments; a maintenance session (named as dbops names its own) blocking params; both past the threshold.
        var old = await SessionAsync("mlflow-server");
        await Execute(old, "begin; lock table experiments in share mode");
        var oldSleep = Start(old, "select pg_sleep(600)");
        var maintenance = await SessionAsync("dbops maintain");
        await Execute(maintenance, "begin; lock table params in share mode");
        var maintenanceSleep = Start(maintenance, "select pg_sleep(600)");
        var behindOld = await SessionAsync("schema-change");
        var behindOldDone = Start(behindOld, "begin; lock table experiments in access exclusive mode");
        var behindMaintenance = await SessionAsync("schema-change");
        var behindMaintenanceDone = Start(behindMaintenance, "begin; lock table params in access exclusive mode");
        await RunningAsync(old.ProcessID);
        await Task.Delay(TimeSpan.FromSeconds(8));
        // A young blocker on runs: its statement has run far less than --min-age when dbops reads it.
        var young = await SessionAsync("mlflow-server");
        await Execute(young, "begin; lock table runs in share mode");
        var youngSleep = Start(young, "select pg_sleep(600)");
        var behindYoung = await SessionAsync("schema-change");
        var behindYoungDone = Start(behindYoung, "begin; lock table runs in access exclusive mode");
        foreach (var w in new[] { behindOld, behindMaintenance, behindYoung }) await WaitingAsync(w.ProcessID);

        // A dry run signals nothing.
        var dry = await IncidentJsonAsync("--cancel-blocking", "--dry-run", "--min-age", "6");
        Assert.StartsWith("would cancel", (string)Action(dry, old.ProcessID)["outcome"]!);
        await Task.Delay(500);
        Assert.False(oldSleep.IsCompleted);

        var report = await IncidentJsonAsync("--cancel-blocking", "--min-age", "6");

        Assert.True((bool)Action(report, old.ProcessID)["done"]!);
        Assert.StartsWith("skipped: its statement has run", (string)Action(report, young.ProcessID)["outcome"]!);
        Assert.StartsWith("skipped: platform maintenance session", (string)Action(report, maintenance.ProcessID)["outcome"]!);
        Assert.Equal(3, report["actions"]!.AsArray().Count);
        // The old blocker's statement was cancelled, its transaction aborted, its lock released: the session behind it got its lock.
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => oldSleep);
        Assert.Equal(PostgresErrorCodes.QueryCanceled, cancelled.SqlState);
        await behindOldDone.WaitAsync(TimeSpan.FromSeconds(30));
        // The others still run and still block.
        await Task.Delay(500);
        Assert.False(youngSleep.IsCompleted);
        Assert.False(maintenanceSleep.IsCompleted);
        Assert.False(behindYoungDone.IsCompleted);
        Assert.False(behindMaintenanceDone.IsCompleted);
    }

    [Fact]
    public async Task Terminate_idle_in_transaction_ends_the_old_idle_session_only()
    {
        var old = await SessionAsync("notebook");
        await Execute(old, "begin; select count(*) from runs");
        var maintenance = await SessionAsync("dbops archive");
        await Execute(maintenance, "begin; select 1");
        await Task.Delay(TimeSpan.FromSeconds(6));
        var young = await SessionAsync("notebook");
        await Execute(young, "begin; select count(*) from runs");
        var busy = await SessionAsync("mlflow-server");
        var busyDone = Start(busy, "select pg_sleep(600)");
        await RunningAsync(busy.ProcessID);
        var oldPid = old.ProcessID;

        var report = await IncidentJsonAsync("--terminate-idle-in-transaction", "--min-age", "5");

        Assert.True((bool)Action(report, oldPid)["done"]!);
        Assert.StartsWith("skipped", (string)Action(report, young.ProcessID)["outcome"]!);
        Assert.StartsWith("skipped: platform maintenance session", (string)Action(report, maintenance.ProcessID)["outcome"]!);
        Assert.DoesNotContain(report["actions"]!.AsArray(), x => (int)x!["pid"]! == busy.ProcessID);
        await UntilAsync($"select not exists (select from pg_stat_activity where pid = {oldPid})");
        Assert.True(await db.ScalarAsync<bool>($"select exists (select from pg_stat_activity where pid = {young.ProcessID} and state = 'idle in transaction')"));
        Assert.False(busyDone.IsCompleted);
    }

    [Fact]
    public async Task Bad_flags_are_refused_with_exit_2_naming_the_flag()
    {
        var dryAlone = await CliRun.RunAsync(["incident", "--dry-run", .. db.Args()]);
        Assert.Equal(2, dryAlone.ExitCode);
        Assert.Contains("--dry-run goes with --cancel-blocking", dryAlone.Error);
        var age = await CliRun.RunAsync(["incident", "--min-age", "soon", .. db.Args()]);
        Assert.Equal(2, age.ExitCode);
        Assert.Contains("--min-age: expected seconds", age.Error);
        var window = await CliRun.RunAsync(["incident", "--window", "30", "--timeout", "10", .. db.Args()]);
        Assert.Equal(2, window.ExitCode);
        Assert.Contains("--window 30 s must be shorter than --timeout 10 s", window.Error);
    }
}
