using System.Text.Json.Nodes;
using Dbops.Data;
using Dbops.Report;
using Dbops.Tests.Verify;

namespace Dbops.Tests.Ops;

/// <summary>dbops report states what the database really holds: counts, index usage, bloat, slow statements, the gc backlog.</summary>
[Collection(LocalPostgresCollection.Name)]
public class ReportTests(LocalPostgres pg)
{
    private async Task<ScratchDatabase> WorkloadAsync(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        Assert.Equal(0, (await CliRun.RunAsync(["migrate", .. db.Args()])).ExitCode);
        await Workloads.FillAsync(db, Workloads.Small());
        return db;
    }

    private static JsonNode Table(JsonNode report, string schema, string table) =>
        report["tables"]!.AsArray().Single(t => (string)t!["schema"]! == schema && (string)t["table"]! == table)!;

    private static JsonNode Index(JsonNode report, string name) =>
        report["indexes"]!.AsArray().Single(i => (string)i!["index"]! == name)!;

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Json_report_counts_rows_flags_covered_and_unused_indexes_and_the_gc_backlog(string release)
    {
        var db = await WorkloadAsync(release);
        await db.ExecuteAsync("select pg_stat_reset()");
        await db.ExecuteAsync("select count(*) from runs where experiment_id = 1 and lifecycle_stage = 'active'");

        var run = await CliRun.RunAsync(["report", "--format", "json", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        var report = JsonNode.Parse(run.Out)!;
        Assert.Equal(db.Name, (string)report["database"]!["name"]!);
        Assert.Equal(await db.ScalarAsync<long>("select count(*) from metrics"), (long)Table(report, "public", "metrics")["liveRows"]!);
        Assert.Equal(await db.ScalarAsync<long>("select pg_total_relation_size('metrics')"), (long)Table(report, "public", "metrics")["totalBytes"]!);
        // MLflow's index_metrics_run_uuid is a prefix of index_metrics_run_uuid_key_step, which only master after 3.11.1 has.
        var keyStep = Dbops.Data.MlflowReleases.ByName(release)!.Tables.Single(t => t.Name == "metrics").Indexes.Any(i => i.Name == "index_metrics_run_uuid_key_step");
        Assert.Equal(keyStep ? "index_metrics_run_uuid_key_step" : null, (string?)Index(report, "index_metrics_run_uuid")["coveredBy"]);
        Assert.Null((string?)Index(report, "platform_latest_metrics_key_run")["coveredBy"]);
        Assert.True((bool)Index(report, "platform_metrics_key_value")["unused"]!);
        Assert.True((long)Index(report, "platform_runs_experiment_stage_start")["scans"]! >= 1);
        Assert.False((bool)Index(report, "metric_pk")["unused"]!, "a unique index is never reported unused: it enforces the key");
        var backlog = report["backlog"]!;
        Assert.Equal(await db.ScalarAsync<long>("select count(*) from runs where lifecycle_stage = 'deleted'"), (long)backlog["runs"]!);
        Assert.Equal(await db.ScalarAsync<long>("select count(*) from metrics join runs using (run_uuid) where lifecycle_stage = 'deleted'"), (long)backlog["rows"]!["metrics"]!);
        Assert.DoesNotContain(db.Password, run.All);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Bloat_is_near_zero_after_a_fresh_load_and_near_the_share_deleted_after_a_vacuum(string release)
    {
        var db = await WorkloadAsync(release);
        var fresh = JsonNode.Parse((await CliRun.RunAsync(["report", "--format", "json", .. db.Args()])).Out)!;
        Assert.InRange((double)Table(fresh, "public", "metrics")["bloatShare"]!, 0, 0.08);

        // About a third of the rows deleted and vacuumed: the space stays with the table, free for reuse.
        var before = await db.ScalarAsync<double>("select count(*) from metrics");
        await db.ExecuteAsync("delete from metrics where step % 3 = 0");
        await db.ExecuteAsync("vacuum analyze metrics");
        var deletedShare = 1 - await db.ScalarAsync<double>("select count(*) from metrics") / before;
        var after = JsonNode.Parse((await CliRun.RunAsync(["report", "--format", "json", .. db.Args()])).Out)!;

        Assert.InRange((double)Table(after, "public", "metrics")["bloatShare"]!, deletedShare - 0.08, deletedShare + 0.08);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Slow_statements_come_from_pg_stat_statements_flagged_over_the_line_with_literals_masked(string release)
    {
        var db = await WorkloadAsync(release);
        await db.ExecuteAsync("create extension if not exists pg_stat_statements");
        await db.ExecuteAsync("select pg_stat_statements_reset()");
        await db.ExecuteAsync("select pg_sleep(0.06)", asOwner: true);
        // A utility statement keeps its literals in pg_stat_statements: a password must not reach the report.
        await db.ExecuteAsync($"create role r_{db.Name} password 'hunter2-never-printed'");

        // Enough rows that the role's statement is listed whatever else the server ran meanwhile (with 5 it once fell off).
        var table = await CliRun.RunAsync(["report", "--slow-ms", "40", "--top", "50", .. db.Args()]);
        var jsonText = (await CliRun.RunAsync(["report", "--slow-ms", "40", "--top", "50", "--format", "json", .. db.Args()])).Out;
        var json = JsonNode.Parse(jsonText)!;

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"SLOW mean\s+\d+\.\d\d ms\s+max\s+\d+\.\d\d ms\s+calls\s+1\s+select pg_sleep\(\$1\)", table.Out);
        var sleep = json["statements"]!["items"]!.AsArray().First(s => ((string)s!["query"]!).Contains("pg_sleep", StringComparison.Ordinal))!;
        Assert.InRange((double)sleep["meanMs"]!, 60, 5000);
        Assert.DoesNotContain("hunter2-never-printed", table.All);
        Assert.Contains("password '…'", table.Out);
        // The relaxed encoder: the masked literal as it is, not as \u0027\u2026\u0027.
        Assert.Contains("password '…'", jsonText);
        Assert.DoesNotContain("\\u00", jsonText);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Without_pg_stat_statements_the_report_says_how_to_get_it(string release)
    {
        var db = await WorkloadAsync(release);

        var run = await CliRun.RunAsync(["report", .. db.Args()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("pg_stat_statements is not installed in this database: create extension pg_stat_statements", run.Out);
        Assert.Matches(@"soft-deleted runs waiting for mlflow gc: \d+, deleted since \d{4}-\d\d-\d\d, holding [\d,]+ metrics", run.Out);
    }

    [Fact]
    public void The_tuple_layout_pads_and_skips_nulls_as_postgresql_does()
    {
        // metrics: a short varchar key, double value, bigint timestamp, varchar(32) run_uuid, bigint step, bool is_nan.
        ColumnStats[] Metrics(double runUuidNulls) =>
        [
            new(9, 0, -1, 'i'), new(8, 0, 8, 'd'), new(8, 0, 8, 'd'), new(33, runUuidNulls, -1, 'i'), new(8, 0, 8, 'd'), new(1, 0, 1, 'c'),
        ];

        // Header 23 -> 24; key 0-9, pad to 16; value 16-24; timestamp 24-32; run_uuid 32-65, pad to 72; step 72-80;
        // is_nan 80-81, tuple padded to 88; plus the 4-byte line pointer.
        Assert.Equal(24 + 88 + 4, BloatEstimate.TupleBytes(Metrics(0)), 3);
        // A column that is always NULL takes no room, but the row then carries a NULL bitmap (one byte, within the padding).
        Assert.Equal(24 + 48 + 4, BloatEstimate.TupleBytes(Metrics(1)), 3);
    }
}
