using System.Collections;
using Dbops.Contract;

namespace Dbops.Tests;

public class EnvironmentContractReaderTests
{
    private const string Password = "env-pg-password-never-printed";

    private static Hashtable Postgres() => new()
    {
        ["DBOPS_STACK"] = "prod", ["DBOPS_ENVIRONMENT"] = "prod", ["DBOPS_REGION"] = "us-east-1",
        ["DBOPS_PG_WRITER"] = "w.example", ["DBOPS_PG_READER"] = "r.example", ["DBOPS_PG_PORT"] = "5432",
        ["DBOPS_PG_DATABASE"] = "mlflow", ["DBOPS_PG_USERNAME"] = "mlflow_admin", ["DBOPS_PG_PASSWORD"] = Password,
        ["DBOPS_PG_ENGINE_MAJOR"] = "16", ["DBOPS_PG_TLS_REQUIRED"] = "true", ["DBOPS_PG_READERS"] = "2", ["DBOPS_PG_REPLICA_LAG_MS"] = "500",
        ["DBOPS_PG_PARAMETERS"] = """{"rds.force_ssl":"1"}""", ["DBOPS_PG_SECRET_ARN"] = "arn:pg",
    };

    private static ContractException Fails(Hashtable env)
    {
        var e = Assert.Throws<ContractException>(() => EnvironmentContractReader.Read(env));
        Assert.DoesNotContain(Password, e.Message);
        return e;
    }

    [Fact]
    public void Reads_the_same_contract_as_the_json_form()
    {
        var c = EnvironmentContractReader.Read(Postgres());

        Assert.Equal("w.example", c.Postgres.Writer);
        Assert.Equal(5432, c.Postgres.Port);
        Assert.Equal(2, c.Postgres.Readers);
        Assert.Equal(500, c.Postgres.ReplicaLagMs);
        Assert.Equal(Password, c.Postgres.Password.Reveal());
        Assert.Equal("1", c.Postgres.Parameters["rds.force_ssl"]);
        Assert.Null(c.Postgres.AlembicRevision);
        Assert.Null(c.Redis);
        Assert.Null(c.DocumentDb);
    }

    [Fact]
    public void Redis_and_documentdb_are_read_when_their_variables_are_set()
    {
        var env = Postgres();
        env["DBOPS_REDIS_PRIMARY"] = "rp"; env["DBOPS_REDIS_PORT"] = "6379"; env["DBOPS_REDIS_AUTH_TOKEN"] = "tok";
        env["DBOPS_REDIS_REPLICAS"] = "0"; env["DBOPS_REDIS_TLS_REQUIRED"] = "true"; env["DBOPS_REDIS_SECRET_ARN"] = "arn:r";
        env["DBOPS_DOCDB_ENDPOINT"] = "d"; env["DBOPS_DOCDB_READER_ENDPOINT"] = "dr"; env["DBOPS_DOCDB_PORT"] = "27017";
        env["DBOPS_DOCDB_USERNAME"] = "du"; env["DBOPS_DOCDB_PASSWORD"] = "dp"; env["DBOPS_DOCDB_INSTANCES"] = "3";
        env["DBOPS_DOCDB_TLS_REQUIRED"] = "true"; env["DBOPS_DOCDB_SECRET_ARN"] = "arn:d";

        var c = EnvironmentContractReader.Read(env);

        Assert.Equal(new RedisTarget("rp", null, 6379, new Secret("tok"), 0, true, "arn:r"), c.Redis);
        Assert.Equal(3, c.DocumentDb!.Instances);
    }

    [Fact]
    public void A_missing_variable_is_named()
    {
        var env = Postgres();
        env.Remove("DBOPS_PG_PASSWORD");

        Assert.Equal("environment: DBOPS_PG_PASSWORD is missing; expected a non-empty string", Fails(env).Message);
        env = Postgres();
        env.Remove("DBOPS_PG_REPLICA_LAG_MS");
        Assert.Equal("environment: DBOPS_PG_REPLICA_LAG_MS is missing; expected a whole number", Fails(env).Message);
    }

