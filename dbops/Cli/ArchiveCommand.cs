using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Dbops.Archive;

namespace Dbops.Cli;

/// <summary>
/// <c>dbops archive --older-than 90d</c>: moves idle experiments into the archive schema, or with --dry-run counts what
/// would move; <c>dbops archive restore --experiment ID [--rename-to NAME] [--dry-run]</c> brings one back.
/// </summary>
public static partial class ArchiveCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new ArchiveSettings();
        var connection = new ConnectionOptions();
        var olderThan = new Option<string>("--older-than")
        {
            Description = "archive experiments whose last activity is older than this: days (90d) or hours (36h)",
            DefaultValueFactory = _ => "90d",
            HelpName = "AGE",
        };
        olderThan.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && ParseAge(r.Tokens[0].Value) is null)
            {
                r.AddError($"--older-than: expected a whole number of days or hours of at least 1 hour, like 90d or 36h; got '{r.Tokens[0].Value}'");
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "count what would move, per table; move nothing" };
        var batch = CliValues.PositiveInt("--batch-size", defaults.BatchRuns, "runs per batch; each batch is one transaction", 100_000);
        var lockWait = CliValues.Seconds("--lock-wait", defaults.LockWait, "how long to wait for another dbops archive on the same database");
        var lockTimeout = CliValues.Seconds("--lock-timeout", defaults.LockTimeout, "how long a batch may wait for a lock MLflow holds before it gives up");
        var format = CliValues.Format();
        var pause = new Option<double>("--pause") { Description = "pause between batches, in seconds (to let replicas keep up)", DefaultValueFactory = _ => 0, HelpName = "SECONDS" };
        pause.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && (v < 0 || v > 3600))
            {
                r.AddError($"--pause must be from 0 to 3600 seconds, got {r.Tokens[0].Value}");
            }
        });
        var command = new Command("archive", "move experiments idle past the window, with all their rows, into the mlflow_archive schema")
        {
            olderThan, dryRun, batch, lockWait, lockTimeout, pause, format,
        };
        connection.AddTo(command);
        command.Subcommands.Add(CreateRestore(console, defaults));
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("archive", console, () => connection.Resolve(parse, console), async target =>
        {
            var settings = defaults with
            {
                OlderThan = ParseAge(parse.GetValue(olderThan)!)!.Value,
                DryRun = parse.GetValue(dryRun),
                BatchRuns = parse.GetValue(batch),
                LockWait = TimeSpan.FromSeconds(parse.GetValue(lockWait)),
                LockTimeout = TimeSpan.FromSeconds(parse.GetValue(lockTimeout)),
                Pause = TimeSpan.FromSeconds(parse.GetValue(pause)),
            };
            await using var dataSource = target.OpenDataSource("dbops archive", maxPoolSize: 2);
            var outcome = await new Archiver(dataSource, settings, console.Error).RunAsync(ct);
            await ReportOutput.WriteAsync(console, parse.GetValue(format)!, new ArchiveRender(target.ToString(), settings.DryRun), outcome, target.Secrets);
            if (outcome.Problems.Count > 0) return ExitCodes.Failed;
            if (settings.DryRun || outcome.Reconciled) return ExitCodes.Ok;
            return ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>90d or 36h as a span; null when it is neither or under an hour.</summary>
    internal static TimeSpan? ParseAge(string text)
    {
        var m = AgePattern().Match(text);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 36_500) return null;
        return m.Groups[2].Value == "d" ? TimeSpan.FromDays(n) : TimeSpan.FromHours(n);
    }

    private static Command CreateRestore(CliConsole console, ArchiveSettings defaults)
    {
        var connection = new ConnectionOptions();
        var experiment = new Option<int>("--experiment")
        {
            Description = "the id of the archived experiment to bring back (select experiment_id, name from mlflow_archive.experiments)",
            Required = true,
            HelpName = "ID",
        };
        experiment.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v < 1)
            {
                r.AddError($"--experiment must be the id of an archived experiment, 1 or more (experiment 0 is never archived), got {r.Tokens[0].Value}");
            }
        });
        var renameTo = new Option<string?>("--rename-to")
        {
            Description = "restore under this name: for when MLflow has given the experiment's name to another experiment since",
            HelpName = "NAME",
        };
        renameTo.Validators.Add(r =>
        {
            // MLflow's limit: experiments.name is varchar(256) in every release (mlflow-real-schemas.md).
            if (r.Tokens.Count == 1 && (r.Tokens[0].Value.Trim().Length == 0 || r.Tokens[0].Value.Length > 256))
            {
                r.AddError($"--rename-to must be a name of 1 to 256 characters, not blank; got '{r.Tokens[0].Value}' ({r.Tokens[0].Value.Length} characters)");
            }
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "restore inside a transaction, report per table what would come back, and roll it back" };
        var format = CliValues.Format();
        var lockWait = CliValues.Seconds("--lock-wait", defaults.LockWait, "how long to wait for a dbops archive running on the same database");
        var lockTimeout = CliValues.Seconds("--lock-timeout", defaults.LockTimeout, "how long to wait for a lock MLflow or an analytics query holds before giving up");
        var command = new Command("restore", "bring an archived experiment back from mlflow_archive with all its rows, in one transaction")
        {
            experiment, renameTo, dryRun, lockWait, lockTimeout, format,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("archive restore", console, () => connection.Resolve(parse, console), async target =>
        {
            var settings = new RestoreSettings
            {
                ExperimentId = parse.GetValue(experiment),
                RenameTo = parse.GetValue(renameTo),
                DryRun = parse.GetValue(dryRun),
                LockWait = TimeSpan.FromSeconds(parse.GetValue(lockWait)),
                LockTimeout = TimeSpan.FromSeconds(parse.GetValue(lockTimeout)),
            };
            await using var dataSource = target.OpenDataSource("dbops archive restore", maxPoolSize: 2);
            var outcome = await new ArchiveRestore(dataSource, settings, console.Error).RunAsync(ct);
            await ReportOutput.WriteAsync(console, parse.GetValue(format)!, new RestoreRender(target.ToString()), outcome, target.Secrets);
            return ExitCodes.Ok;
        }));
        return command;
    }

    [GeneratedRegex(@"^([0-9]{1,6})(d|h)$")]
    private static partial Regex AgePattern();
}
