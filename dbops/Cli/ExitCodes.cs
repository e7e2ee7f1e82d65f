namespace Dbops.Cli;

public static class ExitCodes
{
    /// <summary>Every check passed; warnings allowed.</summary>
    public const int Ok = 0;

    /// <summary>At least one check failed.</summary>
    public const int ChecksFailed = 1;

    /// <summary>The input cannot be used: outputs file, environment or flags.</summary>
    public const int UnusableInput = 2;
}

/// <summary>A problem with the input found before any check ran; the message names what is wrong.</summary>
public sealed class UsageException(string message) : Exception(message);
