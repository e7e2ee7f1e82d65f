using Dbops.Contract;
using Dbops.Migrate;
using Dbops.Verify;
using Dbops.Verify.Postgres;

namespace Dbops.Tests;

/// <summary>
/// The other side of the contract test: tests/infra/verificationContract.test.ts runs the
/// Pulumi program for every stack under mocks and writes the <c>verification</c> output it
/// exports to out/contract/&lt;stack&gt;.verification.json; these tests read those very files.
/// `make test` runs the TypeScript tests first.
/// </summary>
public class ContractFromProgramTests
{
    public static TheoryData<string> Stacks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.StacksDir, "Pulumi.*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file)["Pulumi.".Length..^".yaml".Length]);
        }
        return data;
    }

    private static VerificationContract Read(string stack)
    {
        var path = Path.Combine(RepoPaths.ContractDir, $"{stack}.verification.json");
        Assert.True(File.Exists(path), $"{path} is missing: run the TypeScript tests first (make test does)");
        return ContractReader.ReadFile(path);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_stack_exports_a_contract_the_verifier_can_read(string stack)
    {
        var contract = Read(stack);

        Assert.Equal(stack, contract.Stack);
        Assert.Equal(VerificationContract.SupportedVersion, contract.ContractVersion);
        Assert.Matches(@"^[a-z]{2}-[a-z]+-\d$", contract.Region);
        var pg = contract.Postgres;
        Assert.Equal(16, pg.EngineMajor);
        Assert.True(pg.TlsRequired);
        Assert.Equal("1", pg.Parameters["rds.force_ssl"]);
        Assert.Contains("pg_stat_statements", pg.Parameters["shared_preload_libraries"]);
        Assert.Equal("1000", pg.Parameters["log_min_duration_statement"]);
        Assert.EndsWith(".rds.amazonaws.com", pg.Writer);
        Assert.StartsWith("arn:aws:secretsmanager:", pg.SecretArn);
        Assert.False(string.IsNullOrEmpty(pg.Password.Reveal()));
        // The application's login of its generation, with the timeouts migrate sets; a DR stack's is the primary's (the handoff).
        Assert.NotNull(pg.Application);
        Assert.Equal(ApplicationRole.LoginFor(pg.Application.Generation), pg.Application.Username);
        Assert.Contains(pg.Application.Username, ApplicationRole.Logins);
        Assert.NotEqual(pg.Password, pg.Application.Password);
        Assert.StartsWith("arn:aws:secretsmanager:", pg.Application.SecretArn);
        Assert.True(pg.Application.StatementTimeoutMs > 0 && pg.Application.LockTimeoutMs > 0);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Reader_endpoint_is_given_exactly_when_the_cluster_has_readers(string stack)
    {
        var pg = Read(stack).Postgres;

        if (pg.Readers == 0)
        {
            Assert.Null(pg.Reader);
        }
        else
        {
            Assert.NotNull(pg.Reader);
            Assert.Contains(".cluster-ro-", pg.Reader);
            Assert.NotEqual(pg.Writer, pg.Reader);
        }
    }

    [Fact]
    public void Prod_declares_at_least_two_readers_and_dev_none()
    {
        Assert.True(Read("prod").Postgres.Readers >= 2);
        Assert.Equal(0, Read("dev").Postgres.Readers);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_verifier_plans_every_store_of_the_contract_and_says_why_it_skips_the_others(string stack)
    {
        var contract = Read(stack);

        // Built, not run: these hosts are the offline fixture's and must not be contacted.
        await using var plan = new CheckPlan(contract, new VerifySettings(), PlatformMigrations.Embedded());
        var ids = plan.Checks.Select(c => c.Id).ToArray();

        // A standby's one PostgreSQL endpoint is read-only and named so.
        var first = contract.IsStandby ? "standby" : "writer";
        Assert.Contains($"postgres.{first}.query-slo", ids);
        Assert.Contains($"postgres.{first}.role", ids);
        Assert.Equal(contract.Postgres.Reader is not null, ids.Contains("postgres.reader.role"));
        var skips = plan.Checks.OfType<SkippedCheck>().ToDictionary(c => c.Id);
        Assert.Equal(contract.Redis is null, skips.ContainsKey("redis"));
        Assert.Equal(contract.Redis is not null, ids.Contains($"redis.{(contract.IsStandby ? "standby" : "primary")}.auth"));
        Assert.Equal(contract.DocumentDb is null, skips.ContainsKey("documentdb"));
        Assert.Equal(contract.DocumentDb is not null && !contract.IsStandby, ids.Contains("documentdb.cluster.primary"));
        foreach (var skip in skips.Values)
        {
            var result = await skip.RunAsync(CancellationToken.None);
            Assert.Matches("^(the contract (has no|declares no) |a standby is a secondary of a global )", result.Message);
        }
    }

    /// <summary>
    /// The Kubernetes wiring hands the contract to the in-cluster Jobs as DBOPS_* variables
    /// (infra/k8s/dbopsEnvironment.ts); the TypeScript tests write what the program puts in
    /// that Secret, and the environment reader must find exactly the contract in it.
    /// </summary>
    [Fact]
    public void The_in_cluster_environment_carries_the_same_contract_as_the_stack_output()
    {
        var files = Directory.GetFiles(RepoPaths.ContractDir, "*.dbops-env.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var stack = Path.GetFileName(file)[..^".dbops-env.json".Length];
            var variables = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!;
            var fromEnvironment = EnvironmentContractReader.Read(new System.Collections.Hashtable(variables));
            var fromOutput = Read(stack);

            Assert.Equal(fromOutput.Stack, fromEnvironment.Stack);
            Assert.Equal(fromOutput.Role, fromEnvironment.Role);
            Assert.Equal(fromOutput.Postgres, fromEnvironment.Postgres with { Parameters = fromOutput.Postgres.Parameters });
            Assert.Equal(fromOutput.Postgres.Parameters, fromEnvironment.Postgres.Parameters);
            Assert.Equal(fromOutput.DocumentDb, fromEnvironment.DocumentDb);
            Assert.Equal(fromOutput.Redis, fromEnvironment.Redis);
        }
    }
}
