using Dbops.Output;
using Dbops.Contract;
using Dbops.Data;
using Dbops.Migrate;
using Dbops.Verify;
using Dbops.Verify.Postgres;
using Dbops.Verify.Reports;

namespace Dbops.Cli;

/// <summary>
/// One <c>dbops verify</c>: reads the contract, runs the selected checks, prints the report
/// and maps it to the exit code. Input problems stop it before any connection is made.
/// </summary>
public static class VerifyRun
{
    public static async Task<int> RunAsync(VerifyRequest request, CliConsole console, CancellationToken ct)
    {
        VerificationContract contract;
        try
        {
            ValidateFiles(request);
            contract = ReadContract(request.Outputs, console);
        }
        catch (Exception e) when (e is ContractException or InvalidInputException)
        {
            return await UnusableAsync(request, console, e.Message, stack: null);
        }

        RunTimings.Mark("contract read");
        await using var plan = new CheckPlan(contract, request.Settings, PlatformMigrations.Embedded());
        var checks = plan.Select(request.Only, request.Skip);
        if (checks.Count == 0)
        {
            return await UnusableAsync(request, console, "--only/--skip leave no check to run", contract.Stack);
        }
        RunTimings.Mark("checks planned");
        var runner = new CheckRunner(new RunLimits(request.Settings.CheckTimeout, request.Settings.OverallTimeout));
        // Scrubbed as results already, so that the JUnit file (not stdout) is clean too.
        var report = new SecretScrubber(contract.Secrets()).Scrub(await runner.RunAsync(checks, ct));
        RunTimings.Mark("checks run");

        await ReportOutput.WriteAsync(console, request.Format, new VerificationRender(contract.Stack), report, contract.Secrets());
        RunTimings.Mark("report written");
        if (request.JUnitPath is not null)
        {
            try
            {
                JUnitReport.Write(JUnitReport.Build(report, contract.Stack), request.JUnitPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"dbops verify: --junit {request.JUnitPath}: cannot write: {e.Message}");
                return ExitCodes.UnusableInput;
            }
        }
        return report.Failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>Exit 2 with one line, and the JUnit file saying the same where one was asked for and can be written.</summary>
    private static async Task<int> UnusableAsync(VerifyRequest request, CliConsole console, string message, string? stack)
    {
        await console.Error.WriteLineAsync($"dbops verify: {message}");
        if (request.JUnitPath is { } junit && Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(junit))))
        {
            try
            {
                JUnitReport.Write(JUnitReport.UnusableInput(message, stack), junit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"dbops verify: --junit {junit}: cannot write: {e.Message}");
            }
        }
        return ExitCodes.UnusableInput;
    }

    private static VerificationContract ReadContract(string? outputs, CliConsole console)
    {
        if (outputs == "-") return ContractReader.Parse(console.In.ReadToEnd(), "stdin");
        if (outputs is not null) return ContractReader.ReadFile(outputs);
        if (EnvironmentContractReader.IsPresent(console.Environment)) return EnvironmentContractReader.Read(console.Environment);
        throw new UsageException("no outputs to verify: pass --outputs FILE (or - for stdin), or set the DBOPS_* environment variables (DBOPS_PG_WRITER is not set)");
    }

    /// <summary>Bad file flags are input errors (exit 2), found before a connection is made, not after the checks ran.</summary>
    private static void ValidateFiles(VerifyRequest request)
    {
        if (request.Settings.CaBundlePath is { } ca)
        {
            if (!File.Exists(ca)) throw new UsageException($"--ca-bundle {ca}: no such file");
            try
            {
                var bundle = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
                bundle.ImportFromPemFile(ca);
                if (bundle.Count == 0) throw new UsageException($"--ca-bundle {ca}: no PEM certificate in the file");
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new UsageException($"--ca-bundle {ca}: not a PEM certificate bundle ({e.Message})");
            }
        }
        if (request.JUnitPath is { } junit)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(junit))!;
            if (!Directory.Exists(dir)) throw new UsageException($"--junit {junit}: directory {dir} does not exist");
        }
    }
}
