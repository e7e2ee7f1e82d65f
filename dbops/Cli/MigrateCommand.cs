using System.CommandLine;
using Dbops.Migrate;

namespace Dbops.Cli;

/// <summary><c>dbops migrate</c>: applies the platform's pending migrations, or with --dry-run prints the plan.</summary>
public static class MigrateCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new MigrateSettings();
        var connection = new ConnectionOptions(commandTimeout: TimeSpan.FromHours(1));
        var dryRun = new Option<bool>("--dry-run") { Description = "print the plan (applied, pending, changed) and apply nothing" };
        var lockWait = CliValues.Seconds("--lock-wait", defaults.LockWait, "how long to wait for another dbops migrate on the same database");
        var lockTimeout = CliValues.Seconds("--lock-timeout", defaults.DdlLockTimeout, "how long a DDL statement may wait for a table lock (it queues MLflow's queries meanwhile)");
        var command = new Command("migrate", "apply the platform's versioned migrations (dbops/migrations) in order, each once")
        {
            dryRun, lockWait, lockTimeout,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("migrate", console, () => connection.Resolve(parse, console), async target =>
        {
            var settings = defaults with
            {
                LockWait = TimeSpan.FromSeconds(parse.GetValue(lockWait)),
                DdlLockTimeout = TimeSpan.FromSeconds(parse.GetValue(lockTimeout)),
                Application = target.Application,
            };
            await using var dataSource = target.OpenDataSource("dbops migrate", maxPoolSize: 2);
            var migrator = new Migrator(dataSource, PlatformMigrations.Embedded(), settings, console.Error);
            if (parse.GetValue(dryRun))
            {
                var plan = await migrator.PlanAsync(ct);
                await ReportOutput.WriteAsync(console, new MigrationPlanRender(target.ToString(), statements: true), plan, target.Secrets);
                if (target.Application is { } app)
                {
                    await console.Out.WriteLineAsync($"then, on every run, role {app.Username}:");
                    foreach (var line in Migrate.ApplicationRoleStep.Describe(app, target.Database)) await console.Out.WriteLineAsync($"  {line}");
                }
                await console.Out.WriteLineAsync("--dry-run: nothing applied");
                return plan.Problems.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
            }
            // The plan printed is the one read under the migration lock: a run that waited for another
            // announces only what is still pending after it, which is what it applies.
            var applied = await migrator.ApplyAsync(ct, plan => console.Out.Write(new MigrationPlanRender(target.ToString(), statements: false).Text(plan)));
            await console.Out.WriteLineAsync(applied.Count == 0
                ? "up to date: nothing to apply"
                : $"applied {applied.Count} migration(s): {string.Join(", ", applied.Select(a => $"{a.Migration.Name} ({a.Took.TotalSeconds:0.00} s)"))}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