    [Fact]
    public void A_half_set_store_is_an_error_not_a_skip()
    {
        var env = Postgres();
        env["DBOPS_REDIS_PRIMARY"] = "rp";

        Assert.Equal("environment: DBOPS_REDIS_REPLICAS is missing; expected a whole number", Fails(env).Message);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_names_the_variable_and_what_is_allowed()
    {
        var env = Postgres();
        env["DBOPS_PG_PORT"] = "fivefourthreetwo";

        Assert.Equal("environment: DBOPS_PG_PORT is \"fivefourthreetwo\" (a JSON string); expected a whole number", Fails(env).Message);
    }

    [Fact]
    public void Parameters_that_are_not_json_are_refused()
    {
        var env = Postgres();
        env["DBOPS_PG_PARAMETERS"] = "rds.force_ssl=1";

        Assert.StartsWith("environment: DBOPS_PG_PARAMETERS is not JSON", Fails(env).Message);
    }

    [Fact]
    public void A_reader_set_with_zero_readers_is_inconsistent()
    {
        var env = Postgres();
        env["DBOPS_PG_READERS"] = "0";

        Assert.Contains("postgres.reader must be null exactly when postgres.readers is 0", Fails(env).Message);
    }

    /// <summary>A directory laid out as Kubernetes mounts a Secret: each key a symlink into a timestamped ..data directory.</summary>
    private static string MountedSecret(IDictionary<string, string> files)
    {
        var dir = Directory.CreateTempSubdirectory("dbops-secrets-").FullName;
        var data = Path.Combine(dir, "..2026_12_02_01_00_00.000000001");
        Directory.CreateDirectory(data);
        Directory.CreateSymbolicLink(Path.Combine(dir, "..data"), data);
        foreach (var (name, value) in files)
        {
            File.WriteAllText(Path.Combine(data, name), value);
            File.CreateSymbolicLink(Path.Combine(dir, name), Path.Combine("..data", name));
        }
        return dir;
    }

    [Fact]
    public void Values_are_read_from_the_mounted_secret_directory_when_not_in_the_environment()
    {
        var all = Postgres();
        var files = all.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        // A hand-written file ends with a newline; it is not part of the value.
        files["DBOPS_PG_USERNAME"] = "mlflow_admin\n";
        var dir = MountedSecret(files);
        try
        {
            var c = EnvironmentContractReader.Read(new Hashtable { [EnvironmentContractReader.SecretsDirVariable] = dir });

            Assert.Equal(Password, c.Postgres.Password.Reveal());
            Assert.Equal("mlflow_admin", c.Postgres.Username);
            Assert.Equal(2, c.Postgres.Readers);
            Assert.Equal("1", c.Postgres.Parameters["rds.force_ssl"]);
            Assert.True(EnvironmentContractReader.IsPresent(new Hashtable { [EnvironmentContractReader.SecretsDirVariable] = dir }));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_variable_given_both_as_environment_and_as_file_is_refused()
    {
        var env = Postgres();
        env.Remove("DBOPS_PG_PASSWORD");
        var dir = MountedSecret(new Dictionary<string, string> { ["DBOPS_PG_PASSWORD"] = Password, ["DBOPS_PG_WRITER"] = "other.example" });
        env[EnvironmentContractReader.SecretsDirVariable] = dir;
        try
        {
            Assert.Equal(
                $"environment: DBOPS_PG_WRITER is set both in the environment and as a file in DBOPS_SECRETS_DIR; set it one way only",
                Fails(env).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_misspelt_file_and_a_missing_directory_are_named()
    {
        var dir = MountedSecret(new Dictionary<string, string> { ["DBOPS_PG_PASSWRD"] = Password });
        try
        {
            var e = Fails(new Hashtable { [EnvironmentContractReader.SecretsDirVariable] = dir });
            Assert.StartsWith("environment: DBOPS_SECRETS_DIR holds DBOPS_PG_PASSWRD, which is not a contract variable; allowed: DBOPS_STACK, ", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }

        Assert.StartsWith(
            "environment: DBOPS_SECRETS_DIR is \"/nonexistent/dbops\", which is not a directory",
            Fails(new Hashtable { [EnvironmentContractReader.SecretsDirVariable] = "/nonexistent/dbops" }).Message);
    }

    [Fact]
    public void A_variable_missing_from_both_is_named_as_before()
    {
        var files = Postgres().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        files.Remove("DBOPS_PG_PASSWORD");
        var dir = MountedSecret(files);
        try
        {
            Assert.Equal("environment: DBOPS_PG_PASSWORD is missing; expected a non-empty string", Fails(new Hashtable { [EnvironmentContractReader.SecretsDirVariable] = dir }).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
