using System.Diagnostics;
using Npgsql;

namespace Dbops.Bench.Benchmarks;

/// <summary>
/// Times each shape from the client, as MLflow would see it: send, execute, read every row.
/// A few warm-up executions first (caches, plans), then up to <see cref="Iterations"/>
/// executions or <see cref="Budget"/> of wall-clock per shape, whichever ends first.
/// </summary>
public sealed class QueryBenchmark(NpgsqlDataSource dataSource, SampleSet samples, TextWriter progress)
{
    public int Iterations { get; init; } = 200;
    public int Warmup { get; init; } = 5;
    public int MinIterations { get; init; } = 20;
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(15);

    /// <param name="session">Settings for this phase's session, e.g. a planner cost (empty: the server's).</param>
    public async Task<IReadOnlyList<Latency>> RunAsync(string phase, IEnumerable<QueryShape> shapes, CancellationToken ct, string session = "")
    {
        var results = new List<Latency>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (session.Length > 0)
        {
            await using var set = new NpgsqlCommand(session, conn);
            await set.ExecuteNonQueryAsync(ct);
        }
        foreach (var shape in shapes)
        {
            for (var i = 0; i < Warmup; i++) await ExecuteAsync(conn, shape, samples.For(shape.Name, -1 - i), ct);
            var times = new List<double>();
            var calls = new List<double>();
            var spent = Stopwatch.StartNew();
            for (var i = 0; i < Iterations && (i < MinIterations || spent.Elapsed < Budget); i++)
            {
                var (main, call) = await ExecuteAsync(conn, shape, samples.For(shape.Name, i), ct);
                times.Add(main);
                calls.Add(call);
            }
            var latency = new Latency(shape.Name, times, shape.FollowUps is null ? null : calls);
            progress.WriteLine($"bench: [{phase}] {shape.Name}: p50 {latency.P50:0.00} ms, p95 {latency.P95:0.00} ms{(latency.Calls is null ? "" : $", call's SQL p95 {latency.CallP95:0.00} ms")} ({times.Count} runs)");
            results.Add(latency);
        }
        return results;
    }

    /// <returns>The shape's (main) statement, and the whole call with its follow-ups (the same when there are none).</returns>
    private static async Task<(double Main, double Call)> ExecuteAsync(NpgsqlConnection conn, QueryShape shape, Sample sample, CancellationToken ct)
    {
        if (shape.Literal is { } literal)
        {
            var watch = Stopwatch.StartNew();
            var ids = await ReadIdsAsync(conn, literal(sample), ct);
            var main = watch.Elapsed.TotalMilliseconds;
            // One round trip each, in order, as MLflow's session sends them.
            foreach (var followUp in shape.FollowUps?.Invoke(ids) ?? []) await ReadIdsAsync(conn, followUp, ct);
            return (main, watch.Elapsed.TotalMilliseconds);
        }
        var ms = await ExecuteAsync(conn, shape, shape.Args(sample), ct);
        return (ms, ms);
    }

    /// <summary>Runs one statement with its values inlined (as psycopg2 sends them), reads every row, returns the first column.</summary>
    private static async Task<IReadOnlyList<string>> ReadIdsAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetValue(0).ToString()!);
            for (var c = 1; c < reader.FieldCount; c++) _ = reader.GetValue(c);
        }
        return ids;
    }

    private static async Task<double> ExecuteAsync(NpgsqlConnection conn, QueryShape shape, object[] args, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        if (shape.Writes)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await RunAsync(conn, shape.Sql, args, ct);
            sw.Stop();
            await tx.RollbackAsync(ct);
            return sw.Elapsed.TotalMilliseconds;
        }
        await RunAsync(conn, shape.Sql, args, ct);
        return sw.Elapsed.TotalMilliseconds;
    }

    private static async Task RunAsync(NpgsqlConnection conn, string sql, object[] args, CancellationToken ct)
    {
        // Several statements with parameters go as a batch (one round trip), as a driver sends them.
        await using var batch = new NpgsqlBatch(conn);
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cmd = new NpgsqlBatchCommand(statement);
            var used = Enumerable.Range(1, args.Length).Where(n => statement.Contains($"${n}", StringComparison.Ordinal)).ToArray();
            // Each statement numbers its own parameters from $1.
            var text = statement;
            for (var k = 0; k < used.Length; k++) text = text.Replace($"${used[k]}", $"$__{k + 1}", StringComparison.Ordinal);
            cmd.CommandText = text.Replace("$__", "$", StringComparison.Ordinal);
            foreach (var n in used) cmd.Parameters.Add(new NpgsqlParameter { Value = args[n - 1] });
            batch.BatchCommands.Add(cmd);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            while (await reader.ReadAsync(ct))
            {
                // Read every row, as a client that shows the page would.
            }
        }
        while (await reader.NextResultAsync(ct));
    }
}
