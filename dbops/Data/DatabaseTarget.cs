using Dbops.Contract;
using Npgsql;

namespace Dbops.Data;

/// <summary>
/// How long an operations command waits: for a connection (TCP, TLS and login, Npgsql's
/// <c>Timeout</c>), and for one statement (PostgreSQL's <c>statement_timeout</c>, sent as a
/// startup option so that it outranks a role's or database's own setting; the server cancels
/// the statement and says so). The driver's command timeout sits a little above it, for a
/// server that stops answering altogether.
/// </summary>
public sealed record OpsTimeouts(TimeSpan Connect, TimeSpan Command)
{
    public static readonly TimeSpan DefaultConnect = TimeSpan.FromSeconds(10);

    /// <summary>Npgsql refuses a Timeout above 1024 seconds (NpgsqlConnectionStringBuilder.Timeout).</summary>
    public const int MaxConnectSeconds = 1024;

    /// <summary>How much longer the driver waits than the server: the server's cancellation is the clearer message.</summary>
    public static readonly TimeSpan DriverGrace = TimeSpan.FromSeconds(5);

    public static OpsTimeouts Default { get; } = new(DefaultConnect, TimeSpan.FromMinutes(10));

    public int ConnectSeconds => (int)Math.Clamp(Math.Ceiling(Connect.TotalSeconds), 1, MaxConnectSeconds);
}

/// <summary>
/// The MLflow database the operations commands (migrate, archive, report, maintain) work on:
/// the contract's writer endpoint, or a connection string. Holds the credentials so that
/// every printed line can be scrubbed of them; <see cref="ToString"/> names the target
/// without any secret.
/// </summary>
public sealed class DatabaseTarget
{
    private readonly NpgsqlConnectionStringBuilder builder;

    public IReadOnlyList<Secret> Secrets { get; }

    /// <summary>The application role's credential and timeouts, when the target came from a contract that names them.</summary>
    public ApplicationRole? Application { get; }

    private DatabaseTarget(NpgsqlConnectionStringBuilder builder, IReadOnlyList<Secret> secrets, ApplicationRole? application = null, OpsTimeouts? timeouts = null)
    {
        this.builder = builder;
        Secrets = secrets;
        Application = application;
        Timeouts = timeouts ?? OpsTimeouts.Default;
    }

    public OpsTimeouts Timeouts { get; }

    public DatabaseTarget WithTimeouts(OpsTimeouts timeouts) => new(builder, Secrets, Application, timeouts);

    public string Host => builder.Host ?? "";
    public int Port => builder.Port;
    public string Database => builder.Database ?? "";
    public string Username => builder.Username ?? "";

    /// <summary>The writer of a contract: verify-full TLS when the contract requires TLS, as <c>dbops verify</c> connects.</summary>
    public static DatabaseTarget FromContract(PostgresTarget pg, string? caBundle)
    {
        var b = ContractConnection.Builder(pg, pg.Writer, caBundle);
        return new DatabaseTarget(b, pg.Application is null ? [pg.Password] : [pg.Password, pg.Application.Password], pg.Application);
    }

    /// <summary>
    /// An Npgsql connection string (Host=...;Username=...). Without a password in it, the
    /// password comes from <paramref name="password"/> (DBOPS_PG_PASSWORD), so that it need
    /// not appear on a command line.
    /// </summary>
    public static DatabaseTarget FromConnectionString(string connectionString, string source, string? password, string? caBundle)
    {
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // The driver's message may quote the offending value, which can be the password: name only the keyword it reports.
            var keyword = System.Text.RegularExpressions.Regex.Match(e.Message, "(?:[Kk]eyword not supported: '|Couldn't set )([A-Za-z ]+)") is { Success: true } m
                ? $" (at keyword '{m.Groups[1].Value.Trim()}': unknown, or a value it does not accept)"
                : "";
            throw new InvalidTargetException($"{source} is not a valid Npgsql connection string{keyword}; expected e.g. Host=...;Port=5432;Database=mlflow;Username=...;SSL Mode=VerifyFull");
        }
        if (string.IsNullOrEmpty(b.Host)) throw new InvalidTargetException($"{source} names no Host; expected e.g. Host=...;Database=mlflow;Username=...");
        if (string.IsNullOrEmpty(b.Database)) throw new InvalidTargetException($"{source} names no Database; expected e.g. Host=...;Database=mlflow;Username=...");
        if (string.IsNullOrEmpty(b.Password) && !string.IsNullOrEmpty(password)) b.Password = password;
        if (caBundle is not null) b.RootCertificate = caBundle;
        var secrets = string.IsNullOrEmpty(b.Password) ? [] : new[] { new Secret(b.Password) };
        return new DatabaseTarget(b, secrets);
    }

    /// <summary>
    /// How every dbops session names itself (application_name "dbops migrate", "dbops-verify" ...):
    /// <c>dbops incident</c>'s cancel and terminate never touch a session so named.
    /// </summary>
    public const string ApplicationNamePrefix = "dbops";

    /// <summary>
    /// A pool for one command, every connection of it under <see cref="Timeouts"/>. A dbops command's
    /// <paramref name="applicationName"/> starts with <see cref="ApplicationNamePrefix"/>, so that dbops incident
    /// never cancels it (tests name theirs otherwise, on purpose: they are not the platform's).
    /// </summary>
    public NpgsqlDataSource OpenDataSource(string applicationName, int maxPoolSize = 4)
    {
        var statementMs = (long)Math.Ceiling(Timeouts.Command.TotalMilliseconds);
        var b = new NpgsqlConnectionStringBuilder(builder.ConnectionString)
        {
            ApplicationName = applicationName,
            Timeout = Timeouts.ConnectSeconds,
            CommandTimeout = (int)Math.Min(int.MaxValue, Math.Ceiling((Timeouts.Command + OpsTimeouts.DriverGrace).TotalSeconds)),
            MaxPoolSize = maxPoolSize,
            // libpq's startup options (-c name=value): the session's statement_timeout from the first statement on.
            Options = $"{builder.Options} -c statement_timeout={statementMs}".Trim(),
        };
        var source = new NpgsqlDataSourceBuilder(b.ConnectionString);
        // Counted so that a timeout can be told apart: before any connection opened, it was connecting that took too long.
        source.UsePhysicalConnectionInitializer(_ => Interlocked.Increment(ref connectionsOpened), _ =>
        {
            Interlocked.Increment(ref connectionsOpened);
            return Task.CompletedTask;
        });
        return source.Build();
    }

    private int connectionsOpened;

    /// <summary>Connections the data sources of this target opened (TCP, TLS and login done).</summary>
    public int ConnectionsOpened => Volatile.Read(ref connectionsOpened);

    /// <summary>The same target under another database name (the benchmark's and tests' scratch databases).</summary>
    public DatabaseTarget WithDatabase(string database) =>
        new(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = database }, Secrets, Application, Timeouts);

    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";
}
