using Dbops.Cli;
using Dbops.Output;

RunTimings.Start();
// Before any TLS handshake: see ProcessTrust (issue 20, verify's startup).
ProcessTrust.NarrowToCaBundle(args);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C stops the checks and still prints what finished; the runner reports the rest as cancelled.
    e.Cancel = true;
    cancel.Cancel();
};
var exitCode = await DbopsCli.RunAsync(args, CliConsole.System(), cancel.Token);
RunTimings.Mark("command done, connections closed");
RunTimings.Print(Console.Error);
return exitCode;
