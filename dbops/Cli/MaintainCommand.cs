using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dbops.Maintain;

namespace Dbops.Cli;

/// <summary>
/// <c>dbops maintain vacuum|reindex</c>: the scaling guide's schedule, daily VACUUM ANALYZE and
/// weekly REINDEX, each step under a lock timeout so it never holds MLflow up for long.
/// </summary>
public static class MaintainCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new MaintenanceSettings();
        var connection = new ConnectionOptions(commandTimeout: TimeSpan.FromHours(1));
        var task = new Argument<string>("task") { Description = "vacuum (VACUUM (ANALYZE) every table; daily) or reindex (REINDEX INDEX CONCURRENTLY every index; weekly)" };
        task.AcceptOnlyFromAmong("vacuum", "reindex");
        var lockTimeout = CliValues.Seconds("--lock-timeout", defaults.LockTimeout, "how long a step may wait for a lock before it is skipped");
        var budget = CliValues.Seconds("--budget", defaults.Budget, "no new step starts after this long");
        var tables = new Option<string[]>("--tables")
        {
            Description = "only these tables (table or schema.table; repeat or comma-separate); default every table of public and mlflow_archive",
            HelpName = "TABLE",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = CliValues.Format();
        var command = new Command("maintain", "scheduled maintenance that gives way to MLflow: vacuum (daily) or reindex (weekly)") { task, lockTimeout, budget, tables, format };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("maintain", console, () => connection.Resolve(parse, console), async target =>
        {
            var settings = defaults with
            {
                LockTimeout = TimeSpan.FromSeconds(parse.GetValue(lockTimeout)),
                Budget = TimeSpan.FromSeconds(parse.GetValue(budget)),
                Tables = (parse.GetValue(tables) ?? []).SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
            };
            await using var dataSource = target.OpenDataSource("dbops maintain", maxPoolSize: 1);
            var maintainer = new Maintainer(dataSource, settings, console.Error);
            var steps = parse.GetValue(task) == "vacuum" ? await maintainer.VacuumAsync(ct) : await maintainer.ReindexAsync(ct);
            await console.Out.WriteAsync(parse.GetValue(format) == "json" ? Json(steps, parse.GetValue(task)!, target.ToString()) + Environment.NewLine : Render(steps, target.ToString()));
            return steps.Any(s => s.Outcome == StepOutcome.Failed) ? ExitCodes.ChecksFailed : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The same steps for other tools: outcome as a word (done, skipped-locked, not-reached, failed), times in seconds.</summary>
    private static string Json(IReadOnlyList<MaintenanceStep> steps, string task, string target)
    {
        var items = new JsonArray();
        foreach (var s in steps)
        {
            items.Add((JsonNode)new JsonObject
            {
                ["task"] = s.Task, ["target"] = s.Target, ["outcome"] = Outcome(s.Outcome),
                ["seconds"] = Math.Round(s.Took.TotalSeconds, 3), ["detail"] = s.Detail,
            });
        }
        var counts = new JsonObject();
        foreach (var o in Enum.GetValues<StepOutcome>()) counts[Outcome(o)] = steps.Count(s => s.Outcome == o);
        var doc = new JsonObject { ["target"] = target, ["task"] = task, ["counts"] = counts, ["steps"] = items };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JsonOutput.Encoder });
    }

    private static string Outcome(StepOutcome o) => o switch
    {
        StepOutcome.Done => "done",
        StepOutcome.SkippedLocked => "skipped-locked",
        StepOutcome.NotReached => "not-reached",
        _ => "failed",
    };

    private static string Render(IReadOnlyList<MaintenanceStep> steps, string target)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"maintenance of {target}:");
        foreach (var s in steps)
        {
            var outcome = s.Outcome switch { StepOutcome.Done => "done", StepOutcome.SkippedLocked => "SKIPPED", StepOutcome.NotReached => "not reached", _ => "FAILED" };
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {s.Task,-8} {s.Target,-60} {outcome,-12} {s.Took.TotalSeconds,8:0.00} s  {s.Detail}"));
        }
        var by = steps.GroupBy(s => s.Outcome).ToDictionary(g => g.Key, g => g.Count());
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{by.GetValueOrDefault(StepOutcome.Done)} done, {by.GetValueOrDefault(StepOutcome.SkippedLocked)} skipped for a lock, {by.GetValueOrDefault(StepOutcome.NotReached)} not reached, {by.GetValueOrDefault(StepOutcome.Failed)} failed in {steps.Sum(s => s.Took.TotalSeconds):0.0} s"));
        return sb.ToString();
    }
}
