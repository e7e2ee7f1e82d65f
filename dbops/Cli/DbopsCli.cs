using Dbops.Output;
using System.CommandLine;

namespace Dbops.Cli;

/// <summary>The <c>dbops</c> command line: parses, reports bad flags with exit code 2, dispatches.</summary>
public static class DbopsCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var root = new RootCommand("dbops: operations on the MLOps data tier's databases");
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(MigrateCommand.Create(console));
        root.Subcommands.Add(ArchiveCommand.Create(console));
        root.Subcommands.Add(ReportCommand.Create(console));
        root.Subcommands.Add(MaintainCommand.Create(console));
        root.Subcommands.Add(IncidentCommand.Create(console));
        var parsed = root.Parse(args);
        RunTimings.Mark("command line parsed");
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await console.Error.WriteLineAsync($"dbops: {e.Message}");
            var name = parsed.CommandResult.Command == root ? "dbops" : $"dbops {parsed.CommandResult.Command.Name}";
            await console.Error.WriteLineAsync($"dbops: see {name} --help");
            return ExitCodes.UnusableInput;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
    }
}
