using Dbops.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C stops the checks and still prints what finished; the runner reports the rest as cancelled.
    e.Cancel = true;
    cancel.Cancel();
};
return await DbopsCli.RunAsync(args, CliConsole.System(), cancel.Token);
