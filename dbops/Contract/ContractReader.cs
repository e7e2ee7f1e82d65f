using System.Text.Json;

namespace Dbops.Contract;

/// <summary>
/// Reads the verification contract from the JSON that
/// <c>pulumi stack output verification --json --show-secrets</c> prints.
/// Every problem is reported as a <see cref="ContractException"/> naming the key.
/// </summary>
public static class ContractReader
{
    /// <summary>Keys whose values are credentials: never echoed in an error.</summary>
    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal) { "password", "authToken" };

    public static VerificationContract ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ContractException($"cannot read outputs file {path}: {e.Message}");
        }
        return Parse(text, path);
    }

    public static VerificationContract Parse(string json, string source = "<input>")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // JsonException messages name line and position, not content.
            throw new ContractException($"{source} is not JSON: {e.Message}");
        }
        using (doc)
        {
            var root = new Node(doc.RootElement, "", source);
            var version = root.Int("contractVersion");
            if (version != VerificationContract.SupportedVersion)
            {
                throw new ContractException(
                    $"{source}: contractVersion is {version}; this dbops understands version {VerificationContract.SupportedVersion} (rebuild dbops from the same commit as the stack)");
            }
            var pg = root.Object("postgres");
            var readers = pg.Int("readers", min: 0, max: 15);
            var reader = pg.OptionalString("reader");
            if ((readers == 0) != (reader is null))
            {
                throw new ContractException(
                    $"{source}: postgres.reader must be null exactly when postgres.readers is 0 (readers is {readers})");
            }
            var postgres = new PostgresTarget(
                Writer: pg.String("writer"),
                Reader: reader,
                Port: pg.Int("port", min: 1, max: 65535),
                Database: pg.String("database"),
                Username: pg.String("username"),
                Password: new Secret(pg.String("password")),
                EngineMajor: pg.Int("engineMajor", min: 9, max: 99),
                TlsRequired: pg.Bool("tlsRequired"),
                Readers: readers,
                Parameters: pg.StringMap("parameters"),
                SecretArn: pg.String("secretArn"));
            return new VerificationContract(
                ContractVersion: version,
                Stack: root.String("stack"),
                Environment: root.String("environment"),
                Region: root.String("region"),
                Postgres: postgres);
        }
    }

    /// <summary>A JSON object and its path, with typed accessors that fail with the key's name.</summary>
    private readonly struct Node(JsonElement element, string path, string source)
    {
        private string Key(string name) => path.Length == 0 ? name : $"{path}.{name}";

        private JsonElement Get(string name, JsonValueKind expected, string what)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ContractException($"{source}: {(path.Length == 0 ? "the document" : path)} must be a JSON object");
            }
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Undefined)
            {
                throw new ContractException($"{source}: key {Key(name)} is missing; expected {what}");
            }
            if (value.ValueKind != expected && !(expected == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
            {
                throw new ContractException($"{source}: key {Key(name)} is {Describe(name, value)}; expected {what}");
            }
            return value;
        }

        private static string Describe(string name, JsonElement value) =>
            SecretKeys.Contains(name)
                ? $"a JSON {value.ValueKind.ToString().ToLowerInvariant()}"
                : $"{value.GetRawText()} (a JSON {value.ValueKind.ToString().ToLowerInvariant()})";

        public Node Object(string name) => new(Get(name, JsonValueKind.Object, "an object"), Key(name), source);

        public string String(string name)
        {
            var s = Get(name, JsonValueKind.String, "a non-empty string").GetString()!;
            if (s.Length == 0) throw new ContractException($"{source}: key {Key(name)} is empty; expected a non-empty string");
            return s;
        }

        public string? OptionalString(string name)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            return String(name);
        }

        public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
        {
            var v = Get(name, JsonValueKind.Number, "a whole number");
            if (!v.TryGetInt32(out var n) || n < min || n > max)
            {
                throw new ContractException($"{source}: key {Key(name)} is {v.GetRawText()}; expected a whole number from {min} to {max}");
            }
            return n;
        }

        public bool Bool(string name) => Get(name, JsonValueKind.True, "true or false").GetBoolean();

        public IReadOnlyDictionary<string, string> StringMap(string name)
        {
            var obj = Get(name, JsonValueKind.Object, "an object of strings");
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in obj.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    throw new ContractException($"{source}: key {Key(name)}.{p.Name} is {p.Value.GetRawText()}; expected a string");
                }
                map[p.Name] = p.Value.GetString()!;
            }
            return map;
        }
    }
}
