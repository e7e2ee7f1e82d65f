using System.Diagnostics;
using System.Text.Json;

namespace Dbops.Tests.Verify;

/// <summary>
/// The demo of dbops/README.md ("Try it without AWS") as a user runs it: `make verify-local ARGS="--format json"`, whose stdout
/// another tool reads. Make, the build, the stores' setup and the migration all print too; only
/// the report may reach stdout.
/// </summary>
public class MakeVerifyLocalTests
{
    [Fact]
    public async Task Json_from_make_verify_local_is_all_that_stdout_holds_and_parses_strictly()
    {
        var psi = new ProcessStartInfo("make", ["--no-print-directory", "verify-local", "ARGS=--format json"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // As a user's shell has it: not the MAKEFLAGS of a `make test` this may run under.
        psi.Environment.Remove("MAKEFLAGS");
        psi.Environment.Remove("MAKELEVEL");
        using var make = Process.Start(psi)!;
        var stderr = make.StandardError.ReadToEndAsync();
        var stdout = await make.StandardOutput.ReadToEndAsync();
        await make.WaitForExitAsync();

        // 0, or 1 when a check failed on a machine too busy for its thresholds: the report is the subject here, not the checks.
        Assert.True(make.ExitCode is 0 or 1, $"make verify-local exited {make.ExitCode}: {await stderr}");
        // Strict: System.Text.Json's defaults allow no comments, trailing commas or a second value.
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(make.ExitCode == 0 ? "pass" : "fail", report.RootElement.GetProperty("status").GetString());
        Assert.True(report.RootElement.GetProperty("checks").GetArrayLength() >= 30);
        Assert.DoesNotContain("\\u00", stdout);
        // What went to stderr instead: the setup, the migration, the exit code.
        var err = await stderr;
        Assert.Contains("+ dbops migrate", err);
        Assert.Contains($"dbops verify exited with {make.ExitCode}", err);
    }
}
