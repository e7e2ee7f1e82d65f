namespace Dbops.Contract;

/// <summary>
/// The <c>verification</c> stack output of the Pulumi program (infra/verification.ts):
/// everything the verifier needs to check one stack. Both sides are tested against
/// the same file: the TypeScript tests write it from the program under mocks and the
/// C# tests read it.
/// </summary>
public sealed record VerificationContract(
    int ContractVersion,
    string Stack,
    string Environment,
    string Region,
    PostgresTarget Postgres,
    DocumentDbTarget? DocumentDb = null,
    RedisTarget? Redis = null,
    string Role = VerificationContract.Primary)
{
    /// <summary>The contract versions this build understands.</summary>
    public const int SupportedVersion = 1;

    /// <summary>The stores take writes.</summary>
    public const string Primary = "primary";

    /// <summary>
    /// The DR region's read-only secondaries of global clusters: the endpoints the contract
    /// names are reader endpoints, and every session is expected to be read-only.
    /// </summary>
    public const string Standby = "standby";

    public bool IsStandby => Role == Standby;

    /// <summary>Every credential in the contract, so that reports can scrub them as a last line of defence.</summary>
    public IEnumerable<Secret> Secrets()
    {
        yield return Postgres.Password;
        if (Postgres.Application is not null) yield return Postgres.Application.Password;
        if (DocumentDb is not null) yield return DocumentDb.Password;
        if (Redis is not null) yield return Redis.AuthToken;
    }
}

/// <summary>The Aurora PostgreSQL part of the contract.</summary>
public sealed record PostgresTarget(
    string Writer,
    string? Reader,
    int Port,
    string Database,
    string Username,
    Secret Password,
    int EngineMajor,
    bool TlsRequired,
    int Readers,
    int ReplicaLagMs,
    IReadOnlyDictionary<string, string> Parameters,
    string SecretArn,
    string? AlembicRevision = null,
    ApplicationRole? Application = null);

/// <summary>
/// The MLflow application's login (infra: <c>postgres.application</c>): the credential PgBouncer
/// and MLflow use instead of the master user, and the per-login timeouts <c>dbops migrate</c> sets
/// (ALTER ROLE ... SET, applied to each new session of the login). <see cref="Username"/> is the
/// login of this <see cref="Generation"/>, one of <see cref="Logins"/>, which act as
/// <see cref="Role"/> alternately (AWS Secrets Manager's alternating-users rotation strategy).
/// Absent in a contract written before the role had its own credential: migrate then leaves the roles as they are.
/// </summary>
public sealed record ApplicationRole(
    string Username,
    Secret Password,
    string SecretArn,
    int StatementTimeoutMs,
    int IdleInTransactionSessionTimeoutMs,
    int LockTimeoutMs,
    int Generation = 1,
    bool RestoredCluster = false)
{
    /// <summary>The role V1 creates, which holds the privileges; the contract may not name another.</summary>
    public const string Role = "mlflow_app";

    /// <summary>The two logins, odd generations the first (infra/verification.ts MLFLOW_APP_LOGINS).</summary>
    public static readonly IReadOnlyList<string> Logins = ["mlflow_app_a", "mlflow_app_b"];

    /// <summary>The login a generation uses.</summary>
    public static string LoginFor(int generation) => Logins[(generation - 1) % 2];

    /// <summary>The login the generation before this one used (and its pods may still use).</summary>
    public string PreviousLogin => LoginFor(Generation + 1);
}

/// <summary>The DocumentDB part of the contract; absent for a stack without DocumentDB.</summary>
public sealed record DocumentDbTarget(
    string Endpoint,
    string ReaderEndpoint,
    int Port,
    string Username,
    Secret Password,
    int Instances,
    bool TlsRequired,
    string SecretArn);

/// <summary>The ElastiCache (Redis OSS / Valkey) part of the contract; absent for a stack without a cache.</summary>
public sealed record RedisTarget(
    string Primary,
    string? Reader,
    int Port,
    Secret AuthToken,
    int Replicas,
    bool TlsRequired,
    string SecretArn);

/// <summary>
/// A credential read from the contract. It never prints itself: <see cref="ToString"/>
/// is masked, so a secret cannot reach a log, a report or an exception message by accident.
/// </summary>
public sealed class Secret(string value)
{
    public const string Mask = "[secret]";

    /// <summary>The plaintext, for handing to a driver and nothing else.</summary>
    public string Reveal() => value;

    public override string ToString() => Mask;

    public override bool Equals(object? obj) => obj is Secret other && other.Reveal() == value;

    public override int GetHashCode() => value.GetHashCode(StringComparison.Ordinal);
}
