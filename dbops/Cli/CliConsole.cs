using System.Collections;

namespace Dbops.Cli;

/// <summary>The process's streams and environment, passed in so that tests run the real CLI in-process.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, TextReader In, IDictionary Environment)
{
    public static CliConsole System() => new(Console.Out, Console.Error, Console.In, global::System.Environment.GetEnvironmentVariables());
}
