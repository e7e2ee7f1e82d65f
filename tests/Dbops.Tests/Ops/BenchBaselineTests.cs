using System.Text.RegularExpressions;
using Dbops.Bench.Benchmarks;
using Dbops.Data;
using Dbops.Verify.Postgres;

namespace Dbops.Tests.Ops;

/// <summary>
/// The benchmarks' "MLflow's indexes" column is MLflow alone: exactly the indexes the release creates
/// (issue 15, defect 7: the hand-made fixture's baseline had index_metrics_run_uuid_key_step, which no
/// release up to 3.11.1 has).
/// </summary>
[Collection(LocalPostgresCollection.Name)]
public class BenchBaselineTests(LocalPostgres pg)
{
    private static async Task<BaselineIndexes> BaselineAsync(ScratchDatabase db)
    {
        await using var conn = await db.OpenAsync();
        return await MlflowBaseline.ReadAsync(conn, CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(LocalPostgres.Releases), MemberType = typeof(LocalPostgres))]
    public async Task A_release_fixture_is_exactly_the_releases_baseline_and_one_index_more_or_less_is_not(string release)
    {
        var db = await pg.CreateDatabaseAsync(release);
        var expected = MlflowReleases.ByName(release)!;

        var exact = await BaselineAsync(db);
        var hasKeyStep = exact.Present.Contains("index_metrics_run_uuid_key_step");
        await db.ExecuteAsync(hasKeyStep ? "drop index index_metrics_run_uuid_key_step" : "create index index_metrics_run_uuid_key_step on metrics (run_uuid, key, step)", asOwner: true);
        var changed = await BaselineAsync(db);

        Assert.True(exact.Exact, exact.Describe());
        Assert.Equal(expected, exact.Release);
        Assert.Equal(expected.Tables.Sum(t => t.Indexes.Length), exact.Present.Count);
        // Only master after 3.11.1 (alembic a5b4c3d2e1f0 and later) creates it.
        Assert.Equal(release == "3.11.2.dev0", hasKeyStep);
        Assert.False(changed.Exact);
        if (hasKeyStep) Assert.Equal(["index_metrics_run_uuid_key_step"], changed.Missing);
        else Assert.Equal(["index_metrics_run_uuid_key_step on metrics"], changed.Extra);
    }

    [Fact]
    public async Task The_schema_make_bench_db_loads_is_a_release_whose_baseline_is_exact()
    {
        var script = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "scripts", "bench-db.sh"));
        var schema = Regex.Match(script, "\"\\$ROOT/(tests/fixtures/mlflow/[^\"]*schema\\.sql)\"").Groups[1].Value;
        var release = Regex.Match(script, "MLFLOW_RELEASE=\"\\$\\{MLFLOW_RELEASE:-([^}]+)\\}\"").Groups[1].Value;
        schema = schema.Replace("$MLFLOW_RELEASE", release, StringComparison.Ordinal);
        var folder = Path.GetFileName(Path.GetDirectoryName(schema))!;
        Assert.NotNull(MlflowReleases.ByName(folder));

        var db = await pg.CreateDatabaseAsync(folder);
        var baseline = await BaselineAsync(db);

        Assert.True(baseline.Exact, baseline.Describe());
        Assert.DoesNotContain("index_metrics_run_uuid_key_step", baseline.Present);
    }
}
