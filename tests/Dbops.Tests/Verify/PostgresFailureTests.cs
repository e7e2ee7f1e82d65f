using Dbops.Verify;
using Npgsql;

namespace Dbops.Tests.Verify;

/// <summary>Each PostgreSQL check fails, with a message naming the cause, when its condition is broken for real.</summary>
[Collection(LocalStoresCollection.Name)]
public class PostgresFailureTests(LocalStores stores)
{
    private async Task<CheckResult> CheckAsync(string check, Dbops.Contract.VerificationContract? contract = null, VerifySettings? settings = null)
    {
        var category = check.Split('.')[2] switch
        {
            "tls" or "plaintext-refused" => Categories.PostgresTls,
            "version" or "parameters" or "role" or "aurora-replicas" => Categories.PostgresServer,
            "mlflow-tables" or "mlflow-primary-keys" or "mlflow-foreign-keys" or "mlflow-indexes" or "alembic-revision" or "platform-indexes" => Categories.PostgresSchema,
            "query-slo" => Categories.PostgresSlo,
            _ => Categories.PostgresHealth,
        };
        return LocalStores.Single(await stores.VerifyAsync(contract, settings, category), check);
    }

    [Fact]
    public async Task Plaintext_accepted_means_tls_is_not_enforced()
    {
        var hba = Path.Combine(stores.Env["PG_DATA_WRITER"], "pg_hba.conf");
        var original = await File.ReadAllTextAsync(hba);
        try
        {
            await File.WriteAllTextAsync(hba, original.Replace("hostnossl all          all   0.0.0.0/0     reject", "host all all 127.0.0.0/8 scram-sha-256"));
            await stores.AdminExecuteAsync("select pg_reload_conf()");

            var r = await CheckAsync("postgres.writer.plaintext-refused");

            Assert.Equal(CheckStatus.Fail, r.Status);
            Assert.StartsWith("TLS is not enforced: the server accepted an unencrypted connection", r.Message);
            Assert.Contains("password authentication failed", r.Message);
        }
        finally
        {
            await File.WriteAllTextAsync(hba, original);
            await stores.AdminExecuteAsync("select pg_reload_conf()");
        }
    }

