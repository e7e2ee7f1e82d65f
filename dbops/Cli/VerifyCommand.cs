using System.CommandLine;
using System.CommandLine.Parsing;
using Dbops.Contract;
using Dbops.Verify;

namespace Dbops.Cli;

/// <summary>The flags of <c>dbops verify</c> and their validation; the run itself is <see cref="VerifyRun"/>.</summary>
public static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new VerifySettings();
        var outputs = new Option<string?>("--outputs", "-o")
        {
            Description = "the stack's verification output (pulumi stack output verification --json --show-secrets), or - for stdin; without it, DBOPS_* environment variables",
            HelpName = "FILE",
        };
        var caBundle = new Option<string?>("--ca-bundle")
        {
            Description = "PEM file of the CAs the servers' certificates must chain to (verify-full); default: the system's trust store",
            HelpName = "FILE",
        };
        var checkTimeout = Seconds("--check-timeout", defaults.CheckTimeout, "time each check may take");
        var timeout = Seconds("--timeout", defaults.OverallTimeout, "time the whole run may take");
        var format = CliValues.Format();
        var junit = new Option<string?>("--junit") { Description = "also write a JUnit XML report to PATH", HelpName = "PATH" };
        var only = Selector("--only", "run only these categories");
        var skip = Selector("--skip", "do not run these categories");
        var alembic = new Option<string?>("--alembic-revision")
        {
            Description = "expected MLflow schema revision (overrides the contract's postgres.alembicRevision)",
            HelpName = "REVISION",
        };
        var longTx = Seconds("--long-transaction-seconds", defaults.LongTransaction, "a transaction open longer fails");
        var lockWait = Seconds("--lock-wait-seconds", defaults.LockWait, "a lock wait longer fails (shorter ones warn)");
        // No default of its own: the contract carries the threshold (postgres.replicaLagMs, the replica lag alarm's).
        var replicaLag = Positive(new Option<double?>("--replica-lag-ms")
        {
            Description = "Aurora replica lag above which the check fails, in milliseconds (overrides the contract's postgres.replicaLagMs, the replica lag alarm's threshold)",
            HelpName = "MS",
        });
        var querySlo = Millis("--query-slo-ms", defaults.QuerySlo, "the query SLO line");

        var command = new Command("verify", "prove a deployed stack's stores work and its MLflow schema is the expected one")
        {
            outputs, caBundle, checkTimeout, timeout, format, junit, only, skip, alembic, longTx, lockWait, replicaLag, querySlo,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new VerifyRequest(
                Outputs: parse.GetValue(outputs),
                Format: parse.GetValue(format)!,
                JUnitPath: parse.GetValue(junit),
                Only: Flatten(parse.GetValue(only)),
                Skip: Flatten(parse.GetValue(skip)),
                Settings: defaults with
                {
                    CaBundlePath = parse.GetValue(caBundle),
                    CheckTimeout = TimeSpan.FromSeconds(parse.GetValue(checkTimeout)),
                    OverallTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    AlembicRevision = parse.GetValue(alembic),
                    LongTransaction = TimeSpan.FromSeconds(parse.GetValue(longTx)),
                    LockWait = TimeSpan.FromSeconds(parse.GetValue(lockWait)),
                    ReplicaLag = parse.GetValue(replicaLag) is { } lag ? TimeSpan.FromMilliseconds(lag) : null,
                    QuerySlo = TimeSpan.FromMilliseconds(parse.GetValue(querySlo)),
                });
            return await VerifyRun.RunAsync(request, console, ct);
        });
        return command;
    }

    private static Option<double> Seconds(string name, TimeSpan byDefault, string what) =>
        Positive(new Option<double>(name) { Description = $"{what}, in seconds", DefaultValueFactory = _ => byDefault.TotalSeconds, HelpName = "SECONDS" });

    private static Option<double> Millis(string name, TimeSpan byDefault, string what) =>
        Positive(new Option<double>(name) { Description = $"{what}, in milliseconds", DefaultValueFactory = _ => byDefault.TotalMilliseconds, HelpName = "MS" });

    private static Option<T> Positive<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            // Only the given text is judged here: text that is no number at all is the parser's error to report.
            if (r.Tokens.Count != 1) return;
            var text = r.Tokens[0].Value;
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
                && (!(v > 0) || double.IsInfinity(v)))
            {
                r.AddError($"{option.Name} must be a positive number, got {text}");
            }
        });
        return option;
    }

    private static Option<string[]> Selector(string name, string what)
    {
        var option = new Option<string[]>(name)
        {
            Description = $"{what}: {string.Join(", ", Categories.Selectors)} (repeat the flag or separate with commas)",
            HelpName = "CATEGORY",
            Arity = ArgumentArity.OneOrMore,
        };
        option.Validators.Add(r =>
        {
            foreach (var s in Flatten(r.GetValueOrDefault<string[]>()))
            {
                if (!Categories.Selectors.Contains(s)) r.AddError($"{name}: unknown category '{s}'; allowed: {string.Join(", ", Categories.Selectors)}");
            }
        });
        return option;
    }

    private static string[] Flatten(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}

/// <summary>What the flags asked for, before the input is read.</summary>
public sealed record VerifyRequest(string? Outputs, string Format, string? JUnitPath, string[] Only, string[] Skip, VerifySettings Settings);
