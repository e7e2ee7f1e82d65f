using Dbops.Data;
using Dbops.Verify;
using Dbops.Verify.Postgres;

namespace Dbops.Tests.Verify;

/// <summary>
/// The schema checks on each real MLflow release's fixture: healthy passes, and a missing MLflow
/// table, column, primary key, foreign key or index fails naming it (issue 15, defect 6); a fresh
/// database warns (defect 4); an unknown revision is compared with the newest release and warns.
/// </summary>
[Collection(LocalStoresCollection.Name)]
public class MlflowSchemaTests(LocalStores stores)
{
    private static readonly string[] SchemaChecks =
        ["postgres.writer.mlflow-tables", "postgres.writer.mlflow-primary-keys", "postgres.writer.mlflow-foreign-keys", "postgres.writer.mlflow-indexes"];

    private async Task<CheckResult> CheckAsync(ReleaseDatabase db, string check, VerifySettings? settings = null) =>
        LocalStores.Single(await stores.VerifyAsync(db.Contract, settings, Categories.PostgresSchema), $"postgres.writer.{check}");

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task Every_schema_check_passes_on_the_release_as_mlflow_creates_it(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release, migrate: true);

        var results = await stores.VerifyAsync(db.Contract, null, Categories.PostgresSchema);

        foreach (var r in results) Assert.True(r.Status == CheckStatus.Pass, $"{r.Check}: {r.Status} {r.Message}");
        var tables = LocalStores.Single(results, "postgres.writer.mlflow-tables");
        Assert.Equal(MlflowReleases.ByName(release)!.Tables.Count, tables.Data["checked"]);
        Assert.Contains($"MLflow {release} (alembic {MlflowReleases.ByName(release)!.AlembicRevision})", tables.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task The_query_slo_measures_mlflows_queries_on_the_release(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release, migrate: true, seed: true);

        var slo = LocalStores.Single(await stores.VerifyAsync(db.Contract, null, Categories.PostgresSlo), "postgres.writer.query-slo");

        Assert.True(slo.Status == CheckStatus.Pass, slo.Message);
        Assert.Equal(9900L, slo.Data["experimentRuns"]);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task A_missing_mlflow_index_fails_naming_it(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        await db.ExecuteAsync("drop index index_latest_metrics_run_uuid; drop index index_params_run_uuid");

        var r = await CheckAsync(db, "mlflow-indexes");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing MLflow index(es): index_latest_metrics_run_uuid on latest_metrics (run_uuid), index_params_run_uuid on params (run_uuid)", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task An_index_on_other_columns_than_mlflows_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        await db.ExecuteAsync("drop index index_tags_run_uuid; create index index_tags_run_uuid on tags (key)");

        var r = await CheckAsync(db, "mlflow-indexes");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("index_tags_run_uuid is (key), MLflow's is (run_uuid)", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task The_metrics_primary_key_missing_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        await db.ExecuteAsync("alter table metrics drop constraint metric_pk");

        var r = await CheckAsync(db, "mlflow-primary-keys");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("metrics has no primary key (MLflow's is metric_pk (key, timestamp, step, run_uuid, value, is_nan))", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task The_metrics_to_runs_foreign_key_missing_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        await db.ExecuteAsync("alter table metrics drop constraint metrics_run_uuid_fkey");

        var r = await CheckAsync(db, "mlflow-foreign-keys");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing foreign key(s): metrics.metrics_run_uuid_fkey (run_uuid) -> runs (run_uuid)", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task A_foreign_key_with_another_on_delete_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        // trace_tags -> trace_info is ON DELETE CASCADE in every release.
        await db.ExecuteAsync("alter table trace_tags drop constraint fk_trace_tags_request_id; alter table trace_tags add constraint fk_trace_tags_request_id foreign key (request_id) references trace_info (request_id)");

        var r = await CheckAsync(db, "mlflow-foreign-keys");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("trace_tags.fk_trace_tags_request_id is on delete no action, MLflow's is on delete cascade", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task A_missing_mlflow_table_beyond_the_platforms_own_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        // Neither table is one the platform's queries use: the old check knew only ten.
        await db.ExecuteAsync("drop table trace_tags; drop table input_tags");

        var r = await CheckAsync(db, "mlflow-tables");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing table(s): input_tags, trace_tags", r.Message);
    }

    [Theory]
    [MemberData(nameof(LocalStores.Releases), MemberType = typeof(LocalStores))]
    public async Task A_missing_column_fails(string release)
    {
        await using var db = await stores.ReleaseDatabaseAsync(release);
        await db.ExecuteAsync("alter table runs rename column lifecycle_stage to stage");

        var r = await CheckAsync(db, "mlflow-tables");

        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("missing column(s): runs.lifecycle_stage", r.Message);
    }

    [Fact]
    public async Task An_unknown_revision_is_compared_with_the_newest_release_and_warns_naming_it()
    {
        await using var db = await stores.ReleaseDatabaseAsync(MlflowReleases.Newest.Name);
        var settings = stores.Settings with { AlembicRevision = "1bd49d398cd23" };

        var results = await stores.VerifyAsync(db.Contract, settings, Categories.PostgresSchema);

        foreach (var check in SchemaChecks)
        {
            var r = LocalStores.Single(results, check);
            Assert.Equal(CheckStatus.Warn, r.Status);
            Assert.StartsWith("alembic revision 1bd49d398cd23 is not an MLflow release this dbops knows (2.17.2 (f5a4f2784254), ", r.Message);
            Assert.Contains($"compared with the newest known, MLflow {MlflowReleases.Newest.Name}", r.Message);
        }
    }

    [Fact]
    public async Task An_older_release_pinned_as_unknown_warns_with_what_the_newest_has_beyond_it()
    {
        await using var db = await stores.ReleaseDatabaseAsync("2.17.2");
        var settings = stores.Settings with { AlembicRevision = "0123456789abc" };

        var r = await CheckAsync(db, "mlflow-tables", settings);

        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("missing table(s): assessments, budget_policies", r.Message);
    }

    [Fact]
    public async Task A_fresh_empty_database_warns_and_verify_exits_0_until_mlflow_initialises_it()
    {
        var name = $"e_{Guid.NewGuid():N}"[..14];
        await stores.AdminExecuteAsync($"create database {name} owner mlflow_admin", "postgres");
        try
        {
            var json = stores.ContractJson();
            json["postgres"]!["database"] = name;
            var path = Path.Combine(stores.Dir, $"{name}.json");
            await File.WriteAllTextAsync(path, json.ToJsonString());

            var results = await stores.VerifyAsync(LocalStores.Read(json), null, Categories.PostgresSchema);
            var run = await CliRun.RunAsync(["verify", "--outputs", path, "--ca-bundle", stores.CaBundle, "--only", "postgres.schema"]);

            foreach (var r in results)
            {
                Assert.True(r.Status == CheckStatus.Warn, $"{r.Check}: {r.Status} {r.Message}");
                Assert.StartsWith(MlflowSchema.NotInitialised, r.Message);
            }
            Assert.Contains(results, r => r.Check == "postgres.writer.platform-indexes");
            Assert.True(run.ExitCode == 0, run.All);
        }
        finally
        {
            await stores.AdminExecuteAsync($"drop database {name} with (force)", "postgres");
        }
    }
}
