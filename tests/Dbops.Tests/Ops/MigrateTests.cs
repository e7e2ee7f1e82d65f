using Dbops.Data;
using Dbops.Migrate;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>dbops migrate against real PostgreSQL: order, history, checksums, the lock, interrupted builds, failures.</summary>
[Collection(LocalPostgresCollection.Name)]
public class MigrateTests(LocalPostgres pg)
{
    /// <summary>How many migrations this build embeds (the counts below follow it as migrations are added).</summary>
    private static readonly int EmbeddedCount = PlatformMigrations.Embedded().All.Count;

    private static Migrator MigratorFor(NpgsqlDataSource ds, PlatformMigrations set, TextWriter? progress = null) =>
        new(ds, set, new MigrateSettings { LockWait = TimeSpan.FromSeconds(60) }, progress ?? TextWriter.Null);

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Applies_every_migration_in_order_once_and_records_it_with_its_checksum(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);

        var first = await CliRun.RunAsync(["migrate", .. db.Args()]);
        var second = await CliRun.RunAsync(["migrate", .. db.Args()]);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains($"applied {EmbeddedCount} migration(s): V1__roles.sql", first.Out);
        var embedded = PlatformMigrations.Embedded().All;
        var history = await db.ColumnAsync<string>("select version || ' ' || script || ' ' || checksum || ' ' || transactional from dbops.schema_history order by installed_on, version");
        Assert.Equal(embedded.Select(m => $"{m.Version} {m.Name} {m.Checksum} {(m.NoTransaction ? "false" : "true")}"), history);
        // Every index the verifier expects is there and valid (one on a table this release lacks is not expected: V8's on MLflow 2.x).
        foreach (var i in PlatformMigrations.Embedded().Indexes)
        {
            if (i.IfTableExists && !await db.ScalarAsync<bool>($"select to_regclass('{i.Schema ?? "public"}.{i.Table}') is not null")) continue;
            Assert.True(await db.ScalarAsync<bool>($"select indisvalid from pg_index where indexrelid = '{i.Schema ?? "public"}.{i.Index}'::regclass"), i.Index);
        }
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("up to date: nothing to apply", second.Out);
        Assert.Equal(EmbeddedCount, await db.ScalarAsync<long>("select count(*) from dbops.schema_history"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task The_platforms_indexes_accept_the_longest_values_mlflow_allows(string release)
    {
        // MLflow takes param values up to 6000 characters and tag values up to 8000: an index
        // that refused them (a B-tree entry over 2704 bytes) would make MLflow's logging fail.
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        await db.ExecuteAsync(
            """
            insert into experiments (experiment_id, name) values (1, 'e');
            insert into runs (run_uuid, experiment_id, lifecycle_stage, start_time) values ('r1', 1, 'active', 1);
            insert into params (key, value, run_uuid) select 'config', string_agg(md5(g::text), ''), 'r1' from generate_series(1, 187) g;
            insert into tags (key, value, run_uuid) select 'mlflow.note.content', string_agg(md5(g::text), ''), 'r1' from generate_series(1, 250) g;
            """, asOwner: true);

        Assert.Equal(5984, await db.ScalarAsync<int>("select length(value) from params where run_uuid = 'r1'"));
        Assert.Equal(1, await db.ScalarAsync<long>("select count(*) from tags where value = (select value from tags where run_uuid = 'r1')"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_run_with_every_column_at_its_longest_in_four_byte_characters_is_accepted_and_would_not_fit_a_whole_key_index(string release)
    {
        // varchar(n) counts characters and UTF-8 takes up to 4 bytes each: every varchar column of runs at
        // its declared length in 4-byte characters (random, so that no compression shrinks the entry), the
        // columns MLflow's CHECK constraints hold to ASCII words (in some releases) at their longest word.
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var columns = await db.RowsAsync(
            "select column_name::text, data_type::text, character_maximum_length from information_schema.columns where table_schema = 'public' and table_name = 'runs' order by ordinal_position",
            r => (Name: r.GetString(0), Type: r.GetString(1), Max: r.IsDBNull(2) ? (int?)null : r.GetInt32(2)));
        var rng = new Random(20);
        string FourByte(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => char.ConvertFromUtf32(0x20000 + rng.Next(0xA000))));
        var fixedWords = new Dictionary<string, string> { ["status"] = "FINISHED", ["lifecycle_stage"] = "deleted", ["source_type"] = "NOTEBOOK" };
        var values = new List<string>();
        var names = new List<string>();
        foreach (var c in columns)
        {
            names.Add(c.Name);
            values.Add(c.Name switch
            {
                _ when fixedWords.TryGetValue(c.Name, out var word) => $"'{word}'",
                "experiment_id" => "1",
                _ when c.Type == "character varying" && c.Max is int max => $"'{FourByte(max)}'",
                _ when c.Type == "bigint" || c.Type == "integer" => "1",
                _ => "null",
            });
        }
        var insert = $"insert into runs ({string.Join(", ", names)}) values ({string.Join(", ", values)})";
        await db.ExecuteAsync("insert into experiments (experiment_id, name) values (1, 'e')", asOwner: true);

        // With every platform index on runs in place, MLflow's INSERT of that run succeeds.
        await db.ExecuteAsync(insert, asOwner: true);
        var bytes = await db.ScalarAsync<int>("select " + string.Join(" + ", columns.Where(c => c.Type == "character varying").Select(c => $"coalesce(octet_length({c.Name}), 0)")) + " from runs");
        Assert.True(bytes > 2704, $"the run's text is {bytes} bytes");

        // The index the issue measured (MLflow's whole DISTINCT key, every selected runs column in it) holds
        // that row in one entry, and B-tree refuses entries over 2704 bytes: on a table holding this run it
        // cannot be built, and on a table where it is built this INSERT would fail: why the platform does not build it.
        var whole = "experiment_id, lifecycle_stage, start_time desc, " + string.Join(", ", columns.Select(c => c.Name).Where(n => n is not ("experiment_id" or "lifecycle_stage" or "start_time")));
        await using var conn = await db.OpenAsync(asOwner: true);
        await using var cmd = new NpgsqlCommand($"create index whole_key on runs ({whole})", conn);
        var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.ProgramLimitExceeded, e.SqlState);
        Assert.Matches(@"index row size \d+ exceeds btree version 4 maximum 2704 for index ""whole_key""", e.MessageText);
    }

    /// <summary>
    /// Foreign keys into the parents dbops archive deletes (runs, experiments, trace_info, logged_models) whose
    /// columns lead no valid index of the referencing table: each is a scan of that table per deleted parent row
    /// (https://www.postgresql.org/docs/16/ddl-constraints.html#DDL-CONSTRAINTS-FK). The query V8's header reports.
    /// </summary>
    private const string UnindexedForeignKeys =
        """
        select c.conrelid::regclass::text || ' (' || (select string_agg(a.attname, ', ' order by k.ord)
                 from unnest(c.conkey) with ordinality k(att, ord) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.att)
               || ') -> ' || c.confrelid::regclass::text
        from pg_constraint c
        where c.contype = 'f' and c.confrelid::regclass::text in ('runs', 'experiments', 'trace_info', 'logged_models')
          and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indisvalid
                          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        order by 1
        """;

    private static readonly string[] V8Indexes =
    [
        "platform_logged_model_metrics_run_id", "platform_logged_model_metrics_experiment_id", "platform_logged_model_params_experiment_id",
        "platform_logged_model_tags_experiment_id", "platform_logged_models_experiment_id",
    ];

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task V8_indexes_the_foreign_keys_archival_deletes_through_where_the_release_has_the_table_and_a_rerun_changes_nothing(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        var before = await db.ColumnAsync<string>(UnindexedForeignKeys);

        var first = await CliRun.RunAsync(["migrate", .. db.Args()]);
        const string indexes = "select indexrelid::regclass::text || ' ' || indrelid::regclass::text || ' ' || indisvalid from pg_index where indexrelid::regclass::text like 'platform_%' order by 1";
        var afterFirst = await db.ColumnAsync<string>(indexes);
        var second = await CliRun.RunAsync(["migrate", .. db.Args()]);

        Assert.True(first.ExitCode == 0, first.All);
        var hasLoggedModels = await db.ScalarAsync<bool>("select to_regclass('logged_model_metrics') is not null");
        Assert.Equal(release != "2.17.2", hasLoggedModels);
        var v8 = await db.ColumnAsync<string>($"select indexrelid::regclass::text || ' ' || indrelid::regclass::text || ' ' || indisvalid from pg_index where indexrelid::regclass::text in ({string.Join(", ", V8Indexes.Select(i => $"'{i}'"))}) order by 1");
        if (hasLoggedModels)
        {
            Assert.Equal(
            [
                "platform_logged_model_metrics_experiment_id logged_model_metrics true", "platform_logged_model_metrics_run_id logged_model_metrics true",
                "platform_logged_model_params_experiment_id logged_model_params true", "platform_logged_model_tags_experiment_id logged_model_tags true",
                "platform_logged_models_experiment_id logged_models true",
            ], v8);
            Assert.Contains("logged_model_metrics (run_id) -> runs", before);
            // What is left unindexed after every migration: the tables V8's header names and says why.
            Assert.Equal(["endpoints (experiment_id) -> experiments", "experiment_tags (experiment_id) -> experiments", "online_scoring_configs (experiment_id) -> experiments"],
                await db.ColumnAsync<string>(UnindexedForeignKeys));
        }
        else
        {
            Assert.Empty(v8);
            Assert.Contains("V8__archive_foreign_key_indexes.sql [1/5] platform_logged_model_metrics_run_id: skipped, this MLflow release has no table logged_model_metrics", first.Error);
            Assert.Equal(["experiment_tags (experiment_id) -> experiments"], await db.ColumnAsync<string>(UnindexedForeignKeys));
        }
        Assert.Contains("V8__archive_foreign_key_indexes.sql", await db.ColumnAsync<string>("select script from dbops.schema_history"));
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("up to date: nothing to apply", second.Out);
        Assert.DoesNotContain("building", second.Error);
        Assert.Equal(afterFirst, await db.ColumnAsync<string>(indexes));
    }

    [Fact]
    public async Task An_index_skipped_for_a_missing_table_is_built_by_the_first_run_after_mlflow_creates_the_table()
    {
        // MLflow 2.17.2 migrated (V8 applied, its indexes skipped), then MLflow's upgrade creates the logged-model tables.
        var db = await pg.CreateDatabaseAsync("2.17.2");
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var history = await db.ColumnAsync<string>("select version || ' ' || checksum from dbops.schema_history order by version");
        await db.ExecuteAsync(
            """
            create table logged_models (model_id varchar(36) primary key, experiment_id integer not null references experiments (experiment_id) on delete cascade);
            create table logged_model_metrics (model_id varchar(36) not null references logged_models (model_id) on delete cascade, metric_name varchar(500) not null,
                experiment_id integer not null references experiments (experiment_id), run_id varchar(32) not null references runs (run_uuid) on delete cascade);
            """, asOwner: true);

        var dry = await CliRun.RunAsync(["migrate", "--dry-run", .. db.Args()]);
        Assert.True(dry.ExitCode == 0, dry.All);
        Assert.Contains("builds: create index concurrently if not exists platform_logged_model_metrics_run_id", dry.Out);
        Assert.Contains("(table logged_model_metrics exists now: MLflow's upgrade created it after V8__archive_foreign_key_indexes.sql was applied)", dry.Out);
        Assert.DoesNotContain("platform_logged_model_params_experiment_id", dry.Out);  // its table is still missing
        Assert.Contains($"0 pending of {EmbeddedCount}, and 3 index(es) of applied migrations to build where MLflow created their tables", dry.Out);
        Assert.Empty(await db.ColumnAsync<string>($"select indexrelid::regclass::text from pg_index where indexrelid::regclass::text in ({string.Join(", ", V8Indexes.Select(i => $"'{i}'"))})"));

        var run = await CliRun.RunAsync(["migrate", .. db.Args()]);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("V8__archive_foreign_key_indexes.sql is applied and table logged_model_metrics exists now (MLflow's upgrade created it since): building platform_logged_model_metrics_run_id", run.Error);
        Assert.Equal(
            ["platform_logged_model_metrics_experiment_id true", "platform_logged_model_metrics_run_id true", "platform_logged_models_experiment_id true"],
            await db.ColumnAsync<string>($"select indexrelid::regclass::text || ' ' || indisvalid from pg_index where indexrelid::regclass::text in ({string.Join(", ", V8Indexes.Select(i => $"'{i}'"))}) order by 1"));
        // Still one applied V8, with its checksum: the text did not change, a table appeared.
        Assert.Equal(history, await db.ColumnAsync<string>("select version || ' ' || checksum from dbops.schema_history order by version"));
    }

    [Fact]
    public async Task Dry_run_prints_the_plan_with_each_pending_statement_and_changes_nothing()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);

        var run = await CliRun.RunAsync(["migrate", "--dry-run", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"V3\s+performance indexes\s+pending\s+statement-wise", run.Out);
        Assert.Matches(@"V1\s+roles\s+pending\s+in transaction", run.Out);
        Assert.Contains("create index concurrently if not exists platform_runs_experiment_stage_start on runs", run.Out);
        Assert.Contains($"{EmbeddedCount} pending of {EmbeddedCount}", run.Out);
        Assert.EndsWith("--dry-run: nothing applied", run.Out.Trim());
        Assert.False(await db.ScalarAsync<bool>("select to_regclass('dbops.schema_history') is not null or to_regnamespace('mlflow_archive') is not null"));
    }

    [Fact]
    public async Task Dry_run_on_a_release_without_the_logged_model_tables_marks_their_indexes_as_skipped()
    {
        var db = await pg.CreateDatabaseAsync("2.17.2");

        var run = await CliRun.RunAsync(["migrate", "--dry-run", .. db.Args()]);

        Assert.True(run.ExitCode == 0, run.All);
        foreach (var (index, table) in new[] { ("platform_logged_model_metrics_run_id", "logged_model_metrics"), ("platform_logged_models_experiment_id", "logged_models") })
        {
            Assert.Matches($@"skipped: create index concurrently if not exists {index}\b.*\n\s+\(this MLflow release has no table {table}; built by the first dbops migrate after MLflow creates it\)", run.Out);
        }
        Assert.Equal(V8Indexes.Length, System.Text.RegularExpressions.Regex.Matches(run.Out, "this MLflow release has no table ").Count);
        // The indexes of tables this release has are listed as they run.
        Assert.Contains("      create index concurrently if not exists platform_runs_experiment_stage_start on runs", run.Out);
        Assert.Contains($"{EmbeddedCount} pending of {EmbeddedCount}", run.Out);
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_stops_the_run_before_anything_is_applied()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await using var ds = db.Target.OpenDataSource("test");
        await MigratorFor(ds, new PlatformMigrations([new("V1__one.sql", "create table one (x int);")])).ApplyAsync(CancellationToken.None);

        var changed = new PlatformMigrations([new("V1__one.sql", "create table one (x bigint);"), new("V2__two.sql", "create table two (x int);")]);
        var e = await Assert.ThrowsAsync<MigrationException>(() => MigratorFor(ds, changed).ApplyAsync(CancellationToken.None));

        Assert.StartsWith("V1__one.sql was changed after it was applied (checksum ", e.Message);
        Assert.Contains("an applied migration must not change; add a new migration instead", e.Message);
        Assert.False(await db.ScalarAsync<bool>("select to_regclass('public.two') is not null"));
    }

    [Fact]
    public async Task An_earlier_text_named_by_a_valid_checksum_line_counts_as_applied_and_no_other_does()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await using var ds = db.Target.OpenDataSource("test");
        var earlier = new Migration("V1__one.sql", "create table one (x int);");
        await MigratorFor(ds, new PlatformMigrations([earlier])).ApplyAsync(CancellationToken.None);

        var revised = new PlatformMigrations([
            new("V1__one.sql", $"-- dbops:valid-checksum {earlier.Checksum} the first text\ncreate table one (x int, y int);"),
            new("V2__two.sql", "create table two (x int);")]);
        await MigratorFor(ds, revised).ApplyAsync(CancellationToken.None);

        Assert.True(await db.ScalarAsync<bool>("select to_regclass('public.two') is not null"));
        Assert.Equal(earlier.Checksum, await db.ScalarAsync<string>("select checksum from dbops.schema_history where version = 1"));
        var other = new PlatformMigrations([
            new("V1__one.sql", $"-- dbops:valid-checksum {new string('0', 64)} not the text applied\ncreate table one (x int, y int);"),
            new("V2__two.sql", "create table two (x int);")]);
        var e = await Assert.ThrowsAsync<MigrationException>(() => MigratorFor(ds, other).ApplyAsync(CancellationToken.None));
        Assert.StartsWith("V1__one.sql was changed after it was applied (checksum ", e.Message);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_database_that_applied_V3_with_its_hash_indexes_migrates_to_the_same_end_as_a_new_one(string release)
    {
        // The sequence a deployed database goes through: the earlier V3 (hash indexes on params.value
        // and tags.value) applied by an older dbops, then this build's migrate.
        var db = await pg.CreateDatabaseAsync(release);
        var fresh = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. fresh.Args()])).ExitCode);
        var v3 = PlatformMigrations.Embedded().All.Single(m => m.Version == 3);
        var earlierChecksum = Assert.Single(v3.ValidChecksums);
        var upToV6 = new PlatformMigrations(PlatformMigrations.Embedded().All.Where(m => m.Version <= 6).ToArray());
        await using (var ds = db.Target.OpenDataSource("test"))
        {
            await MigratorFor(ds, upToV6).ApplyAsync(CancellationToken.None);
        }
        await db.ExecuteAsync(
            $"""
            create index platform_params_value on params using hash (value);
            create index platform_tags_value on tags using hash (value);
            update dbops.schema_history set checksum = '{earlierChecksum}' where version = 3;
            """);

        var run = await CliRun.RunAsync(["migrate", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"applied {EmbeddedCount - 6} migration(s): V7__drop_value_hash_indexes.sql", run.Out);
        const string indexes = "select indexname || ' ' || indexdef from pg_indexes where schemaname = 'public' order by indexname";
        var ended = await db.ColumnAsync<string>(indexes);
        Assert.DoesNotContain(ended, i => i.StartsWith("platform_params_value", StringComparison.Ordinal) || i.StartsWith("platform_tags_value", StringComparison.Ordinal));
        Assert.Equal(await fresh.ColumnAsync<string>(indexes), ended);
    }

    [Fact]
    public async Task A_version_applied_by_a_newer_build_or_a_new_one_below_it_stop_the_run()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await using var ds = db.Target.OpenDataSource("test");
        await MigratorFor(ds, new PlatformMigrations([new("V1__one.sql", "select 1;"), new("V3__three.sql", "select 3;")])).ApplyAsync(CancellationToken.None);

        var older = new PlatformMigrations([new("V1__one.sql", "select 1;"), new("V2__two.sql", "select 2;")]);
        var plan = await MigratorFor(ds, older).PlanAsync(CancellationToken.None);

        Assert.Contains("V3 (V3__three.sql) is applied but not in this build: run the dbops built from the commit that applied it, or a newer one", plan.Problems);
        Assert.Contains("V2__two.sql is older than V3, which is already applied: migrations apply in version order; give it a version above 3", plan.Problems);
        await Assert.ThrowsAsync<MigrationException>(() => MigratorFor(ds, older).ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_statement_rolls_its_whole_migration_back_and_the_cli_exits_1()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await using var ds = db.Target.OpenDataSource("test");
        var set = new PlatformMigrations([new("V1__half.sql", "create table half (x int);\nselect 1 / 0;")]);

        var e = await Assert.ThrowsAsync<MigrationException>(() => MigratorFor(ds, set).ApplyAsync(CancellationToken.None));

        Assert.Equal("V1__half.sql failed at statement 2/2 'select 1 / 0': division by zero (SQLSTATE 22012); nothing of V1__half.sql was applied", e.Message);
        Assert.False(await db.ScalarAsync<bool>("select to_regclass('public.half') is not null"));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from dbops.schema_history"));
    }

    [Fact]
    public async Task Concurrent_runs_apply_each_migration_exactly_once()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        // V2 sleeps inside its transaction, so every run that is not serialised would see it pending and apply it too.
        var set = new PlatformMigrations(
        [
            new("V1__log.sql", "create table applied_log (migration text, at timestamptz default clock_timestamp());"),
            new("V2__slow.sql", "insert into applied_log (migration) values ('V2');\nselect pg_sleep(0.3);"),
            new("V3__index.sql", "-- dbops:no-transaction\ncreate index concurrently if not exists ix_runs_name on runs (name);"),
            new("V4__after.sql", "insert into applied_log (migration) values ('V4');"),
        ]);
        var sources = Enumerable.Range(0, 6).Select(_ => db.Target.OpenDataSource("test")).ToArray();
        try
        {
            var runs = await Task.WhenAll(sources.Select(ds => Task.Run(() => MigratorFor(ds, set).ApplyAsync(CancellationToken.None))));

            Assert.Equal(4, runs.Sum(r => r.Count));
            Assert.Equal(["V2", "V4"], await db.ColumnAsync<string>("select migration from applied_log order by at"));
            Assert.Equal([1, 2, 3, 4], await db.ColumnAsync<int>("select version from dbops.schema_history order by version"));
            Assert.True(await db.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 'ix_runs_name'::regclass"));
        }
        finally
        {
            foreach (var ds in sources) await ds.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Concurrent_cli_runs_of_the_real_migrations_neither_deadlock_nor_apply_twice(string release)
    {
        // The waiting runs poll for the lock: a session blocked in pg_advisory_lock holds a snapshot that
        // CREATE INDEX CONCURRENTLY would wait for, while it waits for the lock the builder holds.
        var db = await pg.CreateDatabaseAsync(release);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => CliRun.RunAsync(["migrate", .. db.Args()]))));

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        var applier = Assert.Single(runs, r => r.Out.Contains($"applied {EmbeddedCount} migration(s)", StringComparison.Ordinal));
        Assert.Contains($"  {EmbeddedCount} pending of {EmbeddedCount}", applier.Out);
        // The runs that waited announce the plan they read under the lock: nothing pending, nothing applied.
        Assert.All(runs.Where(r => r != applier), r =>
        {
            Assert.Contains($"  0 pending of {EmbeddedCount}", r.Out);
            Assert.DoesNotMatch(@"\spending\s+(in transaction|statement-wise)", r.Out);
            Assert.EndsWith("up to date: nothing to apply", r.Out.TrimEnd());
        });
        Assert.Equal(EmbeddedCount, await db.ScalarAsync<long>("select count(*) from dbops.schema_history"));
    }

    [Fact]
    public async Task An_index_left_invalid_by_an_interrupted_build_is_dropped_and_built_again()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        await using var ds = db.Target.OpenDataSource("test");
        // What a killed CREATE INDEX CONCURRENTLY leaves: the index under its name, marked invalid.
        await db.ExecuteAsync("create index ix_runs_status on runs (status); update pg_index set indisvalid = false where indexrelid = 'ix_runs_status'::regclass");
        var progress = new StringWriter();
        var set = new PlatformMigrations([new("V1__status.sql", "-- dbops:no-transaction\ncreate index concurrently if not exists ix_runs_status on runs (status);")]);

        await MigratorFor(ds, set, progress).ApplyAsync(CancellationToken.None);

        Assert.Contains("dropping invalid index public.ix_runs_status, left by an interrupted build, to build it again", progress.ToString());
        Assert.True(await db.ScalarAsync<bool>("select indisvalid from pg_index where indexrelid = 'ix_runs_status'::regclass"));
    }

    [Fact]
    public async Task A_database_mlflow_has_not_initialised_is_refused_with_exit_1()
    {
        var db = await pg.CreateDatabaseAsync(release: null);

        var run = await CliRun.RunAsync(["migrate", .. db.Args()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("dbops migrate: MLflow has not initialised this database yet: start MLflow once (or run mlflow db upgrade) before dbops migrate", run.Error.Trim());
        Assert.DoesNotContain(db.Password, run.All);
    }
}
