using Dbops.Data;
using Dbops.Migrate;
using Dbops.Tests.Verify;
using Dbops.Verify.Postgres;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// MLflow's real search statements (<see cref="MlflowSearchSql"/>): the text MLflow 3.x sends, valid SQL on
/// every real release's schema, and <c>dbops verify</c>'s search-plans check, which fails naming the index
/// and the release once a statement no longer reads the platform's index.
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class SearchPlanTests(LocalPostgres pg)
{
    private static MlflowRelease Release(string name) => MlflowReleases.ByName(name) ?? throw new ArgumentException(name);

    private static string Words(string sql) => string.Join(' ', sql.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private const string Columns = "runs.run_uuid, runs.name, runs.source_type, runs.source_name, runs.entry_point_name, runs.user_id, runs.status, runs.start_time, runs.end_time, runs.deleted_time, runs.source_version, runs.lifecycle_stage, runs.artifact_uri, runs.experiment_id";

    /// <summary>The statements as captured from MLflow 3.x's own store (/work/shared/facts/mlflow-search-sql.md), values as there.</summary>
    public static TheoryData<MlflowSearchSql.Shape, string> Captured => new()
    {
        { MlflowSearchSql.Shape.DefaultOrder, $"SELECT DISTINCT {Columns} FROM runs WHERE runs.experiment_id IN (80) AND runs.lifecycle_stage IN ('active') ORDER BY runs.start_time DESC, runs.run_uuid LIMIT 101 OFFSET 0" },
        { MlflowSearchSql.Shape.OrderByMetric, $"SELECT DISTINCT {Columns}, CASE WHEN (anon_1.is_nan = true) THEN 1 WHEN (anon_1.value IS NULL) THEN 2 ELSE 0 END AS clause_1, anon_1.value FROM runs LEFT OUTER JOIN (SELECT latest_metrics.key AS key, latest_metrics.value AS value, latest_metrics.timestamp AS timestamp, latest_metrics.step AS step, latest_metrics.is_nan AS is_nan, latest_metrics.run_uuid AS run_uuid FROM latest_metrics WHERE latest_metrics.key = 'accuracy') AS anon_1 ON runs.run_uuid = anon_1.run_uuid WHERE runs.experiment_id IN (80) AND runs.lifecycle_stage IN ('active') ORDER BY clause_1, anon_1.value DESC, runs.start_time DESC, runs.run_uuid LIMIT 101 OFFSET 0" },
        { MlflowSearchSql.Shape.ParamAndTag, $"SELECT DISTINCT {Columns} FROM runs JOIN (SELECT params.key AS key, params.value AS value, params.run_uuid AS run_uuid FROM params WHERE params.key = 'optimizer' AND params.value = 'rmsprop') AS anon_1 ON runs.run_uuid = anon_1.run_uuid JOIN (SELECT tags.key AS key, tags.value AS value, tags.run_uuid AS run_uuid FROM tags WHERE tags.key = 'stage' AND tags.value = 'dev') AS anon_2 ON runs.run_uuid = anon_2.run_uuid WHERE runs.experiment_id IN (80) AND runs.lifecycle_stage IN ('active') ORDER BY runs.start_time DESC, runs.run_uuid LIMIT 101 OFFSET 0" },
        { MlflowSearchSql.Shape.MetricFilter, $"SELECT DISTINCT {Columns} FROM runs JOIN (SELECT latest_metrics.key AS key, latest_metrics.value AS value, latest_metrics.timestamp AS timestamp, latest_metrics.step AS step, latest_metrics.is_nan AS is_nan, latest_metrics.run_uuid AS run_uuid FROM latest_metrics WHERE latest_metrics.key = 'loss' AND latest_metrics.value < 0.5) AS anon_1 ON runs.run_uuid = anon_1.run_uuid WHERE runs.experiment_id IN (80) AND runs.lifecycle_stage IN ('active') ORDER BY runs.start_time DESC, runs.run_uuid LIMIT 101 OFFSET 0" },
    };

    [Theory]
    [MemberData(nameof(Captured))]
    public void The_main_statements_on_MLflow_3_11_1_are_the_ones_MLflow_sends(MlflowSearchSql.Shape shape, string captured)
    {
        var values = new MlflowSearchSql.SearchValues(80, MetricKey: shape == MlflowSearchSql.Shape.MetricFilter ? "loss" : "accuracy");
        Assert.Equal(captured, Words(MlflowSearchSql.MainStatement(Release("3.11.1"), shape, values)));
    }

    [Fact]
    public void A_value_with_a_quote_stays_one_literal_and_a_column_a_release_adds_is_selected()
    {
        var sql = MlflowSearchSql.MainStatement(Release("3.11.1"), MlflowSearchSql.Shape.ParamAndTag, new(1, ParamValue: "o'brien"));
        Assert.Contains("params.value = 'o''brien'", sql);
        var runs = Release("3.11.1").Tables.Single(t => t.Name == "runs");
        var newer = Release("3.11.1") with { Tables = [.. Release("3.11.1").Tables.Where(t => t.Name != "runs"), runs with { Columns = [.. runs.Columns, "workspace_id"] }] };
        Assert.Equal("workspace_id", MlflowSearchSql.RunsColumns(newer)[^1]);
        Assert.Contains("runs.experiment_id, runs.workspace_id FROM", Words(MlflowSearchSql.MainStatement(newer, MlflowSearchSql.Shape.DefaultOrder, new(1))));
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task Every_statement_of_a_search_call_runs_on_the_releases_schema_and_reads_the_platforms_indexes(string releaseName)
    {
        var release = Release(releaseName);
        var db = await pg.CreateDatabaseAsync(releaseName);
        var migrate = await CliRun.RunAsync(["migrate", .. db.Args()]);
        Assert.True(migrate.ExitCode == 0, migrate.All);
        const string run = "0123456789abcdef0123456789abcdef";
        await db.ExecuteAsync($"""
            insert into experiments (experiment_id, name, artifact_location, lifecycle_stage) values (80, 'e', 's3://a/80', 'active');
            insert into runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
                values ('{run}', 'r', 'LOCAL', 's', '', 'u', 'FINISHED', 1, '', 'active', 's3://a/80/{run}', 80);
            insert into params (key, value, run_uuid) values ('optimizer', 'rmsprop', '{run}');
            insert into tags (key, value, run_uuid) values ('stage', 'dev', '{run}');
            insert into latest_metrics (key, value, timestamp, step, is_nan, run_uuid) values ('accuracy', 0.9, 1, 1, false, '{run}'), ('loss', 0.1, 1, 1, false, '{run}');
            """, asOwner: true);

        // Each statement is valid on this release's real schema, and the call finds the run.
        await using var conn = await db.OpenAsync(asOwner: true);
        foreach (var shape in Enum.GetValues<MlflowSearchSql.Shape>())
        {
            var ids = new List<string>();
            await using (var cmd = new NpgsqlCommand(MlflowSearchSql.MainStatement(release, shape, new(80, MetricKey: shape == MlflowSearchSql.Shape.MetricFilter ? "loss" : "accuracy")), conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync()) ids.Add(r.GetString(0));
            }
            Assert.Equal([run], ids);
            var followUps = MlflowSearchSql.FollowUps(release, ids);
            Assert.Equal(MlflowSearchSql.SendsModelOutputs(release) ? 5 : 4, followUps.Count);
            foreach (var f in followUps)
            {
                await using var cmd = new NpgsqlCommand(f, conn);
                await cmd.ExecuteNonQueryAsync();
            }
        }

        // The contract pins this release (as the stack's aurora.mlflowSchemaRevision does): its statements are planned.
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(db.ContractPath))!;
        json["postgres"]!["alembicRevision"] = release.AlembicRevision;
        var contract = Path.Combine(db.Server.Dir, $"{db.Name}-pinned.json");
        await File.WriteAllTextAsync(contract, json.ToJsonString());
        string[] verify = ["verify", "--outputs", contract, "--ca-bundle", pg.CaBundle, "--only", "postgres.slo"];
        var pass = await CliRun.RunAsync(verify);
        Assert.Matches($@"PASS\s+postgres\.writer\.search-plans\s.*MLflow {System.Text.RegularExpressions.Regex.Escape(release.Name)}'s 4 search statements read platform_runs_experiment_stage_start, .*platform_latest_metrics_key_run.* \(1 runs, planned with sequential scans off\)", pass.Out);

        // The index gone (as when an upgrade's statement no longer fits it): the check names it and the release.
        await db.ExecuteAsync("drop index platform_runs_experiment_stage_start; drop index platform_runs_start_time", asOwner: true);
        var fail = await CliRun.RunAsync(verify);
        Assert.NotEqual(0, fail.ExitCode);
        Assert.Matches($@"FAIL\s+postgres\.writer\.search-plans\s.*MLflow {System.Text.RegularExpressions.Regex.Escape(release.Name)}'s search statements stopped using the platform's indexes: search runs: default order \(start_time desc\) does not read platform_runs_experiment_stage_start or platform_runs_start_time", fail.Out);
    }

    [Fact]
    public void The_indexes_the_check_expects_are_the_platforms_own()
    {
        var platform = PlatformMigrations.Embedded().Indexes.Select(i => i.Index).ToHashSet();
        foreach (var index in SearchPlanCheck.ExpectedIndex.Values.SelectMany(i => i)) Assert.Contains(index, platform);
        // And the role settings the check plans with are the ones dbops migrate applies.
        Assert.Contains(MlflowRoleSettings.All, s => s.Name == "work_mem");
    }
}
