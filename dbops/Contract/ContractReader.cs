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

    public static VerificationContract Parse(string json, string source = "<input>") =>
        Parse(json, source, keyPath => $"key {keyPath}");

    /// <param name="nameKey">How a key path is named in a message: the environment reader names the variable instead.</param>
    internal static VerificationContract Parse(string json, string source, Func<string, string> nameKey)
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
            var root = new Node(doc.RootElement, "", source, nameKey);
            var version = root.Int("contractVersion");
            if (version != VerificationContract.SupportedVersion)
            {
                throw new ContractException(
                    $"{source}: contractVersion is {version}; this dbops understands version {VerificationContract.SupportedVersion} (rebuild dbops from the same commit as the stack)");
            }
            return new VerificationContract(
                ContractVersion: version,
                Stack: root.String("stack"),
                Environment: root.String("environment"),
                Region: root.String("region"),
                Postgres: ReadPostgres(root.Object("postgres"), source),
                DocumentDb: root.OptionalObject("documentdb") is { } d ? ReadDocumentDb(d) : null,
                Redis: root.OptionalObject("redis") is { } r ? ReadRedis(r, source) : null,
                Role: ReadRole(root, source));
        }
    }

    private static string ReadRole(Node root, string source)
    {
        var role = root.OptionalString("role") ?? VerificationContract.Primary;
        if (role is not (VerificationContract.Primary or VerificationContract.Standby))
        {
            throw new ContractException(
                $"{source}: role is \"{role}\"; expected \"{VerificationContract.Primary}\" or \"{VerificationContract.Standby}\"");
        }
        return role;
    }

    private static PostgresTarget ReadPostgres(Node pg, string source)
    {
        var readers = pg.Int("readers", min: 0, max: 15);
        var reader = pg.NullableString("reader");
        if ((readers == 0) != (reader is null))
        {
            throw new ContractException(
                $"{source}: postgres.reader must be null exactly when postgres.readers is 0 (readers is {readers})");
        }
        return new PostgresTarget(
            Writer: pg.String("writer"),
            Reader: reader,
            Port: pg.Int("port", min: 1, max: 65535),
            Database: pg.String("database"),
            Username: pg.String("username"),
            Password: new Secret(pg.String("password")),
            EngineMajor: pg.Int("engineMajor", min: 9, max: 99),
            TlsRequired: pg.Bool("tlsRequired"),
            Readers: readers,
            // Required, with no default here: the contract comes from the same commit, and a default would be a
            // second home of the alarm's threshold (aurora.alarms.replicaLagMs) that could drift from it.
            ReplicaLagMs: pg.Int("replicaLagMs", min: 1, max: 3_600_000),
            Parameters: pg.StringMap("parameters"),
            SecretArn: pg.String("secretArn"),
            AlembicRevision: pg.OptionalString("alembicRevision"),
            Application: pg.OptionalObject("application") is { } app ? ReadApplication(app, source) : null);
    }

    private static ApplicationRole ReadApplication(Node app, string source)
    {
        var role = app.String("role");
        if (role != ApplicationRole.Role)
        {
            throw new ContractException($"{source}: postgres.application.role is \"{role}\"; expected \"{ApplicationRole.Role}\" (the role dbops/migrations/V1__roles.sql creates)");
        }
        var generation = app.Int("generation", min: 1, max: 1_000_000);
        var username = app.String("username");
        if (username != ApplicationRole.LoginFor(generation))
        {
            throw new ContractException(
                $"{source}: postgres.application.username is \"{username}\"; expected \"{ApplicationRole.LoginFor(generation)}\", the login of generation {generation} " +
                $"(odd generations log in as {ApplicationRole.Logins[0]}, even ones as {ApplicationRole.Logins[1]})");
        }
        // 0 turns a timeout off, as in PostgreSQL; the upper bound is a day, far above any sane value for an application.
        const int day = 86_400_000;
        return new ApplicationRole(
            Username: username,
            Password: new Secret(app.String("password")),
            SecretArn: app.String("secretArn"),
            StatementTimeoutMs: app.Int("statementTimeoutMs", min: 0, max: day),
            IdleInTransactionSessionTimeoutMs: app.Int("idleInTransactionSessionTimeoutMs", min: 0, max: day),
            LockTimeoutMs: app.Int("lockTimeoutMs", min: 0, max: day),
            Generation: generation,
            RestoredCluster: app.Bool("restoredCluster"));
    }

    private static DocumentDbTarget ReadDocumentDb(Node d) => new(
        Endpoint: d.String("endpoint"),
        ReaderEndpoint: d.String("readerEndpoint"),
        Port: d.Int("port", min: 1, max: 65535),
        Username: d.String("username"),
        Password: new Secret(d.String("password")),
        Instances: d.Int("instances", min: 1, max: 16),
        TlsRequired: d.Bool("tlsRequired"),
        SecretArn: d.String("secretArn"));

    private static RedisTarget ReadRedis(Node r, string source)
    {
        var replicas = r.Int("replicas", min: 0, max: 5);
        var reader = r.NullableString("reader");
        if ((replicas == 0) != (reader is null))
        {
            throw new ContractException(
                $"{source}: redis.reader must be null exactly when redis.replicas is 0 (replicas is {replicas})");
        }
        return new RedisTarget(
            Primary: r.String("primary"),
            Reader: reader,
            Port: r.Int("port", min: 1, max: 65535),
            AuthToken: new Secret(r.String("authToken")),
            Replicas: replicas,
            TlsRequired: r.Bool("tlsRequired"),
            SecretArn: r.String("secretArn"));
    }

    /// <summary>A JSON object and its path, with typed accessors that fail with the key's name.</summary>
    private readonly struct Node(JsonElement element, string path, string source, Func<string, string> nameKey)
    {
        private string Path(string name) => path.Length == 0 ? name : $"{path}.{name}";

        private string Key(string name) => nameKey(Path(name));

        private bool TryGetPresent(string name, out JsonElement value)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new ContractException($"{source}: {(path.Length == 0 ? "the document" : path)} must be a JSON object");
            }
            return element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Undefined;
        }

        private JsonElement Get(string name, JsonValueKind expected, string what)
        {
            if (!TryGetPresent(name, out var value))
            {
                throw new ContractException($"{source}: {Key(name)} is missing; expected {what}");
            }
            if (value.ValueKind != expected && !(expected == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
            {
                throw new ContractException($"{source}: {Key(name)} is {Describe(name, value)}; expected {what}");
            }
            return value;
        }

        private static string Describe(string name, JsonElement value) =>
            SecretKeys.Contains(name)
                ? $"a JSON {value.ValueKind.ToString().ToLowerInvariant()}"
                : $"{value.GetRawText()} (a JSON {value.ValueKind.ToString().ToLowerInvariant()})";

        public Node Object(string name) => new(Get(name, JsonValueKind.Object, "an object"), Path(name), source, nameKey);

        /// <summary>A section a stack may not have: absent or null means "not in this stack".</summary>
        public Node? OptionalObject(string name)
        {
            if (!TryGetPresent(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            return Object(name);
        }

        public string String(string name)
        {
            var s = Get(name, JsonValueKind.String, "a non-empty string").GetString()!;
            if (s.Length == 0) throw new ContractException($"{source}: {Key(name)} is empty; expected a non-empty string");
            return s;
        }

        /// <summary>A key that must be present but may be null.</summary>
        public string? NullableString(string name)
        {
            if (TryGetPresent(name, out var v) && v.ValueKind == JsonValueKind.Null) return null;
            return String(name);
        }

        /// <summary>A key that may be absent or null.</summary>
        public string? OptionalString(string name)
        {
            if (!TryGetPresent(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            return String(name);
        }

        public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
        {
            var v = Get(name, JsonValueKind.Number, "a whole number");
            if (!v.TryGetInt32(out var n) || n < min || n > max)
            {
                throw new ContractException($"{source}: {Key(name)} is {v.GetRawText()}; expected a whole number from {min} to {max}");
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
                    throw new ContractException($"{source}: {Key(name)}.{p.Name} is {p.Value.GetRawText()}; expected a string");
                }
                map[p.Name] = p.Value.GetString()!;
            }
            return map;
        }
    }
}
