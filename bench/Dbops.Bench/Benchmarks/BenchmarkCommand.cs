using System.CommandLine;
using Dbops.Cli;
using Dbops.Data;
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
        var parameterGroup = new Option<string>("--parameter-group") { Description = "the cluster parameter group's planner parameters as name=value,... (scripts/bench-db.sh reads them from infra/components/plannerParameters.ts)", DefaultValueFactory = _ => "" };
        var command = new Command("run", "time MLflow's query shapes with MLflow's indexes and with the platform's, the index builds and the archival")
        {
            label, iterations, seed, skipArchive, parameterGroup,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var target = connection.Resolve(parse, console);
            await using var ds = target.OpenDataSource("dbops-bench run");
            var report = new BenchmarkReport { Label = parse.GetValue(label)! };
            try
            {
                report.Settings = PlatformSettings.Parse(parse.GetValue(parameterGroup)!);
            }
            catch (ArgumentException e)
            {
                await console.Error.WriteLineAsync($"dbops-bench run: {e.Message}");
                return ExitCodes.UnusableInput;
            }
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
            // The platform's settings, as MLflow's sessions get them on Aurora: the cluster parameter group's
            // planner parameters and the role settings dbops migrate gives mlflow_app (set here per session,
            // as the benchmark connects as the owner).
            report.WithSettings = await bench.RunAsync("platform indexes and settings", QueryShapes.For(report.Baseline.Release), ct, report.Settings.SessionSql);
            if (!parse.GetValue(skipArchive))
            {
                try
                {
                    report.Archive = await ArchiveBenchmark.RunAsync(target, console.Error, ct);
                }
                catch (Dbops.Data.OpsException e)
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

/// <summary>The platform's settings a phase runs with: the parameter group's planner parameters and mlflow_app's role settings.</summary>
public sealed record PlatformSettings(IReadOnlyList<(string Name, string Value)> ParameterGroup)
{
    public IReadOnlyList<(string Name, string Value)> Role { get; } = Dbops.Migrate.MlflowRoleSettings.All.Select(s => (s.Name, s.Value)).ToArray();

    public string SessionSql => string.Join("; ", ParameterGroup.Concat(Role).Select(s => $"set {s.Name} = '{s.Value.Replace("'", "''", StringComparison.Ordinal)}'"));

    public string Describe() =>
        $"parameter group {(ParameterGroup.Count == 0 ? "(none given)" : string.Join(", ", ParameterGroup.Select(s => $"{s.Name} = {s.Value}")))}; mlflow_app {string.Join(", ", Role.Select(s => $"{s.Name} = {s.Value}"))}";

    /// <summary>name=value pairs, comma-separated; a name is letters, digits, dots and underscores.</summary>
    public static PlatformSettings Parse(string text)
    {
        var pairs = new List<(string, string)>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=');
            var name = eq > 0 ? item[..eq].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                throw new ArgumentException($"--parameter-group: \"{item}\" is not name=value (a name of letters, digits, dots and underscores)");
            }
            pairs.Add((name, item[(eq + 1)..].Trim()));
        }
        return new PlatformSettings(pairs);
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
