using System.CommandLine;
using Dbops.Cli;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// <c>dbops-bench measure</c>: times the shapes on a database as it is, nothing changed: for
/// trying an index or a setting by hand. Each <c>--session</c> is one phase, and the phases run
/// shape by shape, one after the other, so that their figures are taken under the same load.
/// </summary>
public static class MeasureCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var shapes = new Option<string>("--shapes") { Description = "only shapes whose name contains this", DefaultValueFactory = _ => "" };
        var sessions = new Option<string[]>("--session") { Description = "SQL run first in a phase's session, e.g. \"set random_page_cost = 1.1\" (repeat for phases side by side; none: one phase with the server's settings)", AllowMultipleArgumentsPerToken = false };
        var iterations = new Option<int>("--iterations") { Description = "executions per shape", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "seed of the parameter sequence (as for run)", DefaultValueFactory = _ => 7 };
        var command = new Command("measure", "time the query shapes on the database as it is") { shapes, sessions, iterations, seed };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var ds = connection.Resolve(parse, console).OpenDataSource("dbops-bench measure");
            SampleSet samples;
            Dbops.Data.MlflowRelease release;
            await using (var conn = await ds.OpenConnectionAsync(ct))
            {
                samples = await SampleSet.ReadAsync(conn, parse.GetValue(seed), ct);
                release = (await MlflowBaseline.ReadAsync(conn, ct)).Release;
            }
            var phases = parse.GetValue(sessions) is { Length: > 0 } given ? given : [""];
            var bench = new QueryBenchmark(ds, samples, TextWriter.Null) { Iterations = parse.GetValue(iterations) };
            foreach (var shape in QueryShapes.For(release).Where(s => s.Name.Contains(parse.GetValue(shapes)!, StringComparison.Ordinal)))
            {
                foreach (var phase in phases)
                {
                    var r = (await bench.RunAsync("measure", [shape], ct, phase))[0];
                    var call = r.CallP95 is { } c ? $", call's SQL p50 {r.CallP50:0.00} / p95 {c:0.00} ms" : "";
                    await console.Out.WriteLineAsync($"{r.Shape} [{(phase.Length == 0 ? "server settings" : phase)}]: p50 {r.P50:0.00} ms, p95 {r.P95:0.00} ms{call} ({r.Samples.Count} runs)");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
