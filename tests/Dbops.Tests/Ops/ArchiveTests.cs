using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>dbops archive against real PostgreSQL: what moves, what stays, reconciliation, locks, preconditions.</summary>
[Collection(LocalPostgresCollection.Name)]
public class ArchiveTests(LocalPostgres pg)
{
    private async Task<(ScratchDatabase Db, Bench.Workload.WorkloadModel Model)> MigratedWorkloadAsync()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.Handmade);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        return (db, await Workloads.FillAsync(db, Workloads.Small()));
    }

    [Fact]
    public async Task Dry_run_counts_per_table_what_would_move_and_moves_nothing()
    {
        var (db, model) = await MigratedWorkloadAsync();
        var idle = Workloads.Idle(model);
        var ids = string.Join(",", idle);

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", "--dry-run", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($": {idle.Length}; 1 more left live because their runs back registered model versions", run.Out);
        var runs = await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({ids})");
        var metrics = await db.ScalarAsync<long>($"select count(*) from metrics join runs using (run_uuid) where experiment_id in ({ids})");
        Assert.Matches($@"\n  runs\s+{runs:N0}\s+0\r?\n", run.Out);
        Assert.Matches($@"\n  metrics\s+{metrics:N0}\s+0\r?\n", run.Out);
        Assert.Matches($@"\n  experiments\s+{idle.Length}\s+0\r?\n", run.Out);
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
    }

    [Fact]
    public async Task Moves_exactly_the_idle_experiments_with_all_their_rows_and_reconciles()
    {
        var (db, model) = await MigratedWorkloadAsync();
        var before = await Workloads.LiveAndArchivedAsync(db);
        var activeRows = await db.ScalarAsync<long>($"select count(*) from metrics join runs using (run_uuid) where experiment_id not in ({string.Join(",", Workloads.Idle(model))})");

        var run = await CliRun.RunAsync(["archive", "--older-than", "90d", "--batch-size", "25", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("reconciled: every row of the archived experiments is in mlflow_archive, none left live, none twice", run.Out);
        Assert.DoesNotContain("MISMATCH", run.Out);
        Assert.Matches(@"dbops archive: batch \d+: [\d,]+/[\d,]+ runs \(100\.0 %\), \d+/\d+ experiments, [\d,]+ rows, [\d,]+ rows/s, ETA 0:00", run.Error);
        Assert.Equal(Workloads.Idle(model).Order(), await db.ColumnAsync<int>("select experiment_id from mlflow_archive.experiments order by 1"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from runs where experiment_id in ({string.Join(",", Workloads.Idle(model))})"));
        // Experiment 0 stays (MLflow needs it), and so do the experiment backing a model version and every active one, untouched.
        Assert.True(await db.ScalarAsync<bool>("select exists (select 1 from experiments where experiment_id = 0)"));
        Assert.Equal(model.Experiments.Count - Workloads.Idle(model).Length + 1, await db.ScalarAsync<long>("select count(*) from experiments"));
        Assert.Equal(activeRows, await db.ScalarAsync<long>("select count(*) from metrics"));
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
    }

    [Fact]
    public async Task A_second_run_finds_nothing_left_to_move()
    {
        var (db, _) = await MigratedWorkloadAsync();
        var first = await CliRun.RunAsync(["archive", .. db.Args()]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("the live tables now hold dead rows", first.Out);
        var archived = await Workloads.LiveAndArchivedAsync(db);

        var again = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("experiments idle since before", again.Out);
        Assert.Matches(@"Z: 0; 1 more left live", again.Out);
        Assert.Contains("moved 0 experiments and 0 rows", again.Out);
        // Nothing moved, so nothing left dead rows behind.
        Assert.DoesNotContain("dead rows", again.Out);
        Assert.Equal(archived, await Workloads.LiveAndArchivedAsync(db));
    }

    [Fact]
    public async Task A_batch_that_waits_too_long_for_mlflows_row_lock_rolls_back_and_a_rerun_resumes()
    {
        var (db, model) = await MigratedWorkloadAsync();
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

    [Fact]
    public async Task A_table_this_build_does_not_know_that_refers_to_runs_stops_the_archive_before_anything_moves()
    {
        var (db, _) = await MigratedWorkloadAsync();
        // A newer MLflow's table: archiving runs under it would fail or, with ON DELETE CASCADE, lose its rows.
        await db.ExecuteAsync("create table trace_info (request_id varchar(50) primary key, run_uuid varchar(32) references runs (run_uuid) on delete cascade)", asOwner: true);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("dbops archive: trace_info refers to runs (trace_info_run_uuid_fkey) and this dbops does not know how to archive it: archiving could fail or lose its rows; upgrade dbops", run.Error.Trim());
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.runs"));
    }

    [Fact]
    public async Task Without_the_archive_schema_it_says_to_migrate_first()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.Handmade);

        var run = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("dbops archive: the archive schema is missing (mlflow_archive.input_tags, inputs, metrics", run.Error);
        Assert.EndsWith("run dbops migrate first", run.Error.Trim());
    }
}
