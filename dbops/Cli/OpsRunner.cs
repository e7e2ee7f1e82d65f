using Dbops.Contract;
using Dbops.Data;
using Dbops.Verify;
using Npgsql;

namespace Dbops.Cli;

/// <summary>
/// What the operations commands share: resolve the database (bad input: exit 2), run, and
/// turn a failed operation or a database error into one line and exit code 1, scrubbed of
/// the credentials as <c>dbops verify</c>'s reports are. This is where the layers' exceptions
/// become exit codes: <see cref="InvalidInputException"/> and <see cref="ContractException"/> 2,
/// <see cref="OpsException"/> and a database error 1.
/// </summary>
internal static class OpsRunner
{
    public static async Task<int> RunAsync(string command, CliConsole console, Func<DatabaseTarget> resolve, Func<DatabaseTarget, Task<int>> body)
    {
        DatabaseTarget target;
        try
        {
            target = resolve();
        }
        catch (Exception e) when (e is ContractException or InvalidInputException)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {e.Message}");
            return ExitCodes.UnusableInput;
        }
        var scrubber = new SecretScrubber(target.Secrets);
        try
        {
            return await body(target);
        }
        catch (InvalidInputException e)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {scrubber.Scrub(e.Message)}");
            return ExitCodes.UnusableInput;
        }
        catch (OpsException e)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {scrubber.Scrub(e.Message)}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: the statement in flight was cancelled and its transaction rolled back.
            await console.Error.WriteLineAsync($"dbops {command}: interrupted; what had committed stays, the step in progress was rolled back");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {target}: {scrubber.Scrub(Describe(e, target.Timeouts, connected: target.ConnectionsOpened > 0))}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>A database error in one line; the two timeouts name their flag and value instead of the driver's "The operation has timed out".</summary>
    internal static string Describe(Exception e, OpsTimeouts timeouts, bool connected)
    {
        if (e is PostgresException { SqlState: "57014" } pg && pg.MessageText.Contains("statement timeout", StringComparison.Ordinal))
        {
            return $"a statement ran longer than --command-timeout {CheckRunner.Seconds(timeouts.Command)} and PostgreSQL cancelled it ({pg.MessageText}); " +
                   "nothing of that statement was kept; raise --command-timeout if the database is that large";
        }
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        if (inner is TimeoutException)
        {
            // Npgsql says "The operation has timed out" or "Exception while reading from stream" for either; what tells them apart is whether a connection had opened.
            return connected
                ? $"the server stopped answering: no reply to a statement within {CheckRunner.Seconds(timeouts.Command + OpsTimeouts.DriverGrace)} (--command-timeout {CheckRunner.Seconds(timeouts.Command)} and {CheckRunner.Seconds(OpsTimeouts.DriverGrace)} for the server to cancel it), or to a further connection within --connect-timeout {CheckRunner.Seconds(timeouts.Connect)}"
                : $"no connection within --connect-timeout {CheckRunner.Seconds(timeouts.Connect)}: the server did not complete TCP, TLS and login in that time (is this PostgreSQL's host and port, and is the server up?)";
        }
        return PgErrors.Describe(e);
    }
}
