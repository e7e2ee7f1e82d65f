using System.Text.Json;
using Dbops.Data;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// The query shapes MLflow's UI and clients run most (search runs, search runs ordered by
/// a metric, metric history) finish under the scaling guide's 1-second line, measured by
/// EXPLAIN ANALYZE on the real data in a read-only transaction. Parameters are taken from
/// the data itself: the experiment with most active runs, one of its metrics and params.
/// </summary>
public sealed class QuerySloCheck(PgEndpoint endpoint, VerifySettings settings) : PgCheck(endpoint)
{
    protected override string Name => "query-slo";
    public override string Category => Categories.PostgresSlo;

    private const string SearchRuns =
        """
        select r.run_uuid, r.name, r.status, r.start_time, r.end_time, r.artifact_uri
        from runs r
        where r.experiment_id = $1 and r.lifecycle_stage = 'active'
        order by r.start_time desc, r.run_uuid
        limit 100
        """;

    private const string SearchRunsByMetric =
        """
        select r.run_uuid, r.name, m.value
        from runs r
        left join latest_metrics m on m.run_uuid = r.run_uuid and m.key = $2
        where r.experiment_id = $1 and r.lifecycle_stage = 'active'
          and r.run_uuid in (select p.run_uuid from params p where p.key = $3 and p.value = $4)
        order by m.value desc nulls last, r.start_time desc, r.run_uuid
        limit 100
        """;

    private const string MetricHistory =
        """
        select m.key, m.value, m.timestamp, m.step, m.is_nan
        from metrics m
        where m.run_uuid = $1 and m.key = $2
        order by m.step, m.timestamp
        """;

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var present = await MlflowSchema.PresentAsync(conn, ct);
        if (!new[] { "runs", "metrics", "latest_metrics", "params" }.All(present.ContainsKey))
        {
            return CheckResult.Skip($"{MlflowSchema.NotInitialised} (or its tables are incomplete): nothing to time");
        }
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Read only: EXPLAIN ANALYZE executes the statement, and must never be able to write.
        await conn.ExecuteAsync("set transaction read only", ct);
        await conn.ExecuteAsync($"set local statement_timeout = {(long)settings.CheckTimeout.TotalMilliseconds}", ct);

        var sample = await PickSampleAsync(conn, ct);
        if (sample is null) return CheckResult.Skip("no active run with metrics and params yet: nothing representative to time");
        var s = sample.Value;

        var timings = new List<(string Shape, double Ms, long Rows)>
        {
            await ExplainAsync(conn, "search runs", SearchRuns, ct, s.Experiment),
            await ExplainAsync(conn, "search runs by metric", SearchRunsByMetric, ct, s.Experiment, s.MetricKey, s.ParamKey, s.ParamValue),
            await ExplainAsync(conn, "metric history", MetricHistory, ct, s.Run, s.MetricKey),
        };
        await tx.RollbackAsync(ct);

        var line = settings.QuerySlo.TotalMilliseconds;
        var data = timings.ToDictionary(t => t.Shape.Replace(' ', '-') + "-ms", t => (object?)Math.Round(t.Ms, 2));
        data["experimentRuns"] = s.ExperimentRuns;
        data["sloMs"] = line;
        var figures = string.Join(", ", timings.Select(t => $"{t.Shape} {t.Ms:0.0} ms ({t.Rows} rows)"));
        var summary = $"{figures}; experiment with {s.ExperimentRuns} active runs; line {line:0} ms";
        var slowest = timings.Max(t => t.Ms);
        if (slowest >= line) return CheckResult.Fail($"over the query SLO: {summary}", data);
        if (slowest >= line / 2) return CheckResult.Warn($"near the query SLO: {summary}", data);
        return CheckResult.Pass(summary, data);
    }

    private readonly record struct Sample(object Experiment, long ExperimentRuns, string Run, string MetricKey, string ParamKey, string ParamValue);

    private static async Task<Sample?> PickSampleAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            """
            with busiest as (
                select experiment_id, count(*) as n from runs where lifecycle_stage = 'active'
                group by experiment_id order by n desc limit 1)
            select b.experiment_id, b.n, r.run_uuid::text, lm.key::text, p.key::text, p.value::text
            from busiest b
            join runs r on r.experiment_id = b.experiment_id and r.lifecycle_stage = 'active'
            join latest_metrics lm on lm.run_uuid = r.run_uuid
            join params p on p.run_uuid = r.run_uuid
            limit 1
            """,
            r => new Sample(r.GetValue(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<(string, double, long)> ExplainAsync(NpgsqlConnection conn, string shape, string sql, CancellationToken ct, params object[] args)
    {
        var json = await conn.ScalarAsync<string>($"explain (analyze, format json) {sql}", ct, args);
        using var doc = JsonDocument.Parse(json);
        var top = doc.RootElement[0];
        var ms = top.GetProperty("Planning Time").GetDouble() + top.GetProperty("Execution Time").GetDouble();
        var rows = (long)top.GetProperty("Plan").GetProperty("Actual Rows").GetDouble();
        return (shape, ms, rows);
    }
}
