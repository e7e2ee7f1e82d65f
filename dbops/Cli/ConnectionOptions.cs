using System.CommandLine;
using Dbops.Contract;
using Dbops.Data;

namespace Dbops.Cli;

/// <summary>
/// How the operations commands find the database, in the same terms as <c>dbops verify</c> so
/// that operators use one input: the contract (<c>--outputs FILE</c>, or the DBOPS_* variables),
/// or a connection string (<c>--connection</c>, or DBOPS_PG_CONNECTION) with the password in
/// DBOPS_PG_PASSWORD. They work on the writer. Every command also bounds how long connecting
/// may take and how long one statement may run (<see cref="OpsTimeouts"/>), with the command's
/// own default for the second.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The default command timeout of a command that names none: archive's batches and counts.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromMinutes(10);

    public ConnectionOptions(TimeSpan? commandTimeout = null)
    {
        ConnectTimeout = CliValues.Seconds("--connect-timeout", OpsTimeouts.DefaultConnect,
            $"how long connecting (TCP, TLS and login) may take (at most {OpsTimeouts.MaxConnectSeconds})");
        CommandTimeout = CliValues.Seconds("--command-timeout", commandTimeout ?? DefaultCommandTimeout,
            "how long one SQL statement may run before PostgreSQL cancels it (statement_timeout)");
    }

    public Option<double> ConnectTimeout { get; }

    public Option<double> CommandTimeout { get; }

    public const string ConnectionVariable = "DBOPS_PG_CONNECTION";
    public const string PasswordVariable = "DBOPS_PG_PASSWORD";

    public Option<string?> Outputs { get; } = new("--outputs", "-o")
    {
        Description = "the stack's verification output (as for dbops verify), or - for stdin; without it, DBOPS_PG_CONNECTION or the DBOPS_* variables",
        HelpName = "FILE",
    };

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = $"an Npgsql connection string to the MLflow database instead of the contract; keep the password out of it ({PasswordVariable})",
        HelpName = "CONNSTRING",
    };

    public Option<string?> CaBundle { get; } = new("--ca-bundle")
    {
        Description = "PEM file of the CAs the server's certificate must chain to (verify-full); default: the system's trust store",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Outputs);
        command.Options.Add(Connection);
        command.Options.Add(CaBundle);
        command.Options.Add(ConnectTimeout);
        command.Options.Add(CommandTimeout);
    }

    /// <summary>The target the flags and environment name; a <see cref="UsageException"/>, <see cref="InvalidTargetException"/> (a bad connection string, named by where it came from) or <see cref="ContractException"/> otherwise.</summary>
    public DatabaseTarget Resolve(ParseResult parse, CliConsole console)
    {
        var connect = parse.GetValue(ConnectTimeout);
        if (connect > OpsTimeouts.MaxConnectSeconds)
        {
            throw new UsageException($"--connect-timeout must be at most {OpsTimeouts.MaxConnectSeconds} seconds (Npgsql's limit), got {connect}");
        }
        return Target(parse, console).WithTimeouts(new OpsTimeouts(TimeSpan.FromSeconds(connect), TimeSpan.FromSeconds(parse.GetValue(CommandTimeout))));
    }

    private DatabaseTarget Target(ParseResult parse, CliConsole console)
    {
        var outputs = parse.GetValue(Outputs);
        var connection = parse.GetValue(Connection);
        var ca = parse.GetValue(CaBundle);
        if (ca is not null && !File.Exists(ca)) throw new UsageException($"--ca-bundle {ca}: no such file");
        if (outputs is not null && connection is not null)
        {
            throw new UsageException("--outputs and --connection both given; use one of them");
        }
        var password = console.Environment[PasswordVariable] as string;
        if (connection is not null) return DatabaseTarget.FromConnectionString(connection, "--connection", password, ca);
        if (outputs == "-") return DatabaseTarget.FromContract(ContractReader.Parse(console.In.ReadToEnd(), "stdin").Postgres, ca);
        if (outputs is not null) return DatabaseTarget.FromContract(ContractReader.ReadFile(outputs).Postgres, ca);
        if (console.Environment[ConnectionVariable] is string fromEnv && fromEnv.Length > 0)
        {
            return DatabaseTarget.FromConnectionString(fromEnv, ConnectionVariable, password, ca);
        }
        if (EnvironmentContractReader.IsPresent(console.Environment))
        {
            return DatabaseTarget.FromContract(EnvironmentContractReader.Read(console.Environment).Postgres, ca);
        }
        throw new UsageException(
            $"no database given: pass --outputs FILE (or - for stdin) or --connection, or set {ConnectionVariable} or the DBOPS_* variables (DBOPS_PG_WRITER is not set)");
    }
}
