using System.CommandLine;
using Dbops.Report;

namespace Dbops.Cli;

/// <summary><c>dbops report</c>: sizes, index usage, slowest statements, bloat and the mlflow gc backlog. Reads only.</summary>
public static class ReportCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions(commandTimeout: TimeSpan.FromSeconds(60));
        var format = CliValues.Format();
        var top = CliValues.PositiveInt("--top", 10, "slowest statements to show", 1000);
        var slow = CliValues.Positive(new Option<double>("--slow-ms")
        {
            Description = "statements slower than this (mean or max) are flagged; the scaling guide alerts over 1 s",
            DefaultValueFactory = _ => 1000,
            HelpName = "MS",
        });
        var command = new Command("report", "database and table sizes, index usage, slowest statements, bloat estimate, mlflow gc backlog") { format, top, slow };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) => await OpsRunner.RunAsync("report", console, () => connection.Resolve(parse, console), async target =>
        {
            await using var dataSource = target.OpenDataSource("dbops report", maxPoolSize: 1);
            var report = await new ReportReader(dataSource).ReadAsync(parse.GetValue(top), parse.GetValue(slow), ct);
            await ReportOutput.WriteAsync(console, parse.GetValue(format)!, new ReportRender(target.ToString()), report, target.Secrets);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
