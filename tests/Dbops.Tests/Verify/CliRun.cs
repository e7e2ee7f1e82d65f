using System.Collections;
using System.Diagnostics;
using Dbops.Cli;

namespace Dbops.Tests.Verify;

/// <summary>
/// Runs the real <c>dbops</c> command line and captures what it prints: in-process, or, when
/// <c>DBOPS_TEST_BINARY</c> names a published dbops (the Native AOT executable that
/// <c>make install</c> ships), as that executable, so that the same tests prove the shipped
/// build takes every path the in-process one does (<c>make test-published</c>).
/// </summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    /// <summary>The published executable the tests run instead of the in-process CLI; null: in-process.</summary>
    public static readonly string? Binary = Environment.GetEnvironmentVariable("DBOPS_TEST_BINARY") is { Length: > 0 } b ? Path.GetFullPath(b) : null;

    public static async Task<CliRun> RunAsync(string[] args, string stdin = "", IDictionary? environment = null, CancellationToken ct = default)
    {
        if (Binary is not null) return await RunBinaryAsync(Binary, args, stdin, environment, ct);
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, new StringReader(stdin), environment ?? new Hashtable());
        var code = await DbopsCli.RunAsync(args, console, ct);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The executable with the environment an in-process run sees: the test's variables and none
    /// of the runner's DBOPS_* (in-process, the CLI reads only the dictionary it is given).
    /// </summary>
    private static async Task<CliRun> RunBinaryAsync(string binary, string[] args, string stdin, IDictionary? environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DBOPS_", StringComparison.Ordinal)).ToArray()) start.Environment.Remove(name);
        foreach (DictionaryEntry e in environment ?? new Hashtable()) start.Environment[(string)e.Key] = (string?)e.Value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // As Ctrl-C does to the real command: SIGINT, and it still prints what finished.
            Posix.Interrupt(process.Id);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    private static class Posix
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
        private static extern int Kill(int pid, int signal);

        public static void Interrupt(int pid) => Kill(pid, 2);
    }
}
