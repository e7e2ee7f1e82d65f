using Dbops.Tests.Verify;

namespace Dbops.Tests.Ops;

/// <summary>
/// The archive keeps metrics packed (mlflow_archive.metric_series, one row per run and key, arrays of steps) behind
/// the view mlflow_archive.metrics: what comes out of the view, and what a restore brings back, is every archived
/// row exactly, NaN, ±Infinity, -0, MLflow's ±DBL_MAX and duplicate steps included; an archive in V2's plain layout
/// is converted without losing a row; the series follows a column MLflow adds to metrics.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class ArchivePackedMetricsTests(LocalPostgres pg)
{
    // Each row's text, sorted: equal lists mean the same multiset of rows (a lost, doubled or altered row shows).
    private const string Rows = "select coalesce(string_agg(r, E'\\n' order by r), '') from (select row(key, value, \"timestamp\", run_uuid, step, is_nan)::text r from {0} where run_uuid in ({1})) x";

    /// <summary>Odd values MLflow or another writer can leave in metrics, on one run of an idle experiment, some on a step logged twice.</summary>
    private static string OddRows(string run) =>
        $"""
        insert into metrics (key, value, "timestamp", run_uuid, step, is_nan) values
          ('odd', 'NaN', 1000, '{run}', 0, true),
          ('odd', 0, 1001, '{run}', 1, true),
          ('odd', 'Infinity', 1002, '{run}', 2, false),
          ('odd', '-Infinity', 1003, '{run}', 3, false),
          ('odd', '-0', 1004, '{run}', 4, false),
          ('odd', 1.7976931348623157e308, 1005, '{run}', 5, false),
          ('odd', -1.7976931348623157e308, 1006, '{run}', 5, false),
          ('odd', 4.9e-324, 1006, '{run}', 5, false),
          ('odd', 0.25, 1007, '{run}', 7, false),
          ('odd', 0.5, 1008, '{run}', 7, false),
          ('odd', 0.75, 999, '{run}', 7, false),
          ('odd', 0.125, 1009, '{run}', -1, false)
        """;

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Archived_metrics_are_packed_per_run_and_key_and_come_back_row_for_row(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var model = await Workloads.FillAsync(db, Workloads.Small(seed: 37));
        var idle = Workloads.Idle(model);
        var runs = $"select run_uuid from runs where experiment_id in ({string.Join(",", idle)})";
        var run = await db.ScalarAsync<string>($"{runs} order by run_uuid limit 1");
        await db.ExecuteAsync(OddRows(run), asOwner: true);
        var original = await db.ScalarAsync<string>(string.Format(Rows, "public.metrics", runs));
        var rows = await db.ScalarAsync<long>($"select count(*) from metrics where run_uuid in ({runs})");
        var series = await db.ScalarAsync<long>($"select count(*) from (select distinct run_uuid, key from metrics where run_uuid in ({runs})) s");
        Assert.True(rows > 5 * series, $"{release}: {rows} rows in {series} series: too few steps a series to show packing");

        var archive = await CliRun.RunAsync(["archive", "--batch-size", "40", .. db.Args()]);

        Assert.Equal(0, archive.ExitCode);
        Assert.Contains("reconciled:", archive.Out);
        Assert.Matches($@"\n  metrics\s+{rows:N0}\s+{rows:N0}\s+{rows:N0}\s+0   ok\r?\n", archive.Out);
        Assert.Equal("v", await db.ScalarAsync<string>("select relkind::text from pg_class where oid = 'mlflow_archive.metrics'::regclass"));
        Assert.Equal(series, await db.ScalarAsync<long>("select count(*) from mlflow_archive.metric_series"));
        Assert.Equal(rows, await db.ScalarAsync<long>("select sum(cardinality(step)) from mlflow_archive.metric_series"));
        // The arrays of a series are aligned (element i of each is one step) and read in step order.
        Assert.Equal("{-1,0,1,2,3,4,5,5,5,7,7,7}", await db.ScalarAsync<string>($"select step::text from mlflow_archive.metric_series where run_uuid = '{run}' and key = 'odd'"));
        Assert.Equal(original, await db.ScalarAsync<string>(string.Format(Rows, "mlflow_archive.metrics", runs.Replace("from runs", "from mlflow_archive.runs", StringComparison.Ordinal))));
        Assert.Equal(2, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.metrics where run_uuid = '{run}' and is_nan"));
        Assert.Equal(1, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.metrics where run_uuid = '{run}' and value = '-Infinity'"));

        foreach (var id in idle)
        {
            var restore = await CliRun.RunAsync(["archive", "restore", "--experiment", id.ToString(), .. db.Args()]);
            Assert.True(restore.ExitCode == 0, $"restore of {id}: {restore.Error}");
        }

        Assert.Equal(original, await db.ScalarAsync<string>(string.Format(Rows, "public.metrics", runs)));
        Assert.Equal(0, await db.ScalarAsync<long>("select count(*) from mlflow_archive.metric_series"));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task An_archive_in_the_plain_layout_of_V2_is_converted_with_every_row(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        await Workloads.FillAsync(db, Workloads.Small(seed: 41));
        // Rows an earlier dbops archived into V2's table, one per step (the archive has no foreign keys: no run needed).
        const string old = "0123456789abcdef0123456789abcdef";
        await db.ExecuteAsync(OddRows(old).Replace("insert into metrics", "insert into mlflow_archive.metrics", StringComparison.Ordinal)
            + $", ('loss', 0.5, 1, '{old}', 0, false), ('loss', 0.4, 2, '{old}', 1, false)", asOwner: true);
        var original = await db.ScalarAsync<string>(string.Format(Rows, "mlflow_archive.metrics", $"'{old}'"));
        var before = await Workloads.LiveAndArchivedAsync(db);

        var archive = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, archive.ExitCode);
        Assert.Contains("dbops archive: archive schema: converted mlflow_archive.metrics (14 rows, one per step) into mlflow_archive.metric_series, and made mlflow_archive.metrics a view that unpacks it", archive.Error);
        Assert.Equal(original, await db.ScalarAsync<string>(string.Format(Rows, "mlflow_archive.metrics", $"'{old}'")));
        Assert.Equal(2, await db.ScalarAsync<long>($"select count(*) from mlflow_archive.metric_series where run_uuid = '{old}'"));
        // Live plus archive: the same rows as before the archive that converted and then moved.
        Assert.Equal(before, await Workloads.LiveAndArchivedAsync(db));
        // Analytics reads the view as it read the table; a second run has nothing to convert.
        Assert.Contains("mlflow_analytics=r/", await db.ScalarAsync<string>("select relacl::text from pg_class where oid = 'mlflow_archive.metrics'::regclass"));
        var again = await CliRun.RunAsync(["archive", .. db.Args()]);
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("archive schema", again.Error);
    }

    [Fact]
    public async Task A_column_from_an_older_plain_archive_or_a_newer_mlflow_gets_mlflows_default_in_the_series()
    {
        var db = await pg.CreateDatabaseAsync(LocalPostgres.DefaultRelease);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        var model = await Workloads.FillAsync(db, Workloads.Small(seed: 43));
        // A plain archive made before MLflow had metrics.step (its migration gave old rows step 0).
        await db.ExecuteAsync(
            """
            alter table mlflow_archive.metrics drop column step;
            insert into mlflow_archive.metrics (key, value, "timestamp", run_uuid, is_nan) values ('acc', 0.9, 5, 'fedcba9876543210fedcba9876543210', false), ('acc', 0.8, 4, 'fedcba9876543210fedcba9876543210', false);
            """, asOwner: true);

        Assert.Equal(0, (await CliRun.RunAsync(["archive", .. db.Args()])).ExitCode);
        Assert.Equal("{0,0}", await db.ScalarAsync<string>("select step::text from mlflow_archive.metric_series where run_uuid = 'fedcba9876543210fedcba9876543210'"));

        // A newer MLflow adds a metrics column with a default: the archived series get it, one element a step.
        var archivedRows = await db.ScalarAsync<long>("select count(*) from mlflow_archive.metrics");
        await db.ExecuteAsync("alter table metrics add column origin character varying(20) not null default 'client'", asOwner: true);
        var sync = await CliRun.RunAsync(["archive", .. db.Args()]);

        Assert.Equal(0, sync.ExitCode);
        var series = await db.ScalarAsync<long>("select count(*) from mlflow_archive.metric_series");
        Assert.Contains($"dbops archive: archive schema: added mlflow_archive.metric_series.origin character varying(20)[] ({series:N0} series filled with 'client'::character varying)", sync.Error);
        Assert.Contains("dbops archive: archive schema: recreated the view mlflow_archive.metrics with the columns key, value, timestamp, run_uuid, step, is_nan, origin", sync.Error);
        Assert.Equal(archivedRows, await db.ScalarAsync<long>("select count(*) from mlflow_archive.metrics where origin = 'client'"));
        // And a restore puts the rows back with it.
        var id = Workloads.Idle(model).Min();
        Assert.Equal(0, (await CliRun.RunAsync(["archive", "restore", "--experiment", id.ToString(), .. db.Args()])).ExitCode);
        Assert.True(await db.ScalarAsync<long>($"select count(*) from metrics join runs using (run_uuid) where experiment_id = {id} and origin = 'client'") > 0);
    }
}
