using Dbops.Data;
using Dbops.Tests.Verify;

namespace Dbops.Tests.Ops;

/// <summary>dbops archive restore: an archived experiment comes back whole, row for row; a name MLflow gave away meanwhile stops it, and --rename-to resolves it.</summary>
[Collection(LocalPostgresCollection.Name)]
public class ArchiveRestoreTests(LocalPostgres pg)
{
    private async Task<(ScratchDatabase Db, int[] Idle, Dictionary<string, string> Original)> ArchivedAsync(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var model = await Workloads.FillAsync(db, Workloads.Small(seed: 31));
        var original = await Workloads.LiveAsync(db);
        Assert.Equal(0, (await CliRun.RunAsync(["archive", "--batch-size", "40", .. db.Args()])).ExitCode);
        Assert.NotEqual(original, await Workloads.LiveAsync(db));
        return (db, Workloads.Idle(model), original);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Archived_then_restored_every_table_holds_the_original_rows(string release)
    {
        var (db, idle, original) = await ArchivedAsync(release);
        var biggest = await db.ScalarAsync<int>("select experiment_id from mlflow_archive.runs group by 1 order by count(*) desc, 1 limit 1");
        var runs = await db.ScalarAsync<long>($"select count(*) from mlflow_archive.runs where experiment_id = {biggest}");
        var traces = await db.ScalarAsync<long>($"select count(*) from mlflow_archive.trace_info where experiment_id = {biggest}");

        var dry = await CliRun.RunAsync(["archive", "restore", "--experiment", biggest.ToString(), "--dry-run", .. db.Args()]);
        Assert.Equal(0, dry.ExitCode);
        Assert.Matches($@"\n  runs\s+{runs:N0}\r?\n", dry.Out);
        Assert.Matches($@"\n  trace_info\s+{traces:N0}\r?\n", dry.Out);
        Assert.Contains("--dry-run: rolled back, nothing restored", dry.Out);
        Assert.Equal(runs, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.runs where experiment_id = {biggest}"));

        foreach (var id in idle)
        {
            var run = await CliRun.RunAsync(["archive", "restore", "--experiment", id.ToString(), .. db.Args()]);
            Assert.True(run.ExitCode == 0, $"restore of {id}: {run.Error}");
            Assert.Contains($"restore of experiment {id} (", run.Out);
        }

        // Every live table holds exactly what it held before the archive: the same rows, no more, no fewer.
        Assert.Equal(original, await Workloads.LiveAsync(db));
        foreach (var t in (await Workloads.ModelAsync(db)).Tables)
        {
            if (await db.ScalarAsync<bool>($"select to_regclass('mlflow_archive.{t.Name}') is not null"))
            {
                Assert.True(await db.ScalarAsync<long>($"select count(*) from mlflow_archive.{t.Name}") == 0, $"mlflow_archive.{t.Name} still holds rows after every experiment came back");
            }
        }
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_name_mlflow_gave_to_a_new_experiment_stops_the_restore_until_renamed(string release)
    {
        var (db, idle, _) = await ArchivedAsync(release);
        var id = idle.Min();
        var name = await db.ScalarAsync<string>($"select name from mlflow_archive.experiments where experiment_id = {id}");
        // MLflow lets a new experiment take the name of one it no longer sees.
        await db.ExecuteAsync($"insert into experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) values ('{name}', 's3://new', 'active', 0, 0)", asOwner: true);
        var reuser = await db.ScalarAsync<int>($"select experiment_id from experiments where name = '{name}'");
        var archived = await Workloads.LiveAndArchivedAsync(db);

        var clash = await CliRun.RunAsync(["archive", "restore", "--experiment", id.ToString(), .. db.Args()]);

        Assert.Equal(1, clash.ExitCode);
        var key = release.StartsWith("2.", StringComparison.Ordinal) ? "experiments_name_key" : "uq_experiments_workspace_name";
        var scope = release.StartsWith("2.", StringComparison.Ordinal) ? "" : " in workspace 'default'";
        Assert.Equal(
            $"dbops archive restore: experiment {id} cannot be restored as '{name}': live experiment {reuser} has that name{scope} ({key}); restore it under another name with --rename-to NEW_NAME, or rename or delete experiment {reuser} in MLflow first",
            clash.Error.Trim());
        Assert.Equal(archived, await Workloads.LiveAndArchivedAsync(db));

        var renamed = await CliRun.RunAsync(["archive", "restore", "--experiment", id.ToString(), "--rename-to", name + " (restored)", .. db.Args()]);

        Assert.Equal(0, renamed.ExitCode);
        Assert.Equal(name + " (restored)", await db.ScalarAsync<string>($"select name from experiments where experiment_id = {id}"));
        Assert.Equal(0, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.runs where experiment_id = {id}"));
    }

    [Fact]
    public async Task Restoring_what_is_not_archived_says_so_and_changes_nothing()
    {
        var (db, _, _) = await ArchivedAsync(LocalPostgres.DefaultRelease);
        var before = await Workloads.LiveAndArchivedAsync(db);

        var missing = await CliRun.RunAsync(["archive", "restore", "--experiment", "424242", .. db.Args()]);
        var bad = await CliRun.RunAsync(["archive", "restore", "--experiment", "0", .. db.Args()]);

        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("dbops archive restore: experiment 424242 is not in mlflow_archive.experiments: nothing to restore", missing.Error);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--experiment must be the id of an archived experiment, 1 or more (experiment 0 is never archived), got 0", bad.Error);
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
    }
}
