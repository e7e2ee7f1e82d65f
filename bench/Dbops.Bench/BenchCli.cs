using System.CommandLine;
using Dbops.Bench.Workload;
using Dbops.Cli;

namespace Dbops.Bench;

/// <summary>
/// <c>dbops-bench</c>: the synthetic MLflow workload and the database benchmarks. Not part of
/// the operator's CLI: it writes synthetic data and must never point at a real database.
/// </summary>
public static class BenchCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct)
    {
        var root = new RootCommand("dbops-bench: synthetic MLflow data and the database benchmarks (scripts/bench-db.sh)");
        root.Subcommands.Add(Generate(console));
        root.Subcommands.Add(Benchmarks.BenchmarkCommand.Create(console));
        root.Subcommands.Add(Benchmarks.MeasureCommand.Create(console));
        root.Subcommands.Add(Benchmarks.ArchiveFloor.Create(console));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await console.Error.WriteLineAsync($"dbops-bench: {e.Message}");
            return ExitCodes.UnusableInput;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, ct);
    }

    private static Command Generate(CliConsole console)
    {
        var connection = new ConnectionOptions();
        var runs = new Option<int>("--runs") { Description = "runs to create", DefaultValueFactory = _ => 10_000 };
        var experiments = new Option<int>("--experiments") { Description = "experiments (0: one per 200 runs)", DefaultValueFactory = _ => 0 };
        var metricRows = new Option<long>("--metric-rows") { Description = "metric rows aimed at (0: 100 per run)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "seed: the same seed and --now-ms give the same rows", DefaultValueFactory = _ => 42 };
        var now = new Option<long>("--now-ms") { Description = "now, epoch ms (default: the current time)", DefaultValueFactory = _ => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        var stale = new Option<double>("--stale-fraction") { Description = "share of runs in experiments idle past the window", DefaultValueFactory = _ => 1.0 / 3 };
        runs.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--runs must be at least 1"); });
        experiments.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--experiments must be 0 (automatic) or more"); });
        metricRows.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 0) r.AddError("--metric-rows must be 0 (100 per run) or more"); });
        stale.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0 or > 1) r.AddError("--stale-fraction must be from 0 to 1"); });
        var command = new Command("generate", "fill an empty fixture MLflow schema with a synthetic workload (binary COPY)")
        {
            runs, experiments, metricRows, seed, now, stale,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, token) =>
        {
            var target = connection.Resolve(parse, console);
            var spec = new WorkloadSpec
            {
                Runs = parse.GetValue(runs),
                Experiments = parse.GetValue(experiments),
                MetricRows = parse.GetValue(metricRows),
                Seed = parse.GetValue(seed),
                NowMs = parse.GetValue(now),
                StaleFraction = parse.GetValue(stale),
            };
            await using var ds = target.OpenDataSource("dbops-bench generate");
            var result = await new WorkloadGenerator(ds, console.Error).GenerateAsync(spec, token);
            await console.Out.WriteLineAsync($"generated (seed {spec.Seed}): " + string.Join(", ", result.Rows.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value:N0}"))
                + $"; biggest experiment {result.BiggestExperimentRuns:N0} runs; copy {result.Copy.TotalSeconds:0.0} s, keys and indexes {result.Keys.TotalSeconds:0.0} s, vacuum analyze {result.Vacuum.TotalSeconds:0.0} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
