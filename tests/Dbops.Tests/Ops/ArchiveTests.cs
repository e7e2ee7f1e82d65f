using Dbops.Data;
using Dbops.Archive;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// dbops archive against real PostgreSQL, on the schema of each real MLflow release with a workload that has
/// traces, spans, logged models with params/tags/metrics, run-sourced inputs and entity associations where the
/// release has them: what moves, what stays, reconciliation, locks, the archive schema following the live one.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class ArchiveTests(LocalPostgres pg)
{
    private async Task<(ScratchDatabase Db, Bench.Workload.WorkloadModel Model)> MigratedWorkloadAsync(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        return (db, await Workloads.FillAsync(db, Workloads.Small()));
    }

    private static async Task<bool> HasAsync(ScratchDatabase db, string table) => await db.ScalarAsync<bool>($"select to_regclass('{table}') is not null");

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Dry_run_counts_per_table_what_would_move_and_moves_nothing(string release)
    {
        var (db, model) = await MigratedWorkloadAsync(release);
        var idle = Workloads.Idle(model);
        var ids = string.Join(",", idle);

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", "--dry-run", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($": {idle.Length}; 1 more left live because their runs back registered model versions", run.Out);
        var expected = new Dictionary<string, string>
        {
            ["runs"] = $"select count(*) from runs where experiment_id in ({ids})",
            ["metrics"] = $"select count(*) from metrics join runs using (run_uuid) where experiment_id in ({ids})",
            ["experiments"] = $"select count(*) from experiments where experiment_id in ({ids})",
            ["trace_info"] = $"select count(*) from trace_info where experiment_id in ({ids})",
            ["trace_tags"] = $"select count(*) from trace_tags join trace_info using (request_id) where experiment_id in ({ids})",
            ["inputs"] = $"select count(*) from inputs i where exists (select 1 from runs r where r.experiment_id in ({ids}) and r.run_uuid in (i.destination_id, i.source_id))",
        };
        if (await HasAsync(db, "logged_models"))
        {
            expected["logged_models"] = $"select count(*) from logged_models where experiment_id in ({ids})";
            expected["logged_model_params"] = $"select count(*) from logged_model_params where experiment_id in ({ids})";
            expected["spans"] = $"select count(*) from spans where experiment_id in ({ids})";
            expected["entity_associations"] =
                $"select count(*) from entity_associations where (source_type = 'trace' and source_id in (select request_id from trace_info where experiment_id in ({ids}))) or (destination_type = 'experiment' and destination_id in (select experiment_id::text from experiments where experiment_id in ({ids})))";
        }
        foreach (var (table, sql) in expected)
        {
            var n = await db.ScalarAsync<long>(sql);
            Assert.True(n > 0, $"{release}: the workload has no {table} rows in idle experiments: the test would prove nothing");
            Assert.Matches($@"\n  {table}\s+{n:N0}\s+0\r?\n", run.Out);
        }
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
        // The archive would follow the live schema (V2 made twins of the first ten tables only), but a dry run leaves it as it was.
        Assert.Contains("archive schema would need: created mlflow_archive.trace_info like public.trace_info", run.Out);
        Assert.False(await HasAsync(db, "mlflow_archive.trace_info"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Moves_exactly_the_idle_experiments_with_all_their_rows_and_leaves_nothing_pointing_at_them(string release)
    {
        var (db, model) = await MigratedWorkloadAsync(release);
        var idle = Workloads.Idle(model);
        var before = await Workloads.LiveAndArchivedAsync(db);
        var activeRows = await db.ScalarAsync<long>($"select count(*) from metrics join runs using (run_uuid) where experiment_id not in ({string.Join(",", idle)})");
        var activeTraces = await db.ScalarAsync<long>($"select count(*) from trace_info where experiment_id not in ({string.Join(",", idle)})");

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", "--batch-size", "25", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("reconciled: every row of the archived experiments is in mlflow_archive, none left live, none twice", run.Out);
        Assert.DoesNotContain("MISMATCH", run.Out);
        Assert.Matches(@"dbops archive: batch \d+: [\d,]+/[\d,]+ runs \(100\.0 %\), \d+/\d+ experiments, [\d,]+ rows, [\d,]+ rows/s, ETA 0:00", run.Error);
        Assert.Contains("dbops archive: archive schema: created mlflow_archive.trace_info like public.trace_info", run.Error);
        Assert.Equal(idle.Order(), await db.ColumnAsync<int>("select experiment_id from mlflow_archive.experiments order by 1"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({string.Join(",", idle)})"));
        // Every row of every table that belongs to them moved: the reconciliation's per-table lines, independently of its verdict.
        foreach (var t in (await Workloads.ModelAsync(db)).Tables)
        {
            Assert.Matches($@"\n  {t.Name}\s+([\d,]+)\s+\1\s+\1\s+0   ok\r?\n", run.Out);
        }
        // Nothing live points at what is archived, by foreign key or by MLflow's links without one.
        var pointing = await Workloads.PointingAtArchivedAsync(db);
        Assert.True(pointing.Values.All(n => n == 0), string.Join(", ", pointing.Where(p => p.Value > 0).Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(pointing.Count >= 8, $"{release}: only {pointing.Count} links checked");
        // Experiment 0 stays (MLflow needs it), and so do the experiment backing a model version and every active one, untouched.
        Assert.True(await db.ScalarAsync<bool>("select exists (select 1 from experiments where experiment_id = 0)"));
        Assert.Equal(model.Experiments.Count - idle.Length + 1, await db.ScalarAsync<long>("select count(*) from experiments"));
        Assert.Equal(activeRows, await db.ScalarAsync<long>("select count(*) from metrics"));
        Assert.Equal(activeTraces, await db.ScalarAsync<long>("select count(*) from trace_info"));
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
        // The twins archive created itself are readable by analytics, as V2's are, and by nobody else.
        var user = $"bi_{db.Name}";
        await db.ExecuteAsync($"create role {user} login in role mlflow_analytics");
        await using var bi = await db.OpenAsync(user: user);
        await using (var read = new NpgsqlCommand("select count(*) from mlflow_archive.trace_info", bi))
        {
            Assert.Equal(await db.ScalarAsync<long>("select count(*) from mlflow_archive.trace_info"), (long)(await read.ExecuteScalarAsync())!);
        }
        var acl = await db.ScalarAsync<string>("select relacl::text from pg_class where oid = 'mlflow_archive.trace_info'::regclass");
        Assert.Contains("mlflow_analytics=r/", acl);
        Assert.DoesNotContain("mlflow_app", acl);
    }

    [Fact]
    public async Task Json_output_is_only_json_on_stdout_with_the_counts_and_the_reconciliation()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.1");
        var idle = Workloads.Idle(model);
        var ids = string.Join(",", idle);

        var dry = await CliRun.RunAsync(["archive", "--dry-run", "--format", "json", .. db.Args()]);

        Assert.Equal(0, dry.ExitCode);
        // Strictly parsed, straight from stdout: progress and setup lines went to stderr.
        using (var doc = System.Text.Json.JsonDocument.Parse(dry.Out))
        {
            var root = doc.RootElement;
            Assert.True(root.GetProperty("dryRun").GetBoolean());
            Assert.Equal(idle.Order(), root.GetProperty("experiments").EnumerateArray().Select(e => e.GetInt32()).Order());
            var planned = root.GetProperty("planned").EnumerateArray().ToDictionary(p => p.GetProperty("table").GetString()!, p => p.GetProperty("toMove").GetInt64());
            Assert.Equal(await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({ids})"), planned["runs"]);
            Assert.Equal(await db.ScalarAsync<long>($"select count(*) from trace_info where experiment_id in ({ids})"), planned["trace_info"]);
            Assert.False(root.TryGetProperty("reconciliation", out _), "a dry run moves nothing, so it reconciles nothing");
        }
        Assert.DoesNotContain("\\u0022", dry.Out);

        var run = await CliRun.RunAsync(["archive", "--format", "json", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        using var moved = System.Text.Json.JsonDocument.Parse(run.Out);
        var r = moved.RootElement;
        Assert.True(r.GetProperty("reconciled").GetBoolean());
        var rows = r.GetProperty("reconciliation").EnumerateArray().ToList();
        Assert.All(rows, x => Assert.True(x.GetProperty("ok").GetBoolean() && x.GetProperty("leftLive").GetInt64() == 0, x.ToString()));
        Assert.Equal(rows.Sum(x => x.GetProperty("movedNow").GetInt64()), r.GetProperty("moved").GetProperty("rows").GetInt64());
        Assert.Equal(await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"), rows.Single(x => x.GetProperty("table").GetString() == "runs").GetProperty("inArchive").GetInt64());

        var restore = await CliRun.RunAsync(["archive", "restore", "--experiment", idle.Min().ToString(System.Globalization.CultureInfo.InvariantCulture), "--dry-run", "--format", "json", .. db.Args()]);
        Assert.Equal(0, restore.ExitCode);
        using var restored = System.Text.Json.JsonDocument.Parse(restore.Out);
        Assert.Equal(idle.Min(), restored.RootElement.GetProperty("experiment").GetInt32());
        Assert.True(restored.RootElement.GetProperty("restored").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "experiments").GetProperty("rows").GetInt64() == 1);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_recent_trace_on_an_old_experiment_keeps_it_live(string release)
    {
        var (db, model) = await MigratedWorkloadAsync(release);
        var idle = Workloads.Idle(model);
        var traced = idle.Max();
        // A trace logged a minute ago to an experiment whose runs are all months old.
        await db.ExecuteAsync(
            $"insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) values ('tr-recent', {traced}, (extract(epoch from now()) * 1000)::bigint - 60000, 120, 'OK')",
            asOwner: true);

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($": {idle.Length - 1}; 1 more left live", run.Out);
        Assert.True(await db.ScalarAsync<bool>($"select exists (select 1 from experiments where experiment_id = {traced})"));
        Assert.Equal(model.Experiments.Single(e => e.Id == traced).RunCount, await db.ScalarAsync<long>($"select count(*) from runs where experiment_id = {traced}"));
        Assert.Equal(idle.Where(i => i != traced).Order(), await db.ColumnAsync<int>("select experiment_id from mlflow_archive.experiments order by 1"));
    }

    [Fact]
    public async Task A_gateway_endpoint_logging_to_an_old_experiment_keeps_it_live_and_says_why()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.1");
        var idle = Workloads.Idle(model);
        var target = idle.Min();
        // MLflow's endpoints.experiment_id is ON DELETE SET NULL: the endpoint outlives the experiment, so archiving would cut its link.
        await db.ExecuteAsync($"insert into endpoints (endpoint_id, name, created_at, last_updated_at, experiment_id) values ('ep-1', 'chat', 0, 0, {target})", asOwner: true);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"; 1 more left live because rows outside the archived tables point at them", run.Out);
        Assert.Contains($"  experiment {target} stays live: endpoints.fk_endpoints_experiment_id (experiment_id) -> experiments (experiment_id), on delete set null points at its rows;", run.Out);
        Assert.True(await db.ScalarAsync<bool>($"select exists (select 1 from experiments where experiment_id = {target})"));
        Assert.Equal(target, await db.ScalarAsync<int>("select experiment_id from endpoints"));
    }

    [Fact]
    public async Task A_guardrail_using_an_old_experiments_scorer_keeps_it_live()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.2.dev0");
        var target = Workloads.Idle(model).Max();
        // Guardrails are workspace-level (their own workspace column) and point at a scorer version of the experiment's.
        await db.ExecuteAsync(
            $"""
            insert into scorers (experiment_id, scorer_name, scorer_id) values ({target}, 'safety', 'sc-1');
            insert into scorer_versions (scorer_id, scorer_version, serialized_scorer, creation_time) values ('sc-1', 1, 'scorer-json', 0);
            insert into guardrails (guardrail_id, name, scorer_id, scorer_version, stage, action, created_at, last_updated_at) values ('g-1', 'pii', 'sc-1', 1, 'PRE', 'BLOCK', 0, 0);
            """, asOwner: true);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"  experiment {target} stays live: guardrails.fk_guardrails_scorer_version (scorer_id, scorer_version) -> scorer_versions (scorer_id, scorer_version), on delete no action points at its rows; guardrails is a workspace's object (it has its own workspace column), not an experiment's", run.Out);
        Assert.Contains("reconciled:", run.Out);
        Assert.Equal(1, await db.ScalarAsync<long>("select count(*) from scorer_versions"));
    }

    [Fact]
    public async Task A_row_shared_with_a_live_experiment_keeps_the_old_one_live()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.1");
        var idle = Workloads.Idle(model);
        var old = idle.Min();
        var (liveModel, liveExperiment) = (await db.RowsAsync(
            $"select model_id, experiment_id from logged_models where experiment_id not in ({string.Join(",", idle)}) order by 1 limit 1",
            r => (r.GetString(0), r.GetInt32(1))))[0];
        // A live experiment's logged model got a metric from a run of the old experiment: the row belongs to both.
        await db.ExecuteAsync(
            $"""
            insert into logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, experiment_id, run_id)
            select '{liveModel}', 'cross_eval', 0, 0, 0.5, {liveExperiment}, min(run_uuid) from runs where experiment_id = {old}
            """, asOwner: true);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"  experiment {old} stays live: rows of logged_model_metrics belong to it and to a live experiment too", run.Out);
        Assert.Equal(1, await db.ScalarAsync<long>("select count(*) from logged_model_metrics where metric_name = 'cross_eval'"));
        Assert.Equal(idle.Where(i => i != old).Order(), await db.ColumnAsync<int>("select experiment_id from mlflow_archive.experiments order by 1"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_second_run_finds_nothing_left_to_move(string release)
    {
        var (db, _) = await MigratedWorkloadAsync(release);
        var first = await CliRun.RunAsync(["archive", .. db.Args()]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("the live tables now hold dead rows", first.Out);
        var archived = await Workloads.LiveAndArchivedAsync(db);

        var again = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("experiments idle since before", again.Out);
        Assert.Matches(@"Z: 0; 1 more left live", again.Out);
        Assert.Contains("moved 0 experiments and 0 rows", again.Out);
        Assert.DoesNotContain("archive schema", again.Out + again.Error);
        // Nothing moved, so nothing left dead rows behind.
        Assert.DoesNotContain("dead rows", again.Out);
        Assert.Equal(archived, await Workloads.LiveAndArchivedAsync(db));
    }

    [Fact]
    public async Task A_batch_that_waits_too_long_for_mlflows_row_lock_rolls_back_and_a_rerun_resumes()
    {
        var (db, model) = await MigratedWorkloadAsync(LocalPostgres.DefaultRelease);
        var before = await Workloads.LiveAndArchivedAsync(db);
        var first = Workloads.Idle(model).Min();
        var run1 = await db.ScalarAsync<string>($"select min(run_uuid) from runs where experiment_id = {first}");

        await using (var mlflow = await db.OpenAsync(asOwner: true))
        {
            // A write to an old run, in flight while the archive runs.
            await using var tx = await mlflow.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand($"update runs set name = name where run_uuid = '{run1}'", mlflow, tx)) await cmd.ExecuteNonQueryAsync();

            var blocked = await CliRun.RunAsync(["archive", "--batch-size", "5", "--lock-timeout", "0.5", .. db.Args()]);

            Assert.Equal(1, blocked.ExitCode);
            Assert.Equal("dbops archive: batch 1 waited longer than 0.5 s for a lock that MLflow holds on its runs; nothing of batch 1 moved, earlier batches are archived: run dbops archive again to resume", blocked.Error.Trim().Split('\n')[^1]);
            await tx.RollbackAsync();
        }
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));

        var resumed = await CliRun.RunAsync(["archive", "--batch-size", "5", .. db.Args()]);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
    }

    /// <summary>
    /// A run MLflow inserts into an old experiment while the archive moves it: the insert holds a key-share lock on the
    /// experiment, so the batch's lock of the emptied experiment waits for MLflow's commit, and its check (whose snapshot
    /// predates the commit) found no run. The run and its metric must move with the experiment, not be left behind nor
    /// make the batch fail: the experiment phase names its rows without looking through runs, so it first moves the
    /// runs the lock let in.
    /// </summary>
    [Fact]
    public async Task A_run_added_to_an_old_experiment_while_the_batch_waits_for_its_lock_moves_with_it()
    {
        var (db, model) = await MigratedWorkloadAsync(LocalPostgres.DefaultRelease);
        var old = Workloads.Idle(model).Min();
        const string late = "1a7e0000000000000000000000000001";
        Task<CliRun> archive;
        await using (var mlflow = await db.OpenAsync(asOwner: true))
        {
            await using var tx = await mlflow.BeginTransactionAsync();
            async Task RunAsync(string sql)
            {
                await using var cmd = new NpgsqlCommand(sql, mlflow, tx);
                await cmd.ExecuteNonQueryAsync();
            }
            // A copy of one of the experiment's runs and of one of its metric rows, under a new id: MLflow's create_run and log_metric.
            await RunAsync($"create temp table late_run on commit drop as select * from runs where experiment_id = {old} order by run_uuid limit 1");
            await RunAsync($"create temp table late_metric on commit drop as select m.* from metrics m join late_run r using (run_uuid) limit 1");
            await RunAsync($"update late_run set run_uuid = '{late}'");
            await RunAsync($"update late_metric set run_uuid = '{late}'");
            await RunAsync("insert into runs select * from late_run");
            await RunAsync("insert into metrics select * from late_metric");

            archive = Task.Run(() => CliRun.RunAsync(["archive", "--lock-timeout", "60", .. db.Args()]));
            // Until the archive waits on the experiment's row (MLflow's transaction holds the only lock it can wait for).
            var waited = false;
            for (var i = 0; i < 600 && !waited && !archive.IsCompleted; i++)
            {
                waited = await db.ScalarAsync<bool>("select exists (select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%for update%')");
                if (!waited) await Task.Delay(100);
            }
            Assert.True(waited, "the archive never waited for MLflow's lock on the experiment: the test proves nothing");
            await tx.CommitAsync();
        }
        var run = await archive;

        // The run came after the counts, so the archive holds one more run than planned: not reconciled, and said so.
        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("rolled back", run.Error);
        Assert.Equal(1, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.runs where run_uuid = '{late}'"));
        Assert.Equal(1, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.metrics where run_uuid = '{late}'"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from public.runs where experiment_id = {old}"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from public.experiments where experiment_id = {old}"));
        Assert.All(await Workloads.PointingAtArchivedAsync(db), p => Assert.True(p.Value == 0, $"{p.Key}: {p.Value} live rows point at archived ones"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_newer_mlflows_table_that_refers_to_runs_is_archived_by_its_foreign_key_and_named(string release)
    {
        var (db, model) = await MigratedWorkloadAsync(release);
        var idle = Workloads.Idle(model);
        // A table of an MLflow newer than this build: what it means follows from its foreign key (it cascades from runs, so it is a run's).
        await db.ExecuteAsync(
            """
            create table run_notes (note_id serial primary key, run_uuid varchar(32) not null references runs (run_uuid) on delete cascade, body text);
            insert into run_notes (run_uuid, body) select run_uuid, 'note on ' || name from runs;
            """, asOwner: true);
        var notes = await db.ScalarAsync<long>($"select count(*) from run_notes join runs using (run_uuid) where experiment_id in ({string.Join(",", idle)})");
        var before = await Workloads.LiveAndArchivedAsync(db);

        var dry = await CliRun.RunAsync(["archive", "--dry-run", .. db.Args()]);
        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, dry.ExitCode);
        const string named = "run_notes: not a table of any MLflow release this dbops knows; archived with the rows it points at, by its foreign keys run_notes.run_notes_run_uuid_fkey (run_uuid) -> runs (run_uuid), on delete cascade";
        Assert.Contains(named, dry.Out);
        Assert.Matches($@"\n  run_notes\s+{notes:N0}\s+0\r?\n", dry.Out);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(named, run.Out);
        Assert.Equal(notes, await db.ScalarAsync<long>("select count(*) from mlflow_archive.run_notes"));
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
    }

    [Fact]
    public async Task A_table_it_cannot_place_is_named_after_every_count_and_nothing_moves()
    {
        var (db, model) = await MigratedWorkloadAsync(LocalPostgres.DefaultRelease);
        // Two tables whose keys point at each other (and one at runs): no order of moves satisfies both.
        await db.ExecuteAsync(
            """
            create table notes_a (id int primary key, run_uuid varchar(32) references runs (run_uuid), b_id int);
            create table notes_b (id int primary key, a_id int references notes_a (id));
            alter table notes_a add constraint notes_a_b_fkey foreign key (b_id) references notes_b (id);
            """, asOwner: true);
        var before = await Workloads.LiveAndArchivedAsync(db);

        var dry = await CliRun.RunAsync(["archive", "--dry-run", .. db.Args()]);
        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        foreach (var r in new[] { dry, run })
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Matches($@"\n  experiments\s+{Workloads.Idle(model).Length}\s+0\r?\n", r.Out);
            Assert.Matches(@"\n  metrics\s+[1-9][\d,]*\s+0\r?\n", r.Out);
            Assert.Contains("refused: notes_a is in a cycle of foreign keys (notes_a.notes_a_b_fkey (b_id) -> notes_b (id), on delete no action): dbops cannot order its move", r.Out);
            Assert.Contains("refused: notes_b is in a cycle of foreign keys", r.Out);
        }
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
        Assert.False(await HasAsync(db, "mlflow_archive.trace_info"));
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
    }

    [Fact]
    public async Task The_archive_schema_follows_an_mlflow_upgrade_before_anything_moves()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.1");
        var before = await Workloads.LiveAndArchivedAsync(db);
        // An archive made before MLflow 3 (no workspaces, no inputs.step), with an experiment archived then: the live
        // schema was upgraded since, the archive was not. Made from the 3.11.1 fixture by taking the columns away.
        await db.ExecuteAsync(
            """
            alter table mlflow_archive.experiments drop column workspace;
            alter table mlflow_archive.inputs drop column step;
            insert into mlflow_archive.experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                values (9001, 'archived-under-2.x', 's3://mlflow-artifacts/9001', 'active', 0, 0);
            """, asOwner: true);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("dbops archive: archive schema: added mlflow_archive.experiments.workspace character varying(63) default 'default'::character varying", run.Error);
        Assert.Contains("dbops archive: archive schema: added mlflow_archive.inputs.step bigint default '0'::bigint", run.Error);
        Assert.Contains("reconciled:", run.Out);
        // The row archived before the upgrade got what MLflow's own migration gave the live rows.
        Assert.Equal("default", await db.ScalarAsync<string>("select workspace from mlflow_archive.experiments where experiment_id = 9001"));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.inputs where step is null"));
        Assert.Equal(Workloads.Idle(model).Length + 1, await db.ScalarAsync<long>("select count(*) from mlflow_archive.experiments"));
        before.Remove("experiments");
        var after = await Workloads.LiveAndArchivedAsync(db);
        after.Remove("experiments");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Without_the_archive_schema_it_still_counts_then_says_to_migrate_first()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        var model = await Workloads.FillAsync(db, Workloads.Small());

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Matches($@"\n  experiments\s+{Workloads.Idle(model).Length}\s+0\r?\n", run.Out);
        Assert.Contains("refused: the archive schema mlflow_archive is missing: run dbops migrate first", run.Out);
        Assert.EndsWith("nothing moved", run.Out.Trim());
    }

    /// <summary>
    /// Every condition the archiver counts and moves by, planned with work_mem far below the ids it names (64 kB;
    /// the workload's idle experiments hold some hundreds of runs): no sub-plan rescans its parent for every row.
    /// A sub-plan is hashed (built once) or a probe of the parent's key (with sequential scans priced out, a
    /// sub-plan that can probe no index still scans); an <c>in (select ...)</c> under an
    /// <c>or</c> was neither once its ids passed work_mem, which took the count of 61 K runs' inputs from 0.1 s to
    /// 96 s (docs/benchmarks/2026-12-02-bench-db-7.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Every_condition_probes_or_hashes_its_parents_however_little_work_mem_there_is(string release)
    {
        var (db, model) = await MigratedWorkloadAsync(release);
        var archive = await Workloads.ModelAsync(db);
        await using var conn = await db.OpenAsync();
        await conn.ExecuteAsync("analyze", CancellationToken.None);
        await conn.ExecuteAsync("set work_mem = '64kB'", CancellationToken.None);
        // The workload's tables are small enough that a sequential scan per row is what the planner picks for some; at
        // scale it probes an index. Sequential scans priced out, a sub-plan that still scans has no key to probe by.
        await conn.ExecuteAsync("set enable_seqscan = off", CancellationToken.None);
        var idle = Workloads.Idle(model);
        var runs = (await conn.RowsAsync("select run_uuid::text from runs where experiment_id = any($1)", r => r.GetString(0), CancellationToken.None, (object)idle)).ToArray();
        var planned = 0;
        var subPlans = 0;
        foreach (var t in archive.Tables)
        {
            foreach (var (keys, ids) in new (ArchiveKeys, object)[] { (ArchiveKeys.Experiments, idle), (ArchiveKeys.Runs, runs) })
            {
                var owned = archive.Owned(t.Name, ArchiveModel.Live, keys);
                if (owned == "false") continue;
                var json = (await conn.RowsAsync($"explain (format json) select count(*) from public.{ArchiveModel.Q(t.Name)} where {owned}", r => r.GetString(0), CancellationToken.None, ids))[0];
                planned++;
                foreach (var sub in Nodes(System.Text.Json.JsonDocument.Parse(json).RootElement[0].GetProperty("Plan"))
                             .Where(n => n.TryGetProperty("Parent Relationship", out var rel) && rel.GetString() == "SubPlan"))
                {
                    subPlans++;
                    var name = sub.TryGetProperty("Subplan Name", out var sn) ? sn.GetString()! : "";
                    if (name.StartsWith("hashed", StringComparison.Ordinal)) continue;
                    var rescans = Nodes(sub).Select(n => n.GetProperty("Node Type").GetString()).Where(n => n is "Materialize" or "Seq Scan").ToArray();
                    Assert.True(rescans.Length == 0, $"{release}: {t.Name} by {keys}: {name} rescans ({string.Join(", ", rescans)}) for every row: {owned}");
                }
            }
        }
        Assert.True(planned >= 10, $"{release}: only {planned} conditions planned");
        // Some conditions are under an or, where a sub-select stays a sub-plan: the check above had something to look at.
        Assert.True(subPlans > 0, $"{release}: no sub-plan in any condition: the test proves nothing");
    }

    private static IEnumerable<System.Text.Json.JsonElement> Nodes(System.Text.Json.JsonElement plan) =>
        plan.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(Nodes).Prepend(plan) : [plan];

    /// <summary>
    /// Statistics as ANALYZE left them at 1 M runs (its sample saw 39,175 distinct run ids in 100 M metric rows, so
    /// the planner expected 2,500 rows a run): a batch's move must still find its runs' rows by index, not scan the
    /// whole table for each batch, which made every 1000-run batch take 11 s there
    /// (docs/benchmarks/2026-12-03-bench-db-1m.md). Counted by the table's sequential scans: the counts before and
    /// after the move may scan it, the batches may not.
    /// </summary>
    [Fact]
    public async Task A_batch_finds_its_rows_by_index_when_the_statistics_underestimate_the_runs()
    {
        var (db, model) = await MigratedWorkloadAsync("3.11.1");
        await using var conn = await db.OpenAsync();
        // One distinct run id in metrics, as far as the planner knows: each batch's runs then look like most of the table.
        await conn.ExecuteAsync("alter table metrics alter column run_uuid set (n_distinct = 1)", CancellationToken.None);
        await conn.ExecuteAsync("analyze metrics", CancellationToken.None);
        async Task<long> SeqScansAsync() => await conn.ScalarAsync<long>("select seq_scan from pg_stat_user_tables where relid = 'public.metrics'::regclass", CancellationToken.None);
        var before = await SeqScansAsync();

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", "--batch-size", "10", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        var batches = System.Text.RegularExpressions.Regex.Matches(run.Error, @"dbops archive: batch \d+:").Count;
        Assert.True(batches >= 10, $"only {batches} batches: the test would prove nothing");
        // The archiving process has exited, so its statistics are flushed; this connection reads them in a new snapshot.
        await conn.ExecuteAsync("select pg_stat_clear_snapshot()", CancellationToken.None);
        var scans = await SeqScansAsync() - before;
        Assert.True(scans <= 2, $"{scans} sequential scans of metrics during {batches} batches");
    }
}