    [Fact]
    public async Task A_wrong_password_fails_the_connection_without_printing_it()
    {
        const string wrong = "not-the-password-9f1c";
        var json = stores.ContractJson();
        json["postgres"]!["password"] = wrong;

        var r = await CheckAsync("postgres.writer.tls", LocalStores.Read(json));

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("password authentication failed for user \"mlflow_admin\"", r.Message);
        Assert.DoesNotContain(wrong, r.Message);
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_ca_fails_the_connection()
    {
        // Without --ca-bundle the system trust store applies, and it does not know the setup's throwaway CA.
        var r = await CheckAsync("postgres.writer.tls", settings: stores.Settings with { CaBundlePath = null });

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("cannot connect to writer 127.0.0.1:", r.Message);
        Assert.Contains("--ca-bundle", r.Message);
    }

    [Fact]
    public async Task A_different_engine_major_fails()
    {
        var json = stores.ContractJson();
        var actual = stores.Contract.Postgres.EngineMajor;
        json["postgres"]!["engineMajor"] = actual + 1;

        var r = await CheckAsync("postgres.writer.version", LocalStores.Read(json));

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains($"major {actual}; the contract expects major {actual + 1}", r.Message);
    }

    [Fact]
    public async Task A_parameter_that_differs_fails_naming_both_values()
    {
        var json = stores.ContractJson();
        json["postgres"]!["parameters"]!["log_min_duration_statement"] = "500";

        var r = await CheckAsync("postgres.writer.parameters", LocalStores.Read(json));

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("log_min_duration_statement is 1000, expected 500", r.Message);
    }

    [Fact]
    public async Task Endpoints_swapped_fail_the_role_check_on_both_sides()
    {
        var json = stores.ContractJson();
        (json["postgres"]!["writer"], json["postgres"]!["reader"]) = ("127.0.0.2", "127.0.0.1");
        var contract = LocalStores.Read(json);

        var results = await stores.VerifyAsync(contract, null, Categories.PostgresServer);

        Assert.Contains("the writer endpoint reaches a read-only replica", LocalStores.Single(results, "postgres.writer.role").Message);
        Assert.Contains("the reader endpoint reaches a writable primary", LocalStores.Single(results, "postgres.reader.role").Message);
    }

    [Fact]
    public async Task An_empty_database_says_mlflow_has_not_initialised_it()
    {
        await stores.AdminExecuteAsync("create database empty_mlflow owner mlflow_admin", "postgres");
        try
        {
            var json = stores.ContractJson();
            json["postgres"]!["database"] = "empty_mlflow";

            var results = await stores.VerifyAsync(LocalStores.Read(json), null, Categories.PostgresSchema, Categories.PostgresSlo);

            foreach (var check in new[] { "postgres.writer.mlflow-tables", "postgres.writer.alembic-revision", "postgres.writer.platform-indexes" })
            {
                var r = LocalStores.Single(results, check);
                Assert.Equal(CheckStatus.Warn, r.Status);
                Assert.StartsWith("MLflow has not initialised this database yet", r.Message);
            }
            Assert.Equal(CheckStatus.Skip, LocalStores.Single(results, "postgres.writer.query-slo").Status);
        }
        finally
        {
            await stores.AdminExecuteAsync("drop database empty_mlflow with (force)", "postgres");
        }
    }

    [Fact]
    public async Task A_different_alembic_revision_fails()
    {
        var r = await CheckAsync("postgres.writer.alembic-revision", settings: stores.Settings with { AlembicRevision = "0123456789ab" });

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith($"alembic revision is {stores.Contract.Postgres.AlembicRevision}; expected 0123456789ab", r.Message);
    }

    [Fact]
    public async Task Without_a_pinned_revision_the_comparison_is_skipped_with_the_reason()
    {
        var json = stores.ContractJson();
        json["postgres"]!.AsObject().Remove("alembicRevision");

        var r = await CheckAsync("postgres.writer.alembic-revision", LocalStores.Read(json));

        Assert.Equal(CheckStatus.Skip, r.Status);
        Assert.Contains("no expected revision is pinned", r.Message);
    }

    [Fact]
    public async Task Two_alembic_rows_fail()
    {
        await stores.AdminExecuteAsync("insert into alembic_version values ('0000second00')");
        try
        {
            var r = await CheckAsync("postgres.writer.alembic-revision");

            Assert.Equal(CheckStatus.Fail, r.Status);
            Assert.StartsWith($"alembic_version holds 2 rows (0000second00, {stores.Contract.Postgres.AlembicRevision}); expected exactly one", r.Message);
        }
        finally
        {
            await stores.AdminExecuteAsync("delete from alembic_version where version_num = '0000second00'");
        }
    }

    [Fact]
    public async Task An_index_left_invalid_by_a_failed_concurrent_build_fails()
    {
        await stores.AdminExecuteAsync("create table dup_probe (x int); insert into dup_probe values (1), (1)");
        try
        {
            var e = await Assert.ThrowsAsync<PostgresException>(() => stores.AdminExecuteAsync("create unique index concurrently dup_probe_x on dup_probe (x)"));
            Assert.Equal("23505", e.SqlState);

            var r = await CheckAsync("postgres.writer.invalid-indexes");

            Assert.Equal(CheckStatus.Fail, r.Status);
            Assert.Contains("dup_probe_x on dup_probe", r.Message);
        }
        finally
        {
            await stores.AdminExecuteAsync("drop table dup_probe");
        }
    }

    [Fact]
    public async Task A_transaction_held_open_past_the_threshold_fails_naming_its_pid()
    {
        await using var holder = await stores.AdminAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("select pg_current_xact_id()", holder, tx).ExecuteScalarAsync();
        await Task.Delay(400);

        var r = await CheckAsync("postgres.writer.long-transactions", settings: stores.Settings with { LongTransaction = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains($"pid {holder.ProcessID} (postgres, idle in transaction", r.Message);
    }

    [Fact]
    public async Task A_session_blocked_behind_a_lock_warns_then_fails_past_the_limit()
    {
        await using var holder = await stores.AdminAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("lock table experiment_tags in access exclusive mode", holder, tx).ExecuteNonQueryAsync();
        await using var waiter = await stores.AdminAsync();
        var blocked = new NpgsqlCommand("select count(*) from experiment_tags", waiter).ExecuteScalarAsync();
        await WaitUntilAsync(async () =>
        {
            await using var probe = await stores.AdminAsync();
            return (long)(await new NpgsqlCommand($"select count(*) from pg_stat_activity where pid = {waiter.ProcessID} and wait_event_type = 'Lock'", probe).ExecuteScalarAsync())! == 1;
        });

        var shortWait = await CheckAsync("postgres.writer.blocked-locks", settings: stores.Settings with { LockWait = TimeSpan.FromMinutes(5) });
        await Task.Delay(300);
        var longWait = await CheckAsync("postgres.writer.blocked-locks", settings: stores.Settings with { LockWait = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(CheckStatus.Warn, shortWait.Status);
        Assert.Equal(CheckStatus.Fail, longWait.Status);
        Assert.Contains($"pid {waiter.ProcessID} blocked by {holder.ProcessID}", longWait.Message);
        await tx.RollbackAsync();
        Assert.Equal(10L, await blocked);
    }

    [Fact]
    public async Task Connections_near_the_limit_warn()
    {
        var held = new List<NpgsqlConnection>();
        try
        {
            // 48 held + the check's own = 49 of max_connections 60: just past 80 %.
            for (var i = 0; i < 48; i++) held.Add(await stores.AdminAsync());

            var r = await CheckAsync("postgres.writer.connections");

            Assert.Equal(CheckStatus.Warn, r.Status);
            Assert.InRange((int)r.Data["connections"]!, 49, 56);
            Assert.Equal(60, r.Data["maxConnections"]);
        }
        finally
        {
            foreach (var c in held) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wraparound_age_is_compared_with_the_thresholds()
    {
        var measured = await CheckAsync("postgres.writer.wraparound");
        var age = (long)measured.Data["age"]!;
        Assert.Equal(CheckStatus.Pass, measured.Status);
        Assert.True(age > 0);

        var warned = await CheckAsync("postgres.writer.wraparound", settings: stores.Settings with { WraparoundWarn = age, WraparoundFail = age * 1000 });
        var failed = await CheckAsync("postgres.writer.wraparound", settings: stores.Settings with { WraparoundWarn = 1, WraparoundFail = age });

        Assert.Equal(CheckStatus.Warn, warned.Status);
        Assert.Equal(CheckStatus.Fail, failed.Status);
    }

    [Fact]
    public async Task On_aurora_the_replica_status_is_compared_with_the_contract()
    {
        // A stand-in with aurora_replica_status()'s columns: one writer row and one reader row.
        async Task ReplicaLagIs(int ms) => await stores.AdminExecuteAsync(
            $"""
            create or replace function aurora_replica_status() returns table (server_id text, session_id text, replica_lag_in_msec float8)
            language sql as $$ values ('mlops-prod-1', 'MASTER_SESSION_ID', null::float8), ('mlops-prod-2', 'a1b2', {ms}::float8) $$
            """);
        try
        {
            await ReplicaLagIs(12);
            var healthy = await CheckAsync("postgres.writer.aurora-replicas");
            await ReplicaLagIs(4000);
            var lagging = await CheckAsync("postgres.writer.aurora-replicas");
            // The limit is the contract's (the replica lag alarm's threshold); --replica-lag-ms overrides it.
            var tolerant = stores.ContractJson();
            tolerant["postgres"]!["replicaLagMs"] = 4000;
            var atTheAlarmsLine = await CheckAsync("postgres.writer.aurora-replicas", LocalStores.Read(tolerant));
            var overridden = await CheckAsync("postgres.writer.aurora-replicas", LocalStores.Read(tolerant), stores.Settings with { ReplicaLag = TimeSpan.FromMilliseconds(3999) });
            var json = stores.ContractJson();
            json["postgres"]!["readers"] = 2;
            var missing = await CheckAsync("postgres.writer.aurora-replicas", LocalStores.Read(json));

            Assert.Equal(CheckStatus.Pass, healthy.Status);
            Assert.Equal("1 readers (expected 1), max replica lag 12 ms (limit 1000 ms)", healthy.Message);
            Assert.Equal(CheckStatus.Fail, lagging.Status);
            Assert.StartsWith("replica lag too high", lagging.Message);
            Assert.Equal(CheckStatus.Pass, atTheAlarmsLine.Status);
            Assert.Equal("1 readers (expected 1), max replica lag 4000 ms (limit 4000 ms)", atTheAlarmsLine.Message);
            Assert.Equal(CheckStatus.Fail, overridden.Status);
            Assert.Equal("replica lag too high: 1 readers (expected 1), max replica lag 4000 ms (limit 3999 ms)", overridden.Message);
            Assert.StartsWith("missing readers: 1 readers (expected 2)", missing.Message);
        }
        finally
        {
            await stores.AdminExecuteAsync("drop function if exists aurora_replica_status()");
        }
    }

    /// <summary>The platform-indexes check of <paramref name="migrations"/> on the writer, its endpoint disposed afterwards.</summary>
    private async Task WithIndexCheckAsync(Dbops.Migrate.PlatformMigrations migrations, Func<Dbops.Verify.Postgres.PlatformIndexesCheck, Task> body)
    {
        await using var endpoint = new Dbops.Verify.Postgres.PgEndpoint(stores.Contract.Postgres, "writer", stores.Contract.Postgres.Writer, stores.Settings);
        await body(new Dbops.Verify.Postgres.PlatformIndexesCheck(endpoint, migrations));
    }

    [Fact]
    public async Task Platform_indexes_from_the_migrations_must_exist_and_be_valid()
    {
        var migrations = new Dbops.Migrate.PlatformMigrations(
        [
            new("V1__runs_by_experiment.sql", "create index concurrently if not exists index_runs_experiment_stage on runs (experiment_id, lifecycle_stage);"),
        ]);
        await WithIndexCheckAsync(migrations, async check =>
        {
            var missing = await check.RunAsync(CancellationToken.None);
            await stores.AdminExecuteAsync("create index index_runs_experiment_stage on runs (experiment_id, lifecycle_stage)");
            try
            {
                var present = await check.RunAsync(CancellationToken.None);
                await stores.AdminExecuteAsync("update pg_index set indisvalid = false where indexrelid = 'index_runs_experiment_stage'::regclass");
                var invalid = await check.RunAsync(CancellationToken.None);

                Assert.Equal("missing platform index(es): index_runs_experiment_stage (V1__runs_by_experiment.sql) (has dbops migrate run?)", missing.Message);
                Assert.Equal(CheckStatus.Pass, present.Status);
                Assert.Equal("invalid platform index(es): index_runs_experiment_stage (an interrupted build: run dbops migrate again)", invalid.Message);
            }
            finally
            {
                await stores.AdminExecuteAsync("drop index index_runs_experiment_stage");
            }
        });
    }

    [Fact]
    public async Task A_platform_index_on_a_table_the_release_lacks_is_expected_only_once_the_table_exists()
    {
        var migrations = new Dbops.Migrate.PlatformMigrations(
        [
            new("V1__optional.sql", "-- dbops:no-transaction\n-- dbops:if-table-exists\ncreate index concurrently if not exists ix_optional_x on optional_table (x);"),
        ]);
        await WithIndexCheckAsync(migrations, async check =>
        {
            var absent = await check.RunAsync(CancellationToken.None);
            await stores.AdminExecuteAsync("create table optional_table (x int)");
            try
            {
                var missing = await check.RunAsync(CancellationToken.None);

                Assert.Equal(CheckStatus.Pass, absent.Status);
                Assert.Equal("all 0 platform indexes present and valid; 1 not expected, their tables are not in this MLflow release (optional_table)", absent.Message);
                Assert.Equal(CheckStatus.Fail, missing.Status);
                Assert.Equal("missing platform index(es): ix_optional_x (V1__optional.sql) (has dbops migrate run?)", missing.Message);
            }
            finally
            {
                await stores.AdminExecuteAsync("drop table optional_table");
            }
        });
    }

    [Fact]
    public async Task A_slow_query_fails_the_slo_with_its_figures()
    {
        // A line no real query meets: the check must compare the measured times with it.
        var r = await CheckAsync("postgres.writer.query-slo", settings: stores.Settings with { QuerySlo = TimeSpan.FromTicks(1) });

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Matches(@"^over the query SLO: search runs \d+\.\d ms \(100 rows\), search runs by metric \d+\.\d ms", r.Message);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("condition not met within 5 s");
    }
}
