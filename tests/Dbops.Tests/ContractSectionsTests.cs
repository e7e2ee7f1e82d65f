using System.Text.Json.Nodes;
using Dbops.Contract;

namespace Dbops.Tests;

/// <summary>The documentdb and redis sections and the optional alembicRevision, in the contract's fixed shape.</summary>
public class ContractSectionsTests
{
    private const string DocDbPassword = "docdb-pass-that-must-never-print";
    private const string RedisToken = "redis-token-that-must-never-print";

    private static JsonObject Full() => new()
    {
        ["contractVersion"] = 1, ["stack"] = "prod", ["environment"] = "prod", ["region"] = "us-east-1",
        ["postgres"] = new JsonObject
        {
            ["writer"] = "w", ["reader"] = "r", ["port"] = 5432, ["database"] = "mlflow", ["username"] = "u", ["password"] = "p",
            ["engineMajor"] = 16, ["tlsRequired"] = true, ["readers"] = 2, ["replicaLagMs"] = 1000, ["parameters"] = new JsonObject(), ["secretArn"] = "arn:pg",
            ["alembicRevision"] = "1b5f0d9ad7c1",
        },
        ["documentdb"] = new JsonObject
        {
            ["endpoint"] = "d", ["readerEndpoint"] = "dr", ["port"] = 27017, ["username"] = "du", ["password"] = DocDbPassword,
            ["instances"] = 3, ["tlsRequired"] = true, ["secretArn"] = "arn:docdb",
        },
        ["redis"] = new JsonObject
        {
            ["primary"] = "rp", ["reader"] = "rr", ["port"] = 6379, ["authToken"] = RedisToken, ["replicas"] = 1,
            ["tlsRequired"] = true, ["secretArn"] = "arn:redis",
        },
    };

    private static ContractException Fails(JsonObject doc)
    {
        var e = Assert.Throws<ContractException>(() => ContractReader.Parse(doc.ToJsonString(), "outputs.json"));
        Assert.DoesNotContain(DocDbPassword, e.Message);
        Assert.DoesNotContain(RedisToken, e.Message);
        return e;
    }

    [Fact]
    public void Reads_the_documentdb_and_redis_sections()
    {
        var c = ContractReader.Parse(Full().ToJsonString());

        Assert.Equal(new DocumentDbTarget("d", "dr", 27017, "du", new Secret(DocDbPassword), 3, true, "arn:docdb"), c.DocumentDb);
        Assert.Equal(new RedisTarget("rp", "rr", 6379, new Secret(RedisToken), 1, true, "arn:redis"), c.Redis);
        Assert.Equal("1b5f0d9ad7c1", c.Postgres.AlembicRevision);
        Assert.Equal(3, c.Secrets().Count());
    }

    [Fact]
    public void Printing_the_contract_shows_no_credential()
    {
        var text = ContractReader.Parse(Full().ToJsonString()).ToString();

        Assert.DoesNotContain(DocDbPassword, text);
        Assert.DoesNotContain(RedisToken, text);
    }

    [Theory]
    [InlineData("documentdb")]
    [InlineData("redis")]
    public void A_store_the_stack_does_not_have_may_be_absent_or_null(string section)
    {
        var absent = Full();
        absent.Remove(section);
        var nulled = Full();
        nulled[section] = null;

        foreach (var doc in new[] { absent, nulled })
        {
            var c = ContractReader.Parse(doc.ToJsonString());
            Assert.Null(section == "redis" ? c.Redis : c.DocumentDb);
        }
    }

    [Fact]
    public void The_alembic_revision_is_optional()
    {
        var doc = Full();
        doc["postgres"]!.AsObject().Remove("alembicRevision");
        var nulled = Full();
        nulled["postgres"]!["alembicRevision"] = null;

        Assert.Null(ContractReader.Parse(doc.ToJsonString()).Postgres.AlembicRevision);
        Assert.Null(ContractReader.Parse(nulled.ToJsonString()).Postgres.AlembicRevision);
    }

    [Fact]
    public void A_redis_reader_without_replicas_is_inconsistent()
    {
        var doc = Full();
        doc["redis"]!["replicas"] = 0;

        Assert.Equal("outputs.json: redis.reader must be null exactly when redis.replicas is 0 (replicas is 0)", Fails(doc).Message);
    }

    [Fact]
    public void A_present_section_must_be_complete()
    {
        var doc = Full();
        doc["documentdb"]!.AsObject().Remove("readerEndpoint");

        Assert.Equal("outputs.json: key documentdb.readerEndpoint is missing; expected a non-empty string", Fails(doc).Message);
    }

    [Fact]
    public void Credentials_of_the_wrong_type_are_reported_without_their_value()
    {
        var doc = Full();
        doc["redis"]!["authToken"] = new JsonArray(RedisToken);

        Assert.Equal("outputs.json: key redis.authToken is a JSON array; expected a non-empty string", Fails(doc).Message);
    }

    [Fact]
    public void A_section_that_is_not_an_object_is_refused()
    {
        var doc = Full();
        doc["documentdb"] = "yes";

        Assert.Equal("outputs.json: key documentdb is \"yes\" (a JSON string); expected an object", Fails(doc).Message);
    }
}
