using System.Text.Json;
using Dbops.Data;
using Dbops.Migrate;
using Npgsql;

namespace Dbops.Verify.Postgres;

/// <summary>
/// MLflow's real search_runs statements (<see cref="MlflowSearchSql"/>), rendered for the release the
/// contract pins, still use the platform's indexes: <c>EXPLAIN</c> (not executed) of each main statement
/// must read the index the platform built for it. An MLflow upgrade that changes the statement (a runs
/// column, a join, a different ORDER BY) is caught here, before users feel it, naming the index and the
/// release.
/// </summary>
/// <remarks>
/// Planned with sequential scans priced out (<c>enable_seqscan = off</c>): on a small or young database a
/// sequential scan is the right plan and says nothing about the statement (the seeded local setup, 11,800
/// runs, plans one), so what is judged is whether the platform's indexes can serve the statement at all,
/// which is what an upgrade can break. Each shape passes when it reads one of the indexes built for it.
/// </remarks>
public sealed class SearchPlanCheck(PgEndpoint endpoint, VerifySettings settings, PlatformMigrations migrations) : PgCheck(endpoint)
{
    protected override string Name => "search-plans";
    public override string Category => Categories.PostgresSlo;

    /// <summary>
    /// The platform index each search shape must read (dbops/migrations/V3__performance_indexes.sql, V6): the
    /// runs in MLflow's order (the experiment's active runs, or all runs newest first, which the planner
    /// takes on a small database), and for the order by a metric, which sorts every run of the experiment
    /// whatever reads them, the joined metric values from the index alone. The param+tag filter has no
    /// value index since V7 (a hash index's build did not finish at 1 M runs): it must walk the runs in order.
    /// </summary>
    public static readonly IReadOnlyDictionary<MlflowSearchSql.Shape, string[]> ExpectedIndex = new Dictionary<MlflowSearchSql.Shape, string[]>
    {
        [MlflowSearchSql.Shape.DefaultOrder] = ["platform_runs_experiment_stage_start", "platform_runs_start_time"],
        [MlflowSearchSql.Shape.OrderByMetric] = ["platform_latest_metrics_key_run"],
        [MlflowSearchSql.Shape.ParamAndTag] = ["platform_runs_experiment_stage_start", "platform_runs_start_time"],
        [MlflowSearchSql.Shape.MetricFilter] = ["platform_runs_experiment_stage_start", "platform_latest_metrics_key_run"],
    };

    protected override async Task<CheckResult> CheckAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var present = await MlflowSchema.PresentAsync(conn, ct);
        if (!new[] { "runs", "latest_metrics", "params", "tags" }.All(present.ContainsKey))
        {
            return CheckResult.Skip($"{MlflowSchema.NotInitialised} (or its tables are incomplete): no search to plan");
        }
        var platform = migrations.Indexes.Select(i => i.Index).ToHashSet(StringComparer.Ordinal);
        var notPlatform = ExpectedIndex.Values.SelectMany(i => i).Distinct().Where(i => !platform.Contains(i)).ToArray();
        if (notPlatform.Length > 0)
        {
            return CheckResult.Fail($"this build expects the searches to read {string.Join(", ", notPlatform)}, which no platform migration creates (dbops/migrations)");
        }

        var revision = settings.AlembicRevision ?? Endpoint.Target.AlembicRevision;
        if (revision is null && present.ContainsKey("alembic_version"))
        {
            var rows = await conn.RowsAsync("select version_num::text from alembic_version", r => r.GetString(0), ct);
            if (rows.Count == 1) revision = rows[0];
        }
        var known = revision is null ? null : MlflowReleases.ByRevision(revision);
        var release = known ?? MlflowReleases.Newest;

        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync("set transaction read only", ct);
        await conn.ExecuteAsync($"set local statement_timeout = {(long)settings.CheckTimeout.TotalMilliseconds}", ct);
        // Planned as MLflow's own sessions are: with the settings dbops migrate gives its role.
        foreach (var setting in MlflowRoleSettings.All) await conn.ExecuteAsync($"set local {setting.Name} = '{setting.Value}'", ct);
        var runs = await conn.ScalarAsync<long>("select count(*) from runs", ct);
        await conn.ExecuteAsync("set local enable_seqscan = off", ct);
        var values = await PickValuesAsync(conn, ct);

