using System.CommandLine;
using Dbops.Cli;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// <c>dbops-bench measure</c>: times the shapes on a database as it is, nothing changed: for
/// trying an index or a setting by hand between two measurements.
/// </summary>
public static class MeasureCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var shapes = new Option<string>("--shapes") { Description = "only shapes whose name contains this", DefaultValueFactory = _ => "" };
        var session = new Option<string>("--session") { Description = "SQL run first in the measuring session, e.g. \"set random_page_cost = 1.1\"", DefaultValueFactory = _ => "" };
        var iterations = new Option<int>("--iterations") { Description = "executions per shape", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "seed of the parameter sequence (as for run)", DefaultValueFactory = _ => 7 };
        var command = new Command("measure", "time the query shapes on the database as it is") { shapes, session, iterations, seed };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var ds = connection.Resolve(parse, console).OpenDataSource("dbops-bench measure");
            SampleSet samples;
            await using (var conn = await ds.OpenConnectionAsync(ct)) samples = await SampleSet.ReadAsync(conn, parse.GetValue(seed), ct);
            var selected = QueryShapes.All.Where(s => s.Name.Contains(parse.GetValue(shapes)!, StringComparison.Ordinal));
            var results = await new QueryBenchmark(ds, samples, TextWriter.Null) { Iterations = parse.GetValue(iterations) }
                .RunAsync("measure", selected, ct, parse.GetValue(session)!);
            foreach (var r in results) await console.Out.WriteLineAsync($"{r.Shape}: p50 {r.P50:0.00} ms, p95 {r.P95:0.00} ms ({r.Samples.Count} runs)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
