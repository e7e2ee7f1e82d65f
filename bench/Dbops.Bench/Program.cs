using Dbops.Bench;
using Dbops.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await BenchCli.RunAsync(args, CliConsole.System(), cancel.Token);
