using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dbops.Archive;
using Dbops.Output;

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
            await console.Out.WriteAsync(parse.GetValue(format) == "json" ? Json(outcome, settings, target.ToString()) + Environment.NewLine : Render(outcome, settings, target.ToString()));
            if (outcome.Problems.Count > 0) return ExitCodes.ChecksFailed;
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
            await console.Out.WriteAsync(parse.GetValue(format) == "json" ? RestoreJson(outcome, target.ToString()) + Environment.NewLine : RenderRestore(outcome, target.ToString()));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private const int TableWidth = 26;

    private static string Render(ArchiveOutcome o, ArchiveSettings settings, string target)
    {
        var sb = new StringBuilder();
        var cutoff = DateTimeOffset.FromUnixTimeMilliseconds(o.Candidates.CutoffMs);
        var skipped = o.Candidates.SkippedForModels == 0 ? "" : $"; {o.Candidates.SkippedForModels} more left live because their runs back registered model versions";
        var referenced = o.Candidates.Referenced.Count == 0 ? "" : $"; {o.Candidates.Referenced.Count} more left live because rows outside the archived tables point at them";
        sb.AppendLine(CultureInfo.InvariantCulture, $"archive of {target}: experiments idle since before {cutoff:yyyy-MM-dd HH:mm}Z: {o.Candidates.Experiments.Count}{skipped}{referenced}");
        foreach (var k in o.Candidates.Referenced) sb.AppendLine(CultureInfo.InvariantCulture, $"  experiment {k.ExperimentId} stays live: {k.Why}");
        foreach (var t in o.Model.Unknown)
        {
            var how = t.Parents.Count > 0 ? "by its foreign keys " + string.Join("; ", t.Parents) : "by its links";
            sb.AppendLine(CultureInfo.InvariantCulture, $"{t.Name}: not a table of any MLflow release this dbops knows; archived with the rows it points at, {how}");
        }
        var verb = settings.DryRun || o.Problems.Count > 0 ? "would need" : "followed the live schema";
        foreach (var c in o.SchemaChanges) sb.AppendLine(CultureInfo.InvariantCulture, $"archive schema {verb}: {c}");
        if (o.After is null)
        {
            sb.AppendLine($"  {"table",-TableWidth}  would move   already archived");
            foreach (var p in o.Planned) sb.AppendLine(CultureInfo.InvariantCulture, $"  {p.Table,-TableWidth} {p.Live,11:N0} {p.Archived,18:N0}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-TableWidth} {o.Planned.Sum(p => p.Live),11:N0} {o.Planned.Sum(p => p.Archived),18:N0}");
            foreach (var p in o.Problems) sb.AppendLine($"refused: {p}");
            sb.AppendLine(settings.DryRun ? "--dry-run: nothing moved" : "nothing moved");
            return sb.ToString();
        }
        var seconds = Math.Max(o.Took.TotalSeconds, 0.001);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"moved {o.ExperimentsArchived} experiments and {o.RowsMoved:N0} rows in {o.Batches} batches, {o.Took.TotalSeconds:0.0} s ({o.RowsMoved / seconds:N0} rows/s)");
        sb.AppendLine("reconciliation, rows of the archived experiments:");
        sb.AppendLine($"  {"table",-TableWidth}  to archive   moved now   in archive   left live");
        foreach (var a in o.After)
        {
            var p = o.Planned.Single(x => x.Table == a.Table);
            var ok = a.Live == 0 && a.Archived == p.Total ? "ok" : "MISMATCH";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {a.Table,-TableWidth} {p.Total,11:N0} {o.Moved[a.Table],11:N0} {a.Archived,12:N0} {a.Live,11:N0}   {ok}");
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

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JsonOutput.Encoder };

    private static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(i => JsonValue.Create(i))]);

    /// <summary>The same facts as <see cref="Render"/>, for other tools: per table counts planned and, after a move, reconciled.</summary>
    private static string Json(ArchiveOutcome o, ArchiveSettings settings, string target)
    {
        var doc = new JsonObject
        {
            ["target"] = target,
            ["dryRun"] = settings.DryRun,
            ["idleSince"] = DateTimeOffset.FromUnixTimeMilliseconds(o.Candidates.CutoffMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["experiments"] = new JsonArray([.. o.Candidates.Ids.Select(i => JsonValue.Create(i))]),
            ["keptLiveForModelVersions"] = o.Candidates.SkippedForModels,
            ["keptLiveReferenced"] = new JsonArray([.. o.Candidates.Referenced.Select(k => new JsonObject { ["experiment"] = k.ExperimentId, ["why"] = k.Why })]),
            ["unknownTables"] = Strings(o.Model.Unknown.Select(t => t.Name)),
            ["schemaChanges"] = Strings(o.SchemaChanges),
            ["planned"] = new JsonArray([.. o.Planned.Select(p => new JsonObject { ["table"] = p.Table, ["toMove"] = p.Live, ["alreadyArchived"] = p.Archived })]),
            ["problems"] = Strings(o.Problems),
        };
        if (o.After is not null)
        {
            doc["moved"] = new JsonObject { ["experiments"] = o.ExperimentsArchived, ["rows"] = o.RowsMoved, ["batches"] = o.Batches, ["seconds"] = Math.Round(o.Took.TotalSeconds, 3) };
            doc["reconciliation"] = new JsonArray([.. o.After.Select(a =>
            {
                var p = o.Planned.Single(x => x.Table == a.Table);
                return new JsonObject
                {
                    ["table"] = a.Table, ["toArchive"] = p.Total, ["movedNow"] = o.Moved[a.Table], ["inArchive"] = a.Archived, ["leftLive"] = a.Live,
                    ["ok"] = a.Live == 0 && a.Archived == p.Total,
                };
            })]);
            doc["leftInPlace"] = new JsonArray([.. o.LeftInPlace.Select(i => JsonValue.Create(i))]);
            doc["reconciled"] = o.Reconciled;
        }
        return doc.ToJsonString(JsonOptions);
    }

    private static string RestoreJson(RestoreOutcome o, string target) => new JsonObject
    {
        ["target"] = target,
        ["experiment"] = o.ExperimentId,
        ["name"] = o.Name,
        ["dryRun"] = o.DryRun,
        ["schemaChanges"] = Strings(o.SchemaChanges),
        ["restored"] = new JsonArray([.. o.Restored.Select(t => new JsonObject { ["table"] = t.Table, ["rows"] = t.Live })]),
    }.ToJsonString(JsonOptions);

    private static string RenderRestore(RestoreOutcome o, string target)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"restore of experiment {o.ExperimentId} ('{o.Name}') on {target}:");
        foreach (var c in o.SchemaChanges) sb.AppendLine(CultureInfo.InvariantCulture, $"archive schema {(o.DryRun ? "would need" : "followed the live schema")}: {c}");
        sb.AppendLine($"  {"table",-TableWidth} {(o.DryRun ? "would restore" : "restored"),13}");
        foreach (var t in o.Restored) sb.AppendLine(CultureInfo.InvariantCulture, $"  {t.Table,-TableWidth} {t.Live,13:N0}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  {"all",-TableWidth} {o.Restored.Sum(t => t.Live),13:N0}");
        if (o.DryRun)
        {
            sb.AppendLine("--dry-run: rolled back, nothing restored");
            return sb.ToString();
        }
        sb.AppendLine("restored in one transaction: the rows are live and gone from mlflow_archive");
        sb.AppendLine("its last activity is as old as before: the next dbops archive with the same window archives it again unless it is used (or run with a longer --older-than)");
        return sb.ToString();
    }

    [GeneratedRegex(@"^([0-9]{1,6})(d|h)$")]
    private static partial Regex AgePattern();
}
