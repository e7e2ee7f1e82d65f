using System.Collections;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Dbops.Tests.Verify;

/// <summary>The whole command against the local stores: reports, JUnit, exit codes, and never a secret.</summary>
[Collection(LocalStoresCollection.Name)]
public class CliVerifyTests(LocalStores stores)
{
    private string[] Secrets => [stores.Contract.Postgres.Password.Reveal(), stores.Contract.Redis!.AuthToken.Reveal()];

    [Fact]
    public async Task A_healthy_setup_exits_0_with_a_table_that_names_every_check()
    {
        var run = await CliRun.RunAsync(["verify", "--outputs", stores.ContractPath, "--ca-bundle", stores.CaBundle]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("PASS    postgres.writer.tls", run.Out);
        // The four MLflow schema checks (tables, primary keys, foreign keys, indexes) among them.
        Assert.Contains("PASS    postgres.writer.mlflow-indexes", run.Out);
        Assert.Matches(@"OK: 31 passed, 0 failed, 0 warnings, 2 skipped in \d+ ms", run.Out);
        foreach (var secret in Secrets) Assert.DoesNotContain(secret, run.All);
    }

    [Fact]
    public async Task Json_and_junit_reports_carry_every_check_and_no_secret()
    {
        var junit = Path.Combine(Path.GetTempPath(), $"junit-{Guid.NewGuid():N}.xml");
        try
        {
            var run = await CliRun.RunAsync(["verify", "--outputs", "-", "--ca-bundle", stores.CaBundle, "--format", "json", "--junit", junit],
                stdin: await File.ReadAllTextAsync(stores.ContractPath));

            Assert.Equal(0, run.ExitCode);
            var report = JsonNode.Parse(run.Out)!;
            Assert.Equal("pass", (string)report["status"]!);
            Assert.Equal(33, report["checks"]!.AsArray().Count);
            var bytes = await File.ReadAllBytesAsync(junit);
            Assert.False(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "the JUnit file starts with a byte-order mark");
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", System.Text.Encoding.UTF8.GetString(bytes));
            var xml = XDocument.Load(junit);
            Assert.Equal(33, xml.Descendants("testcase").Count());
            Assert.Equal(2, xml.Descendants("skipped").Count());
            Assert.Empty(xml.Descendants("failure"));
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, run.All);
                Assert.DoesNotContain(secret, await File.ReadAllTextAsync(junit));
            }
        }
        finally
        {
            File.Delete(junit);
        }
    }

    [Fact]
    public async Task A_failed_check_exits_1_and_only_and_skip_select_categories()
    {
        var run = await CliRun.RunAsync(["verify", "--outputs", stores.ContractPath, "--ca-bundle", stores.CaBundle,
            "--only", "postgres", "--skip", "postgres.health,postgres.slo", "--alembic-revision", "0000notthis0", "--format", "json"]);

        Assert.Equal(1, run.ExitCode);
        var checks = JsonNode.Parse(run.Out)!["checks"]!.AsArray();
        Assert.All(checks, c => Assert.Matches("^postgres\\.(tls|server|schema)$", (string)c!["category"]!));
        var failed = Assert.Single(checks, c => (string)c!["status"]! == "fail")!;
        Assert.Equal("postgres.writer.alembic-revision", (string)failed["check"]!);
    }

    [Fact]
    public async Task The_environment_is_an_alternative_to_the_outputs_file()
    {
        var c = stores.Contract;
        var env = new Hashtable
        {
            ["DBOPS_STACK"] = "local", ["DBOPS_ENVIRONMENT"] = "dev", ["DBOPS_REGION"] = "loopback",
            ["DBOPS_PG_WRITER"] = c.Postgres.Writer, ["DBOPS_PG_READER"] = c.Postgres.Reader, ["DBOPS_PG_PORT"] = c.Postgres.Port.ToString(),
            ["DBOPS_PG_DATABASE"] = "mlflow", ["DBOPS_PG_USERNAME"] = c.Postgres.Username, ["DBOPS_PG_PASSWORD"] = c.Postgres.Password.Reveal(),
            ["DBOPS_PG_ENGINE_MAJOR"] = c.Postgres.EngineMajor.ToString(), ["DBOPS_PG_TLS_REQUIRED"] = "true", ["DBOPS_PG_READERS"] = "1", ["DBOPS_PG_REPLICA_LAG_MS"] = c.Postgres.ReplicaLagMs.ToString(),
            ["DBOPS_PG_PARAMETERS"] = """{"log_min_duration_statement":"1000"}""", ["DBOPS_PG_SECRET_ARN"] = "arn:x",
            ["DBOPS_PG_ALEMBIC_REVISION"] = c.Postgres.AlembicRevision,
        };

        var run = await CliRun.RunAsync(["verify", "--ca-bundle", stores.CaBundle, "--only", "postgres.server,postgres.schema"], environment: env);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("PASS    postgres.writer.alembic-revision", run.Out);
        Assert.DoesNotContain("redis", run.Out);
    }
}
