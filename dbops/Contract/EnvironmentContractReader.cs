using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dbops.Contract;

/// <summary>
/// The contract from DBOPS_* environment variables, for running in-cluster where the
/// values come from a mounted secret rather than from the Pulumi CLI. The variables are
/// assembled into the same JSON shape and validated by <see cref="ContractReader"/>, so
/// both sources obey the same rules; messages name the variable, never its value when it
/// holds a credential.
///
/// Values may also come from files: when <c>DBOPS_SECRETS_DIR</c> names a directory (a
/// Kubernetes Secret mounted as a volume, one file per key), a variable that is not in the
/// environment is read from the file of the same name there. Secrets as files, not as
/// environment variables, is Checkov's CKV_K8S_35 (CIS Kubernetes 5.4.1): an environment is
/// visible to anything that can read the process's /proc/&lt;pid&gt;/environ or a crash dump,
/// and is inherited by every child process.
/// </summary>
public static class EnvironmentContractReader
{
    public const string Source = "environment";

    /// <summary>The directory whose files hold the variables' values (the pods mount the contract Secret there).</summary>
    public const string SecretsDirVariable = "DBOPS_SECRETS_DIR";

    private enum Kind { String, NullableString, OptionalString, Int, Bool, Map }

    private sealed record Variable(string Name, string KeyPath, Kind Kind);

    /// <summary>
    /// Every variable, in the contract's order. The names follow infra/verification.ts's rule
    /// (DBOPS_, then each segment of the key path in upper snake case or its short name);
    /// tests/Dbops.Tests/ContractSchemaTests.cs derives them from docs/contract.schema.json by
    /// that rule and checks this list against them, key path and kind included.
    /// </summary>
    private static readonly Variable[] Variables =
    [
        new("DBOPS_STACK", "stack", Kind.String),
        new("DBOPS_ENVIRONMENT", "environment", Kind.String),
        new("DBOPS_REGION", "region", Kind.String),
        new("DBOPS_ROLE", "role", Kind.OptionalString),
        new("DBOPS_PG_WRITER", "postgres.writer", Kind.String),
        new("DBOPS_PG_READER", "postgres.reader", Kind.NullableString),
        new("DBOPS_PG_PORT", "postgres.port", Kind.Int),
        new("DBOPS_PG_DATABASE", "postgres.database", Kind.String),
        new("DBOPS_PG_USERNAME", "postgres.username", Kind.String),
        new("DBOPS_PG_PASSWORD", "postgres.password", Kind.String),
        new("DBOPS_PG_ENGINE_MAJOR", "postgres.engineMajor", Kind.Int),
        new("DBOPS_PG_TLS_REQUIRED", "postgres.tlsRequired", Kind.Bool),
        new("DBOPS_PG_READERS", "postgres.readers", Kind.Int),
        new("DBOPS_PG_REPLICA_LAG_MS", "postgres.replicaLagMs", Kind.Int),
        new("DBOPS_PG_PARAMETERS", "postgres.parameters", Kind.Map),
        new("DBOPS_PG_SECRET_ARN", "postgres.secretArn", Kind.String),
        new("DBOPS_PG_ALEMBIC_REVISION", "postgres.alembicRevision", Kind.OptionalString),
        new("DBOPS_PG_APP_USERNAME", "postgres.application.username", Kind.String),
        new("DBOPS_PG_APP_ROLE", "postgres.application.role", Kind.String),
        new("DBOPS_PG_APP_GENERATION", "postgres.application.generation", Kind.Int),
        new("DBOPS_PG_APP_RESTORED_CLUSTER", "postgres.application.restoredCluster", Kind.Bool),
        new("DBOPS_PG_APP_PASSWORD", "postgres.application.password", Kind.String),
        new("DBOPS_PG_APP_SECRET_ARN", "postgres.application.secretArn", Kind.String),
        new("DBOPS_PG_APP_STATEMENT_TIMEOUT_MS", "postgres.application.statementTimeoutMs", Kind.Int),
        new("DBOPS_PG_APP_IDLE_IN_TRANSACTION_TIMEOUT_MS", "postgres.application.idleInTransactionSessionTimeoutMs", Kind.Int),
        new("DBOPS_PG_APP_LOCK_TIMEOUT_MS", "postgres.application.lockTimeoutMs", Kind.Int),
        new("DBOPS_DOCDB_ENDPOINT", "documentdb.endpoint", Kind.String),
        new("DBOPS_DOCDB_READER_ENDPOINT", "documentdb.readerEndpoint", Kind.String),
        new("DBOPS_DOCDB_PORT", "documentdb.port", Kind.Int),
        new("DBOPS_DOCDB_USERNAME", "documentdb.username", Kind.String),
        new("DBOPS_DOCDB_PASSWORD", "documentdb.password", Kind.String),
        new("DBOPS_DOCDB_INSTANCES", "documentdb.instances", Kind.Int),
        new("DBOPS_DOCDB_TLS_REQUIRED", "documentdb.tlsRequired", Kind.Bool),
        new("DBOPS_DOCDB_SECRET_ARN", "documentdb.secretArn", Kind.String),
        new("DBOPS_REDIS_PRIMARY", "redis.primary", Kind.String),
        new("DBOPS_REDIS_READER", "redis.reader", Kind.NullableString),
        new("DBOPS_REDIS_PORT", "redis.port", Kind.Int),
        new("DBOPS_REDIS_AUTH_TOKEN", "redis.authToken", Kind.String),
        new("DBOPS_REDIS_REPLICAS", "redis.replicas", Kind.Int),
        new("DBOPS_REDIS_TLS_REQUIRED", "redis.tlsRequired", Kind.Bool),
        new("DBOPS_REDIS_SECRET_ARN", "redis.secretArn", Kind.String),
    ];

