using System.CommandLine;
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
            IReadOnlyList<MaintenanceStep> steps;
            try
            {
                steps = parse.GetValue(task) == "vacuum" ? await maintainer.VacuumAsync(ct) : await maintainer.ReindexAsync(ct);
            }
            catch (UnknownTablesException e)
            {
                throw new UsageException($"--tables: {e.Message}");
            }
            await ReportOutput.WriteAsync(console, parse.GetValue(format)!, new MaintenanceRender(target.ToString(), parse.GetValue(task)!), steps, target.Secrets);
            return steps.Any(s => s.Outcome == StepOutcome.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return command;
    }
}
