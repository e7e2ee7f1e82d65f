using Dbops.Data;
using Dbops.Tests.Verify;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>dbops maintain does its work, and steps aside, with a clear record, when MLflow or another session holds a lock.</summary>
[Collection(LocalPostgresCollection.Name)]
public class MaintainTests(LocalPostgres pg)
{
    private async Task<ScratchDatabase> WorkloadAsync(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        await Workloads.FillAsync(db, Workloads.Small());
        return db;
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Vacuum_removes_the_dead_rows_and_refreshes_the_statistics(string release)
    {
        var db = await WorkloadAsync(release);
        // Autovacuum off for the table, so that the count of dead rows removed is this command's alone.
        await db.ExecuteAsync("alter table tags set (autovacuum_enabled = false)", asOwner: true);
        var deleted = await db.ScalarAsync<long>("with d as (delete from tags where key = 'stage' returning 1) select count(*) from d");

        var run = await CliRun.RunAsync(["maintain", "vacuum", "--tables", "tags,runs", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches($@"vacuum\s+public\.tags\s+done\s+\d+\.\d\d s  removed {deleted:N0} dead rows, [\d,]+ remain; statistics refreshed", run.Out);
        Assert.Matches(@"vacuum\s+public\.runs\s+done", run.Out);
        Assert.Contains("2 done, 0 skipped for a lock, 0 not reached, 0 failed", run.Out);
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from tags where key = 'stage'"));
        Assert.True(await db.ScalarAsync<bool>("select last_vacuum is not null and last_analyze is not null from pg_stat_user_tables where relid = 'public.tags'::regclass"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Vacuum_skips_a_table_another_session_has_locked_instead_of_waiting(string release)
    {
        var db = await WorkloadAsync(release);
        await using var other = await db.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("lock table params in share update exclusive mode", other, tx)) await cmd.ExecuteNonQueryAsync();

        var started = DateTime.UtcNow;
        var run = await CliRun.RunAsync(["maintain", "vacuum", "--tables", "params,tags", "--lock-timeout", "1", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"vacuum\s+public\.params\s+SKIPPED .*another session holds a conflicting lock", run.Out);
        Assert.Matches(@"vacuum\s+public\.tags\s+done", run.Out);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Reindex_rebuilds_each_index_concurrently_and_reports_its_size(string release)
    {
        var db = await WorkloadAsync(release);
        var oid = await db.ScalarAsync<long>("select 'public.run_pk'::regclass::oid::bigint");

        var run = await CliRun.RunAsync(["maintain", "reindex", "--tables", "runs", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"reindex\s+public\.run_pk\s+done\s+\d+\.\d\d s  \d+\.\d -> \d+\.\d MB", run.Out);
        Assert.Matches(@"reindex\s+public\.platform_runs_experiment_stage_start\s+done", run.Out);
        Assert.NotEqual(oid, await db.ScalarAsync<long>("select 'public.run_pk'::regclass::oid::bigint"));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_index where not indisvalid"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_reindex_cut_short_by_the_lock_timeout_is_skipped_and_leaves_no_half_built_index(string release)
    {
        var db = await WorkloadAsync(release);
        // An open snapshot, as a long MLflow transaction holds one: REINDEX CONCURRENTLY builds its copy,
        // then must wait for that snapshot before swapping, and the lock timeout ends the wait.
        await using var other = await db.OpenAsync();
        await using var tx = await other.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var cmd = new NpgsqlCommand("select count(*) from experiments", other, tx)) await cmd.ExecuteScalarAsync();

        var run = await CliRun.RunAsync(["maintain", "reindex", "--tables", "experiment_tags", "--lock-timeout", "0.5", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"reindex\s+public\.experiment_tag_pk\s+SKIPPED .*no lock within 0\.5 s: skipped, next run retries; dropped the half-built public\.experiment_tag_pk_ccnew", run.Out);
        await tx.RollbackAsync();
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from pg_index where not indisvalid"));
        Assert.Equal(["experiment_tag_pk"], await db.ColumnAsync<string>("select indexrelid::regclass::text from pg_index where indrelid = 'experiment_tags'::regclass"));
    }

    [Fact]
    public async Task Each_step_is_reported_once_and_json_is_all_stdout_holds()
    {
        var db = await WorkloadAsync(LocalPostgres.DefaultRelease);

        var table = await CliRun.RunAsync(["maintain", "vacuum", "--tables", "tags,runs", .. db.Args()]);
        var json = await CliRun.RunAsync(["maintain", "vacuum", "--tables", "tags,runs", "--format", "json", .. db.Args()]);

        Assert.Equal(0, table.ExitCode);
        // Progress on stderr says which step starts; how it ended is on stdout, once.
        var progress = table.Error.Trim().Split('\n');
        Assert.Equal(2, progress.Length);
        Assert.Matches(@"^dbops maintain: vacuum public\.(tags|runs) \(1 of 2\)$", progress[0]);
        Assert.Matches(@"^dbops maintain: vacuum public\.(tags|runs) \(2 of 2\)$", progress[1]);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(table.All, @"public\.tags\s+done"));
        Assert.Equal(0, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["public.runs", "public.tags"], steps.Select(x => x.GetProperty("target").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(steps, x => Assert.Equal("done", x.GetProperty("outcome").GetString()));
        Assert.Equal(2, doc.RootElement.GetProperty("counts").GetProperty("done").GetInt32());
        Assert.Equal("vacuum", doc.RootElement.GetProperty("task").GetString());
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task An_unknown_table_is_unusable_input_naming_the_tables_there_are(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);

        var run = await CliRun.RunAsync(["maintain", "vacuum", "--tables", "runz", .. db.Args()]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("dbops maintain: --tables: no such table runz; tables: ", run.Error);
        Assert.Contains("metrics", run.Error);
    }
}
