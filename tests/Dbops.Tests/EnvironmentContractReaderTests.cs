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
        ["DBOPS_PG_ENGINE_MAJOR"] = "16", ["DBOPS_PG_TLS_REQUIRED"] = "true", ["DBOPS_PG_READERS"] = "2",
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
}
