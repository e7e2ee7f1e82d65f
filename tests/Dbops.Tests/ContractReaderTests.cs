using System.Text.Json.Nodes;
using Dbops.Contract;

namespace Dbops.Tests;

public class ContractReaderTests
{
    private const string Password = "p@ss-Wörd-that-must-never-print";

    private static JsonObject Valid() => new()
    {
        ["contractVersion"] = 1,
        ["stack"] = "staging",
        ["environment"] = "staging",
        ["region"] = "us-east-1",
        ["postgres"] = new JsonObject
        {
            ["writer"] = "c.cluster-x.us-east-1.rds.amazonaws.com",
            ["reader"] = "c.cluster-ro-x.us-east-1.rds.amazonaws.com",
            ["port"] = 5432,
            ["database"] = "mlflow",
            ["username"] = "mlflow_admin",
            ["password"] = Password,
            ["engineMajor"] = 16,
            ["tlsRequired"] = true,
            ["readers"] = 1,
            ["replicaLagMs"] = 500,
            ["parameters"] = new JsonObject { ["rds.force_ssl"] = "1" },
            ["secretArn"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
        },
    };

    private static ContractException Fails(JsonObject doc)
    {
        var e = Assert.Throws<ContractException>(() => ContractReader.Parse(doc.ToJsonString(), "outputs.json"));
        Assert.DoesNotContain(Password, e.Message);
        return e;
    }

    [Fact]
    public void Reads_every_field()
    {
        var c = ContractReader.Parse(Valid().ToJsonString());

        Assert.Equal("staging", c.Stack);
        Assert.Equal(5432, c.Postgres.Port);
        Assert.Equal(1, c.Postgres.Readers);
        Assert.Equal(500, c.Postgres.ReplicaLagMs);
        Assert.Equal("c.cluster-ro-x.us-east-1.rds.amazonaws.com", c.Postgres.Reader);
        Assert.Equal(Password, c.Postgres.Password.Reveal());
        Assert.Equal("1", c.Postgres.Parameters["rds.force_ssl"]);
    }

    [Fact]
    public void The_password_never_appears_when_the_contract_is_printed()
    {
        var c = ContractReader.Parse(Valid().ToJsonString());

        Assert.DoesNotContain(Password, c.ToString());
        Assert.Contains(Secret.Mask, c.Postgres.ToString());
    }

    [Fact]
    public void Missing_key_is_named_with_its_path()
    {
        var doc = Valid();
        doc["postgres"]!.AsObject().Remove("writer");

        Assert.Equal("outputs.json: key postgres.writer is missing; expected a non-empty string", Fails(doc).Message);
    }

    [Fact]
    public void The_replica_lag_limit_has_no_default_of_its_own()
    {
        // The contract comes from the same commit as dbops; a default here would be a second home of the alarm's threshold.
        var doc = Valid();
        doc["postgres"]!.AsObject().Remove("replicaLagMs");
        var zero = Valid();
        zero["postgres"]!["replicaLagMs"] = 0;

        Assert.Equal("outputs.json: key postgres.replicaLagMs is missing; expected a whole number", Fails(doc).Message);
        Assert.Equal("outputs.json: key postgres.replicaLagMs is 0; expected a whole number from 1 to 3600000", Fails(zero).Message);
    }

    [Fact]
    public void Wrong_type_names_key_value_and_what_is_allowed()
    {
        var doc = Valid();
        doc["postgres"]!["port"] = "5432";

        Assert.Equal("outputs.json: key postgres.port is \"5432\" (a JSON string); expected a whole number", Fails(doc).Message);
    }

    [Fact]
    public void A_password_of_the_wrong_type_is_reported_without_its_value()
    {
        var doc = Valid();
        doc["postgres"]!["password"] = new JsonArray(Password);

        var e = Fails(doc);
        Assert.Equal("outputs.json: key postgres.password is a JSON array; expected a non-empty string", e.Message);
    }

    [Fact]
    public void Port_out_of_range_is_refused()
    {
        var doc = Valid();
        doc["postgres"]!["port"] = 70000;

        Assert.Contains("postgres.port is 70000; expected a whole number from 1 to 65535", Fails(doc).Message);
    }

    [Fact]
    public void A_reader_endpoint_without_readers_is_inconsistent()
    {
        var doc = Valid();
        doc["postgres"]!["readers"] = 0;

        Assert.Contains("postgres.reader must be null exactly when postgres.readers is 0", Fails(doc).Message);
    }

    [Fact]
    public void An_unknown_contract_version_is_refused()
    {
        var doc = Valid();
        doc["contractVersion"] = 2;

        Assert.Contains("contractVersion is 2; this dbops understands version 1", Fails(doc).Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused_without_echoing_it()
    {
        var e = Assert.Throws<ContractException>(() => ContractReader.Parse($"{{\"password\": \"{Password}\"", "outputs.json"));

        Assert.StartsWith("outputs.json is not JSON:", e.Message);
        Assert.DoesNotContain(Password, e.Message);
    }

    [Fact]
    public void An_unreadable_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.json");

        var e = Assert.Throws<ContractException>(() => ContractReader.ReadFile(path));
        Assert.StartsWith($"cannot read outputs file {path}", e.Message);
    }

    [Fact]
    public void The_role_defaults_to_primary_and_standby_is_read()
    {
        Assert.False(ContractReader.Parse(Valid().ToJsonString()).IsStandby);
        var doc = Valid();
        doc["role"] = "standby";
        Assert.True(ContractReader.Parse(doc.ToJsonString()).IsStandby);
    }

    [Fact]
    public void An_unknown_role_is_refused_naming_the_allowed_ones()
    {
        var doc = Valid();
        doc["role"] = "secondary";

        Assert.Equal("outputs.json: role is \"secondary\"; expected \"primary\" or \"standby\"", Fails(doc).Message);
    }
}
