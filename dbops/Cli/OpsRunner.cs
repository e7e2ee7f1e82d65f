using Dbops.Contract;
using Dbops.Ops;
using Dbops.Verify;
using Dbops.Verify.Postgres;
using Npgsql;

namespace Dbops.Cli;

/// <summary>
/// What the operations commands share: resolve the database (bad input: exit 2), run, and
/// turn a failed operation or a database error into one line and exit code 1, scrubbed of
/// the credentials as <c>dbops verify</c>'s reports are.
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
        catch (Exception e) when (e is ContractException or UsageException)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {e.Message}");
            return ExitCodes.UnusableInput;
        }
        var scrubber = new SecretScrubber(target.Secrets);
        try
        {
            return await body(target);
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {scrubber.Scrub(e.Message)}");
            return ExitCodes.UnusableInput;
        }
        catch (OpsException e)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {scrubber.Scrub(e.Message)}");
            return ExitCodes.ChecksFailed;
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: the statement in flight was cancelled and its transaction rolled back.
            await console.Error.WriteLineAsync($"dbops {command}: interrupted; what had committed stays, the step in progress was rolled back");
            return ExitCodes.ChecksFailed;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await console.Error.WriteLineAsync($"dbops {command}: {target}: {scrubber.Scrub(PgErrors.Describe(e))}");
            return ExitCodes.ChecksFailed;
        }
    }
}
