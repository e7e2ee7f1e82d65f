using System.Collections;
using Dbops.Cli;

namespace Dbops.Tests.Verify;

/// <summary>Runs the real <c>dbops</c> command line in-process and captures what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    public static async Task<CliRun> RunAsync(string[] args, string stdin = "", IDictionary? environment = null, CancellationToken ct = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, new StringReader(stdin), environment ?? new Hashtable());
        var code = await DbopsCli.RunAsync(args, console, ct);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
