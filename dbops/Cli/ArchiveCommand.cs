using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dbops.Archive;

namespace Dbops.Cli;

/// <summary><c>dbops archive --older-than 90d</c>: moves idle experiments into the archive schema, or with --dry-run counts what would move.</summary>
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
            olderThan, dryRun, batch, lockWait, lockTimeout, pause,
        };
        connection.AddTo(command);
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
            await console.Out.WriteAsync(Render(outcome, settings, target.ToString()));
            if (settings.DryRun || outcome.Reconciled) return ExitCodes.Ok;
            return ExitCodes.ChecksFailed;
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

    private static string Render(ArchiveOutcome o, ArchiveSettings settings, string target)
    {
        var sb = new StringBuilder();
        var cutoff = DateTimeOffset.FromUnixTimeMilliseconds(o.Candidates.CutoffMs);
        var skipped = o.Candidates.SkippedForModels == 0 ? "" : $"; {o.Candidates.SkippedForModels} more left live because their runs back registered model versions";
        sb.AppendLine(CultureInfo.InvariantCulture, $"archive of {target}: experiments idle since before {cutoff:yyyy-MM-dd HH:mm}Z: {o.Candidates.Experiments.Count}{skipped}");
        if (settings.DryRun)
        {
            sb.AppendLine("  table             would move   already archived");
            foreach (var p in o.Planned) sb.AppendLine(CultureInfo.InvariantCulture, $"  {p.Table,-16} {p.Live,11:N0} {p.Archived,18:N0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-16} {o.Planned.Sum(p => p.Live),11:N0} {o.Planned.Sum(p => p.Archived),18:N0}");
            sb.AppendLine("--dry-run: nothing moved");
            return sb.ToString();
        }
        var seconds = Math.Max(o.Took.TotalSeconds, 0.001);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"moved {o.ExperimentsArchived} experiments and {o.RowsMoved:N0} rows in {o.Batches} batches, {o.Took.TotalSeconds:0.0} s ({o.RowsMoved / seconds:N0} rows/s)");
        sb.AppendLine("reconciliation, rows of the archived experiments:");
        sb.AppendLine("  table             to archive   moved now   in archive   left live");
        foreach (var a in o.After!)
        {
            var p = o.Planned.Single(x => x.Table == a.Table);
            var ok = a.Live == 0 && a.Archived == p.Total ? "ok" : "MISMATCH";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {a.Table,-16} {p.Total,11:N0} {o.Moved[a.Table],11:N0} {a.Archived,12:N0} {a.Live,11:N0}   {ok}");
        }
        if (o.LeftInPlace.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"experiments that got new runs while archiving and stay live (their old runs are archived): {string.Join(", ", o.LeftInPlace)}");
        }
        sb.AppendLine(o.Reconciled
            ? "reconciled: every row of the archived experiments is in mlflow_archive, none left live, none twice"
            : "NOT reconciled: the counts differ (did MLflow or mlflow gc write to these experiments meanwhile?); compare the live and archived rows of these experiments before the next run");
        if (o.RowsMoved > 0) sb.AppendLine("the live tables now hold dead rows: dbops maintain vacuum reclaims them (autovacuum will too, later)");
        return sb.ToString();
    }

    [GeneratedRegex(@"^([0-9]{1,6})(d|h)$")]
    private static partial Regex AgePattern();
}