    /// <summary>A section is present when any of its variables is set: a half-set section is an error, not a skip.</summary>
    private static readonly string[] OptionalSections = ["documentdb", "redis", "postgres.application"];

    public static IEnumerable<string> VariableNames => Variables.Select(v => v.Name);

    /// <summary>Each variable with the key it carries and how its text is read, for the schema test.</summary>
    internal static IEnumerable<(string Name, string KeyPath, string Kind)> Described => Variables.Select(v => (v.Name, v.KeyPath, v.Kind.ToString()));

    /// <summary>True when the environment holds at least the writer endpoint, or names a secrets directory, i.e. the caller meant to use it.</summary>
    public static bool IsPresent(IDictionary environment) => environment.Contains("DBOPS_PG_WRITER") || environment.Contains(SecretsDirVariable);

    public static VerificationContract Read(IDictionary environment)
    {
        environment = WithSecretFiles(environment);
        var root = new JsonObject { ["contractVersion"] = VerificationContract.SupportedVersion };
        var sections = new Dictionary<string, JsonObject>(StringComparer.Ordinal) { ["postgres"] = new JsonObject() };
        foreach (var section in OptionalSections)
        {
            if (Variables.Any(v => v.KeyPath.StartsWith(section + ".", StringComparison.Ordinal) && environment.Contains(v.Name)))
            {
                sections[section] = new JsonObject();
            }
        }
        foreach (var v in Variables)
        {
            // The innermost section holds the key: "postgres.application.username" goes to postgres.application.
            var dot = v.KeyPath.LastIndexOf('.');
            JsonObject target;
            if (dot < 0) target = root;
            else if (!sections.TryGetValue(v.KeyPath[..dot], out target!)) continue;
            var key = v.KeyPath[(dot + 1)..];
            var raw = environment.Contains(v.Name) ? environment[v.Name] as string : null;
            if (raw is null)
            {
                // Absent means null where null is meaningful (no reader); elsewhere the validator reports it missing.
                if (v.Kind == Kind.NullableString) target[key] = null;
                continue;
            }
            target[key] = Convert(v, raw);
        }
        // Nested sections first, into their parents; then the top-level ones into the root.
        foreach (var (name, section) in sections.Where(s => s.Key.Contains('.')))
        {
            var dot = name.LastIndexOf('.');
            sections[name[..dot]][name[(dot + 1)..]] = section;
        }
        foreach (var (name, section) in sections.Where(s => !s.Key.Contains('.'))) root[name] = section;
        return ContractReader.Parse(root.ToJsonString(), Source, NameVariable);
    }

    /// <summary>
    /// The environment plus the values of <c>DBOPS_SECRETS_DIR</c>'s files. Only files named
    /// after a variable are read (a mounted Secret also holds Kubernetes' own <c>..data</c>
    /// entries); a <c>DBOPS_*</c> file that is no variable is a typo and refused, and a variable
    /// given both ways is refused rather than one silently winning. One trailing newline is
    /// dropped (files written by hand end with one; generated credentials never do).
    /// </summary>
    private static IDictionary WithSecretFiles(IDictionary environment)
    {
        if (environment[SecretsDirVariable] is not string dir) return environment;
        if (dir.Length == 0 || !Directory.Exists(dir))
        {
            throw new ContractException($"{Source}: {SecretsDirVariable} is \"{dir}\", which is not a directory; expected the directory of the mounted contract Secret (one file per DBOPS_* variable)");
        }
        var merged = new Hashtable();
        foreach (DictionaryEntry e in environment) merged[e.Key] = e.Value;
        var known = new HashSet<string>(Variables.Select(v => v.Name), StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!known.Contains(name))
            {
                if (name.StartsWith("DBOPS_", StringComparison.Ordinal))
                {
                    throw new ContractException($"{Source}: {SecretsDirVariable} holds {name}, which is not a contract variable; allowed: {string.Join(", ", known)}");
                }
                continue;
            }
            if (environment.Contains(name))
            {
                throw new ContractException($"{Source}: {name} is set both in the environment and as a file in {SecretsDirVariable}; set it one way only");
            }
            var text = File.ReadAllText(path);
            merged[name] = text.EndsWith('\n') ? text[..^1] : text;
        }
        return merged;
    }

    private static string NameVariable(string keyPath)
    {
        var direct = Variables.FirstOrDefault(v => v.KeyPath == keyPath);
        if (direct is not null) return direct.Name;
        var parent = Variables.FirstOrDefault(v => keyPath.StartsWith(v.KeyPath + ".", StringComparison.Ordinal));
        return parent is not null ? $"{parent.Name} ({keyPath})" : keyPath;
    }

    /// <summary>Turns text into the JSON type the key wants; what cannot be converted stays text so the validator names it.</summary>
    private static JsonNode? Convert(Variable v, string raw) => v.Kind switch
    {
        Kind.Int when int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        Kind.Bool when raw is "true" or "false" => raw == "true",
        Kind.NullableString or Kind.OptionalString when raw.Length == 0 => null,
        Kind.Map => ParseMap(v, raw),
        _ => raw,
    };

    private static JsonNode ParseMap(Variable v, string raw)
    {
        try
        {
            return JsonNode.Parse(raw) ?? throw new ContractException($"{Source}: {v.Name} is null; expected a JSON object of strings");
        }
        catch (JsonException e)
        {
            throw new ContractException($"{Source}: {v.Name} is not JSON ({e.Message}); expected a JSON object of strings, e.g. {{\"rds.force_ssl\":\"1\"}}");
        }
    }
}
