using System.Text.Json.Nodes;
using Dbops.Contract;

namespace Dbops.Tests;

/// <summary>
/// The C# readers against the contract's one schema, docs/contract.schema.json (generated from
/// infra/verification.ts): the JSON reader reads every field the schema has and needs none it
/// lacks, and the environment reader knows exactly the DBOPS_* variables the schema's paths
/// give by the TypeScript side's naming rule, each carrying its key, read as its type.
/// </summary>
public class ContractSchemaTests
{
    private static readonly JsonObject Schema = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "contract.schema.json")))!;

    /// <summary>Not a variable: dbops knows the version it reads (infra/verification.ts, NOT_VARIABLES).</summary>
    private const string VersionKey = "contractVersion";

    private sealed record Leaf(string Path, string Variable, JsonObject Node, bool Nullable, bool Required);

    /// <summary>A node's own schema through zod's nullable form (anyOf [T, null]).</summary>
    private static (JsonObject Node, bool Nullable) NonNull(JsonObject node)
    {
        if (node["anyOf"] is JsonArray any)
        {
            var others = any.OfType<JsonObject>().Where(a => (string?)a["type"] != "null").ToList();
            if (others.Count == 1) return (others[0], true);
        }
        return (node, false);
    }

    /// <summary>The naming rule of infra/verification.ts (variableName): a segment's envName, else upper snake case.</summary>
    private static string Segment(string name, JsonObject node) =>
        (string?)node["envName"] ?? System.Text.RegularExpressions.Regex.Replace(name, "([a-z0-9])([A-Z])", "$1_$2").ToUpperInvariant();

    private static List<Leaf> Leaves()
    {
        var leaves = new List<Leaf>();
        void Walk(JsonObject obj, string path, string variable)
        {
            var required = (obj["required"] as JsonArray)?.Select(r => (string)r!).ToHashSet() ?? [];
            foreach (var (name, value) in (JsonObject)obj["properties"]!)
            {
                var outer = (JsonObject)value!;
                var (node, nullable) = NonNull(outer);
                var keyPath = path.Length == 0 ? name : $"{path}.{name}";
                var segment = Segment(name, outer["envName"] is null ? node : outer);
                if (node["properties"] is JsonObject) Walk(node, keyPath, $"{variable}_{segment}");
                else leaves.Add(new Leaf(keyPath, $"{variable}_{segment}", node, nullable, required.Contains(name)));
            }
        }
        Walk(Schema, "", "DBOPS");
        return leaves;
    }

    [Fact]
    public void The_environment_reader_knows_exactly_the_variables_the_schema_names()
    {
        var expected = Leaves().Where(l => l.Path != VersionKey).Select(l => (l.Variable, l.Path)).OrderBy(x => x.Variable, StringComparer.Ordinal).ToList();
        var actual = EnvironmentContractReader.Described.Select(v => (v.Name, v.KeyPath)).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();

        Assert.True(expected.Count > 30, $"only {expected.Count} fields in the schema: the walk lost part of it");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Each_variable_is_read_as_its_field_s_type()
    {
        var kinds = EnvironmentContractReader.Described.ToDictionary(v => v.KeyPath, v => v.Kind);
        foreach (var leaf in Leaves().Where(l => l.Path != VersionKey))
        {
            var type = (string?)leaf.Node["type"];
            // A required string may be read leniently as optional (a contract written before the field existed, e.g. role).
            string[] allowed = type switch
            {
                "integer" => ["Int"],
                "boolean" => ["Bool"],
                "object" => ["Map"],
                "string" when leaf.Nullable || !leaf.Required => ["NullableString", "OptionalString"],
                "string" => ["String", "OptionalString"],
                _ => throw new InvalidOperationException($"{leaf.Path}: type {type} the test does not know"),
            };
            Assert.True(allowed.Contains(kinds[leaf.Path]), $"{leaf.Variable} ({leaf.Path}, {type}{(leaf.Nullable ? " or null" : "")}) is read as {kinds[leaf.Path]}; expected {string.Join(" or ", allowed)}");
        }
    }

    /// <summary>A document with every field of the schema, each a value the schema allows; nullable leaves null.</summary>
    private static JsonObject Sample(JsonObject obj)
    {
        var doc = new JsonObject();
        foreach (var (name, value) in (JsonObject)obj["properties"]!)
        {
            var (node, nullable) = NonNull((JsonObject)value!);
            doc[name] = node["properties"] is JsonObject ? Sample(node) : nullable ? null : SampleValue(node);
        }
        return doc;
    }

    private static JsonNode SampleValue(JsonObject node)
    {
        if (node["const"] is { } c) return c.DeepClone();
        if (node["enum"] is JsonArray e) return e[0]!.DeepClone();
        return (string?)node["type"] switch
        {
            "integer" or "number" => JsonValue.Create((int)((double?)node["minimum"] ?? 1)),
            "boolean" => JsonValue.Create(true),
            "object" => new JsonObject { ["rds.force_ssl"] = "1" },
            _ => JsonValue.Create("sample"),
        };
    }

    [Fact]
    public void The_json_reader_reads_a_document_of_exactly_the_schema_s_fields()
    {
        var c = ContractReader.Parse(Sample(Schema).ToJsonString(), "schema-sample");

        Assert.Equal("sample", c.Postgres.Writer);
        Assert.Equal("mlflow_app_a", c.Postgres.Application!.Username);
        Assert.NotNull(c.DocumentDb);
        Assert.NotNull(c.Redis);
    }

    [Fact]
    public void The_json_reader_reads_every_field_of_the_schema()
    {
        // A field the reader reads fails when its value is of the wrong type, naming the key; one it ignored would not.
        foreach (var leaf in Leaves())
        {
            var doc = Sample(Schema);
            var segments = leaf.Path.Split('.');
            var parent = segments[..^1].Aggregate(doc, (o, s) => (JsonObject)o[s]!);
            var type = (string?)leaf.Node["type"];
            parent[segments[^1]] = type is "string" ? JsonValue.Create(12345) : JsonValue.Create("not-" + type);

            var e = Assert.Throws<ContractException>(() => ContractReader.Parse(doc.ToJsonString(), "schema-sample"));
            Assert.Contains(leaf.Path, e.Message);
        }
    }
}
