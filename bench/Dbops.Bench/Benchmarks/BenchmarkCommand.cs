using System.CommandLine;
using Dbops.Cli;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// <c>dbops-bench run</c>: on a database the generator filled, times every shape with MLflow's
/// own indexes, applies the platform's migrations (timing each index build), times every
/// shape again with the same parameters, archives the 90-day window, and prints the tables.
/// </summary>
public static class BenchmarkCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var label = new Option<string>("--label") { Description = "what the data is, for the tables' titles", DefaultValueFactory = _ => "" };
        var iterations = new Option<int>("--iterations") { Description = "executions per shape and phase (fewer when a shape is slow)", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "seed of the parameter sequence", DefaultValueFactory = _ => 7 };
        var skipArchive = new Option<bool>("--skip-archive") { Description = "do not time the archival" };
        var command = new Command("run", "time MLflow's query shapes with MLflow's indexes and with the platform's, the index builds and the archival")
        {
            label, iterations, seed, skipArchive,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var target = connection.Resolve(parse, console);
            await using var ds = target.OpenDataSource("dbops-bench run");
            var report = new BenchmarkReport { Label = parse.GetValue(label)! };
            await using (var conn = await ds.OpenConnectionAsync(ct))
            {
                report.Scale = await Scale.ReadAsync(conn, ct);
                report.Baseline = await MlflowBaseline.ReadAsync(conn, ct);
                if (!report.Baseline.Exact)
                {
                    await console.Error.WriteLineAsync($"dbops-bench run: the baseline is {report.Baseline.Describe()}: the \"MLflow's indexes\" column would not be MLflow alone; load the release's fixture unchanged");
                    return ExitCodes.UnusableInput;
                }
                report.Samples = await SampleSet.ReadAsync(conn, parse.GetValue(seed), ct);
            }
            var bench = new QueryBenchmark(ds, report.Samples, console.Error) { Iterations = parse.GetValue(iterations) };
            report.Before = await bench.RunAsync("MLflow indexes", QueryShapes.For(report.Baseline.Release), ct);
            (report.Builds, report.MigrateTotal) = await IndexBuilds.ApplyAsync(ds, console.Error, ct);
            report.After = await bench.RunAsync("platform indexes", QueryShapes.For(report.Baseline.Release), ct);
            // Not a platform migration (a server parameter, for the cluster's parameter group): measured to show what it would add.
            report.LowRandomPageCost = await bench.RunAsync("platform indexes, random_page_cost 1.1", QueryShapes.For(report.Baseline.Release), ct, "set random_page_cost = 1.1");
            if (!parse.GetValue(skipArchive))
            {
                try
                {
                    report.Archive = await ArchiveBenchmark.RunAsync(target, console.Error, ct);
                }
                catch (Dbops.Ops.OpsException e)
                {
                    // dbops archive refused (a table it cannot place, named by its dry run): say so rather than time nothing.
                    report.ArchiveRefused = e.Message;
                }
            }
            await console.Out.WriteAsync(report.Render());
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Row counts of the data the figures belong to.</summary>
public sealed record Scale(long Experiments, long Runs, long Metrics, long LatestMetrics, long Params, long Tags, long BiggestExperiment, string MetricsSize)
{
    public static async Task<Scale> ReadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select (select count(*) from experiments), (select count(*) from runs), (select count(*) from metrics),
                   (select count(*) from latest_metrics), (select count(*) from params), (select count(*) from tags),
                   (select max(n) from (select count(*) as n from runs group by experiment_id) x),
                   pg_size_pretty(pg_total_relation_size('metrics'))
            """, conn) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new Scale(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7));
    }
}
