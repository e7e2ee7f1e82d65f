using System.Text.Json.Nodes;
using Dbops.Contract;
using Dbops.Data;
using Dbops.Migrate;
using Dbops.Verify;
using Dbops.Verify.Postgres;
using Npgsql;

namespace Dbops.Tests.Verify;

/// <summary>
/// The local stores of scripts/local-stores.sh (TLS-only PostgreSQL writer and replica,
/// Redis primary and replica, fixture MLflow schema), started once for every test of the
/// collection on random loopback ports and stopped afterwards.
/// </summary>
public sealed class LocalStores : IDisposable
{
    public string Dir { get; }
    public string ContractPath => Path.Combine(Dir, "contract.json");
    public string CaBundle => Path.Combine(Dir, "ca.pem");
    public IReadOnlyDictionary<string, string> Env { get; }
    public VerificationContract Contract { get; }
    public int PgPort => int.Parse(Env["PG_PORT"]);
    public int RedisPort => int.Parse(Env["REDIS_PORT"]);

    /// <summary>Superuser on the writer through its Unix socket, for the tests to break and mend things.</summary>
    public string AdminConnectionString { get; }

    public LocalStores()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"dbops-tests-{Guid.NewGuid():N}");
        try
        {
            Script("start");
            Env = File.ReadAllLines(Path.Combine(Dir, "stores.env"))
                .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Contract = ContractReader.ReadFile(ContractPath);
            AdminConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = Env["PG_SOCKET_WRITER"], Port = PgPort, Username = "postgres", Database = "mlflow", Pooling = false,
            }.ConnectionString;
            Migrate();
        }
        catch
        {
            Script("stop");
            throw;
        }
    }

    /// <summary>Settings that trust the setup's CA, with timeouts short enough for tests.</summary>
    public VerifySettings Settings => new() { CaBundlePath = CaBundle, CheckTimeout = TimeSpan.FromSeconds(5), OverallTimeout = TimeSpan.FromSeconds(20) };

    /// <summary>The contract as JSON, to change one thing and re-read it.</summary>
    public JsonObject ContractJson() => JsonNode.Parse(File.ReadAllText(ContractPath))!.AsObject();

    public static VerificationContract Read(JsonObject json) => ContractReader.Parse(json.ToJsonString(), "test contract");

    /// <summary>Runs the checks of the given categories (all when none) through the real runner.</summary>
    public async Task<IReadOnlyList<CheckResult>> VerifyAsync(VerificationContract? contract = null, VerifySettings? settings = null, params string[] only)
    {
        settings ??= Settings;
        await using var plan = new CheckPlan(contract ?? Contract, settings, PlatformMigrations.Embedded());
        var report = await new CheckRunner(new RunLimits(settings.CheckTimeout, settings.OverallTimeout)).RunAsync(plan.Select(only, []), CancellationToken.None);
        return report.Results;
    }

    public static CheckResult Single(IEnumerable<CheckResult> results, string check) =>
        results.Single(r => r.Check == check);

    public async Task<NpgsqlConnection> AdminAsync(string database = "mlflow")
    {
        var b = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database };
        var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public async Task AdminExecuteAsync(string sql, string database = "mlflow")
    {
        await using var conn = await AdminAsync(database);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// As a deploy does before verifying: the platform's migrations, through the real
    /// <c>dbops migrate</c>, so the healthy setup has the indexes the verifier expects.
    /// </summary>
    private void Migrate()
    {
        var run = CliRun.RunAsync(["migrate", "--outputs", ContractPath, "--ca-bundle", CaBundle]).GetAwaiter().GetResult();
        if (run.ExitCode != 0) throw new InvalidOperationException($"dbops migrate failed ({run.ExitCode}): {run.All}");
    }

    /// <summary>The MLflow releases of tests/fixtures/mlflow, for theories over them.</summary>
    public static TheoryData<string> Releases => new(MlflowReleases.Known.Select(r => r.Name));

    /// <summary>
    /// A database of its own with one release's fixture schema (no seed), created by its owner as MLflow
    /// would, and the contract that points at it and pins the release's revision; dropped on dispose.
    /// </summary>
    public async Task<ReleaseDatabase> ReleaseDatabaseAsync(string release, bool migrate = false, bool seed = false)
    {
        var name = $"r_{Guid.NewGuid():N}"[..14];
        await AdminExecuteAsync($"create database {name} owner mlflow_admin", "postgres");
        var owner = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Username = "mlflow_admin", CommandTimeout = 120 };
        string[] scripts = seed ? [Path.Combine(release, "schema.sql"), "seed.sql"] : [Path.Combine(release, "schema.sql")];
        await using (var conn = new NpgsqlConnection(owner.ConnectionString))
        {
            await conn.OpenAsync();
            foreach (var script in scripts)
            {
                // psql scripts: their meta-commands (\set ON_ERROR_STOP) are psql's, not SQL.
                var sql = string.Join('\n', File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "fixtures", "mlflow", script)).Where(l => !l.StartsWith('\\')));
                await using var cmd = new NpgsqlCommand(sql, conn);
                await cmd.ExecuteNonQueryAsync();
            }
        }
        var json = ContractJson();
        json["postgres"]!["database"] = name;
        json["postgres"]!["alembicRevision"] = MlflowReleases.ByName(release)!.AlembicRevision;
        var db = new ReleaseDatabase(this, name, json);
        if (migrate)
        {
            var run = await CliRun.RunAsync(["migrate", "--outputs", db.ContractPath, "--ca-bundle", CaBundle]);
            if (run.ExitCode != 0) throw new InvalidOperationException($"dbops migrate failed ({run.ExitCode}): {run.All}");
        }
        return db;
    }

    private void Script(string verb) => StoresScript.Run(verb, Dir);

    public void Dispose() => Script("stop");
}

/// <summary>A scratch database of <see cref="LocalStores.ReleaseDatabaseAsync"/>.</summary>
public sealed class ReleaseDatabase(LocalStores stores, string name, JsonObject contractJson) : IAsyncDisposable
{
    public string Name => name;

    /// <summary>The contract as JSON, to change one thing and re-read it.</summary>
    public JsonObject ContractJson() => JsonNode.Parse(contractJson.ToJsonString())!.AsObject();

    public VerificationContract Contract => LocalStores.Read(contractJson);

    public string ContractPath
    {
        get
        {
            var path = Path.Combine(stores.Dir, $"{name}.json");
            if (!File.Exists(path)) File.WriteAllText(path, contractJson.ToJsonString());
            return path;
        }
    }

    public Task ExecuteAsync(string sql) => stores.AdminExecuteAsync(sql, name);

    public async ValueTask DisposeAsync() => await stores.AdminExecuteAsync($"drop database {name} with (force)", "postgres");
}

[CollectionDefinition(Name)]
public sealed class LocalStoresCollection : ICollectionFixture<LocalStores>
{
    public const string Name = "local stores";
}