        var problems = new List<string>();
        var used = new Dictionary<string, object?>();
        var read = new List<string>();
        foreach (var (shape, index) in ExpectedIndex)
        {
            var json = await conn.ScalarAsync<string>("explain (format json) " + MlflowSearchSql.MainStatement(release, shape, values), ct);
            var indexes = IndexesRead(json);
            used[shape.ToString()] = indexes.ToArray();
            var served = indexes.Where(index.Contains).ToArray();
            read.AddRange(served.Where(i => !read.Contains(i)));
            if (served.Length == 0)
            {
                problems.Add($"{MlflowSearchSql.Describe(shape)} does not read {string.Join(" or ", index)} ({(indexes.Count == 0 ? "no index" : "reads " + string.Join(", ", indexes))})");
            }
        }
        await tx.RollbackAsync(ct);

        var how = $"{runs:N0} runs, planned with sequential scans off";
        var data = Data(("release", release.Name), ("alembicRevision", revision), ("knownRelease", known is not null), ("indexes", used), ("problems", problems.ToArray()));
        if (problems.Count > 0)
        {
            return CheckResult.Fail($"MLflow {release.Name}'s search statements stopped using the platform's indexes: {string.Join("; ", problems)} ({how})", data);
        }
        var summary = $"MLflow {release.Name}'s {ExpectedIndex.Count} search statements read {string.Join(", ", read)} ({how})";
        return known is null
            ? CheckResult.Warn($"{(revision is null ? "no alembic revision is pinned or recorded" : $"alembic revision {revision} is not an MLflow release this dbops knows")}: planned {release}'s statements instead: {summary}", data)
            : CheckResult.Pass(summary, data);
    }

    /// <summary>Every index a JSON plan reads, in plan order.</summary>
    public static IReadOnlyList<string> IndexesRead(string planJson)
    {
        using var doc = JsonDocument.Parse(planJson);
        var found = new List<string>();
        void Walk(JsonElement node)
        {
            if (node.TryGetProperty("Index Name", out var name) && name.GetString() is { } n && !found.Contains(n)) found.Add(n);
            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray()) Walk(child);
            }
        }
        Walk(doc.RootElement[0].GetProperty("Plan"));
        return found;
    }

    /// <summary>The busiest experiment and, from one of its runs, a metric, param and tag; MLflow's examples where the data has none.</summary>
    private static async Task<MlflowSearchSql.SearchValues> PickValuesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var rows = await conn.RowsAsync(
            """
            with busiest as (
                select experiment_id, count(*) as n from runs where lifecycle_stage = 'active'
                group by experiment_id order by n desc limit 1)
            select b.experiment_id::bigint,
                   (select key::text from latest_metrics m join runs r using (run_uuid) where r.experiment_id = b.experiment_id limit 1),
                   (select array[p.key::text, p.value::text] from params p join runs r using (run_uuid) where r.experiment_id = b.experiment_id and length(p.value) < 100 limit 1),
                   (select array[t.key::text, t.value::text] from tags t join runs r using (run_uuid) where r.experiment_id = b.experiment_id and length(t.value) < 100 limit 1)
            from busiest b
            """,
            r => (Experiment: r.GetInt64(0), Metric: r.IsDBNull(1) ? null : r.GetString(1),
                Param: r.IsDBNull(2) ? null : r.GetFieldValue<string[]>(2), Tag: r.IsDBNull(3) ? null : r.GetFieldValue<string[]>(3)), ct);
        var v = new MlflowSearchSql.SearchValues(0);
        if (rows.Count == 0) return v;
        var x = rows[0];
        return v with
        {
            ExperimentId = x.Experiment,
            MetricKey = x.Metric ?? v.MetricKey,
            ParamKey = x.Param?[0] ?? v.ParamKey,
            ParamValue = x.Param?[1] ?? v.ParamValue,
            TagKey = x.Tag?[0] ?? v.TagKey,
            TagValue = x.Tag?[1] ?? v.TagValue,
        };
    }
}
