using System.Text.Json.Nodes;
using Dbops.Data;
using Dbops.Verify.Postgres;
using Npgsql;

namespace Dbops.Tests.Ops;

/// <summary>
/// One TLS-only PostgreSQL on loopback (scripts/local-stores.sh with LOCAL_STORES=postgres: no
/// replica, no Redis, no seed), shared by the operations tests, each of which works in
/// databases of its own made from the fixture MLflow schema.
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    public string Dir { get; }
    public string CaBundle => Path.Combine(Dir, "ca.pem");
    public string ContractPath => Path.Combine(Dir, "contract.json");
    public IReadOnlyDictionary<string, string> Env { get; }
    public int Port => int.Parse(Env["PG_PORT"]);

    private static readonly Dictionary<string, string> Variant = new() { ["LOCAL_STORES"] = "postgres", ["LOCAL_STORES_SEED"] = "none" };

    public LocalPostgres()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"dbops-ops-tests-{Guid.NewGuid():N}");
        try
        {
            StoresScript.Run("start", Dir, Variant);
            Env = File.ReadAllLines(Path.Combine(Dir, "stores.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        }
        catch
        {
            StoresScript.Run("stop", Dir);
            throw;
        }
    }

    /// <summary>A connection string through the Unix socket (trust): the superuser, or the MLflow owner.</summary>
    public string SocketConnectionString(string database, string user = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Env["PG_SOCKET_WRITER"], Port = Port, Username = user, Database = database, Pooling = false, CommandTimeout = 120,
    }.ConnectionString;

    /// <summary>The real MLflow releases of tests/fixtures/mlflow, for theories over them.</summary>
    public static TheoryData<string> Releases => Verify.LocalStores.Releases;

    /// <summary>For the tests of dbops' own mechanics (the migration runner, the CLI's inputs) that need some real MLflow schema.</summary>
    public static string DefaultRelease => MlflowReleases.Newest.Name;

    /// <summary>A new database owned by mlflow_admin, with the schema of an MLflow release's fixture (none when <paramref name="release"/> is null).</summary>
    public async Task<ScratchDatabase> CreateDatabaseAsync(string? release)
    {
        var name = $"t_{Guid.NewGuid():N}"[..14];
        await using (var admin = new NpgsqlConnection(SocketConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name} owner mlflow_admin", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var db = new ScratchDatabase(this, name);
        if (release is not null)
        {
            // The fixture is a psql script; its one meta-command (\set ON_ERROR_STOP) is psql's, not SQL.
            var sql = string.Join('\n', File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "fixtures", "mlflow", release, "schema.sql")).Where(l => !l.StartsWith('\\')));
            await db.ExecuteAsync(sql, asOwner: true);
        }
        return db;
    }

    public void Dispose() => StoresScript.Run("stop", Dir);
}

/// <summary>A database of one test: its contract (the real TLS path the commands take) and direct connections for checking.</summary>
public sealed class ScratchDatabase(LocalPostgres server, string name)
{
    public string Name => name;
    public LocalPostgres Server => server;

    private readonly object contractLock = new();

    /// <summary>
    /// The server's contract with this database in it, written once. Tests start several commands at
    /// once: the file is written under a lock and renamed into place, so no command reads it half-written.
    /// </summary>
    public string ContractPath
    {
        get
        {
            var path = Path.Combine(server.Dir, $"{name}.json");
            lock (contractLock)
            {
                if (!File.Exists(path))
                {
                    var json = JsonNode.Parse(File.ReadAllText(server.ContractPath))!.AsObject();
                    json["postgres"]!["database"] = name;
                    var tmp = $"{path}.tmp-{Environment.ProcessId}";
                    File.WriteAllText(tmp, json.ToJsonString());
                    File.Move(tmp, path, overwrite: true);
                }
            }
            return path;
        }
    }

    /// <summary>The database as the commands see it: the contract's writer, TLS verify-full.</summary>
    public DatabaseTarget Target => DatabaseTarget.FromContract(Dbops.Contract.ContractReader.ReadFile(ContractPath).Postgres, server.CaBundle);

    public string Password => Dbops.Contract.ContractReader.ReadFile(ContractPath).Postgres.Password.Reveal();

    /// <summary>The arguments that point a dbops command at this database.</summary>
    public string[] Args(params string[] more) => [.. more, "--outputs", ContractPath, "--ca-bundle", server.CaBundle];

    public async Task<NpgsqlConnection> OpenAsync(bool asOwner = false, string? user = null)
    {
        var conn = new NpgsqlConnection(server.SocketConnectionString(name, user ?? (asOwner ? "mlflow_admin" : "postgres")));
        await conn.OpenAsync();
        return conn;
    }

    public async Task ExecuteAsync(string sql, bool asOwner = false)
    {
        await using var conn = await OpenAsync(asOwner);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        var value = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> map)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(map(r));
        return list;
    }

    public async Task<List<T>> ColumnAsync<T>(string sql)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }
}

[CollectionDefinition(Name)]
public sealed class LocalPostgresCollection : ICollectionFixture<LocalPostgres>
{
    public const string Name = "local postgres";
}
