using Dbops.Data;

namespace Dbops.Cli;

/// <summary>
/// What every dbops command exits with. The numbers are an interface: CI steps, scripts and the
/// Kubernetes Jobs' retry policy read them, and the README's "Exit codes" paragraphs document them.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done, and what was found or done is fine (verify: every check passed, warnings allowed).</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command ran and the result is not fine: a check failed (verify), a migration or an
    /// archive refused or did not reconcile, a maintenance step failed, an incident action was
    /// refused, or the database failed or timed out on the way.
    /// </summary>
    public const int Failed = 1;

    /// <summary>The input cannot be used: outputs file, environment, flags or connection string; nothing was done.</summary>
    public const int UnusableInput = 2;
}

/// <summary>A problem with the flags found by the CLI itself; the message names the flag and what is allowed.</summary>
public sealed class UsageException(string message) : InvalidInputException(message);
