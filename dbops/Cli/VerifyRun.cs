using Dbops.Contract;
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
        catch (Exception e) when (e is ContractException or UsageException)
        {
            await console.Error.WriteLineAsync($"dbops verify: {e.Message}");
            return ExitCodes.UnusableInput;
        }

        await using var plan = new CheckPlan(contract, request.Settings, PlatformMigrations.Embedded());
        var checks = plan.Select(request.Only, request.Skip);
        if (checks.Count == 0)
        {
            await console.Error.WriteLineAsync("dbops verify: --only/--skip leave no check to run");
            return ExitCodes.UnusableInput;
        }
        var runner = new CheckRunner(new RunLimits(request.Settings.CheckTimeout, request.Settings.OverallTimeout));
        var report = new SecretScrubber(contract.Secrets()).Scrub(await runner.RunAsync(checks, ct));

        await console.Out.WriteAsync(request.Format == "json"
            ? JsonReport.Render(report, contract.Stack) + Environment.NewLine
            : TableReport.Render(report, contract.Stack));
        if (request.JUnitPath is not null)
        {
            try
            {
                JUnitReport.Build(report, contract.Stack).Save(request.JUnitPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"dbops verify: --junit {request.JUnitPath}: cannot write: {e.Message}");
                return ExitCodes.UnusableInput;
            }
        }
        return report.Failed ? ExitCodes.ChecksFailed : ExitCodes.Ok;
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
