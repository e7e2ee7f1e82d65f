using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Dbops.Bench.Workload;

public sealed record GenerateResult(IReadOnlyDictionary<string, long> Rows, TimeSpan Copy, TimeSpan Keys, TimeSpan Vacuum, int BiggestExperimentRuns);

/// <summary>
/// Fills an empty fixture MLflow schema with a <see cref="WorkloadModel"/> through binary
/// COPY: experiments (and the Default experiment 0), experiment tags, datasets, runs,
/// params, tags, dataset inputs, metrics with many steps per key, latest_metrics exactly
/// as MLflow keeps them (each key's row of the highest step), a few registered models, the traces,
/// logged models and associations of <see cref="GenAiContent"/> where the release has them, then
/// VACUUM ANALYZE so the planner sees the data as a long-lived database's.
/// </summary>
public sealed class WorkloadGenerator(NpgsqlDataSource dataSource, TextWriter progress)
{
    /// <summary>Loaded with keys and indexes off; the registry tables are tiny and loaded with INSERT.</summary>
    public static readonly string[] BulkTables =
        ["experiments", "experiment_tags", "datasets", "runs", "metrics", "latest_metrics", "params", "tags", "inputs", "input_tags"];

    private readonly record struct Latest(string Key, double Value, long Timestamp, long Step, bool IsNan, string RunUuid);

    public async Task<GenerateResult> GenerateAsync(WorkloadSpec spec, CancellationToken ct)
    {
        var model = new WorkloadModel(spec);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var table in new[] { "experiments", "runs", "metrics" })
        {
            await using var cmd = new NpgsqlCommand($"select exists (select 1 from {table})", conn);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!) throw new InvalidOperationException($"{table} is not empty: the generator fills a freshly created MLflow schema");
        }

        var copy = Stopwatch.StartNew();
        var bulk = await BulkLoad.DropAsync(conn, BulkTables, ct);
        var rows = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var latest = new List<Latest>[2];
        // Two streams: the metrics split by run, the smaller tables on the second after its half.
        await Task.WhenAll(
            Task.Run(async () => latest[0] = await CopyMetricsAsync(model, 0, 2, rows, ct), ct),
            Task.Run(async () =>
            {
                latest[1] = await CopyMetricsAsync(model, 1, 2, rows, ct);
                await CopyRunTablesAsync(model, rows, ct);
            }, ct));
        rows["latest_metrics"] = await CopyLatestAsync(conn, latest[0].Concat(latest[1]), ct);
        copy.Stop();
        progress.WriteLine($"generate: copied {rows.Values.Sum():N0} rows in {copy.Elapsed.TotalSeconds:0.0} s");

        var keys = Stopwatch.StartNew();
        await bulk.RestoreAsync(conn, ct);
        keys.Stop();
        progress.WriteLine($"generate: {bulk.ConstraintCount} keys and {bulk.IndexCount} indexes rebuilt in {keys.Elapsed.TotalSeconds:0.0} s");
        await ExecuteAsync(conn, "select setval(pg_get_serial_sequence('experiments', 'experiment_id'), (select max(experiment_id) from experiments))", ct);
        rows["model_versions"] = await InsertRegistryAsync(conn, model, ct);
        foreach (var (table, n) in await GenAiContent.FillAsync(conn, ct)) rows[table] = n;

        var vacuum = Stopwatch.StartNew();
        var genAi = GenAiContent.Tables.Where(rows.ContainsKey);
        await ExecuteAsync(conn, $"vacuum (analyze) {string.Join(", ", BulkTables.Concat(["registered_models", "model_versions"]).Concat(genAi))}", ct);
        vacuum.Stop();
        progress.WriteLine($"generate: vacuum analyze in {vacuum.Elapsed.TotalSeconds:0.0} s");
        return new GenerateResult(new Dictionary<string, long>(rows), copy.Elapsed, keys.Elapsed, vacuum.Elapsed, model.Experiments.Max(e => e.RunCount));
    }

    private async Task<List<Latest>> CopyMetricsAsync(WorkloadModel model, int part, int parts, System.Collections.Concurrent.ConcurrentDictionary<string, long> rows, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var latest = new List<Latest>();
        long n = 0;
        await using (var w = await conn.BeginBinaryImportAsync("copy metrics (key, value, timestamp, run_uuid, step, is_nan) from stdin (format binary)", ct))
        {
            foreach (var e in model.Experiments)
            {
                foreach (var r in model.RunsOf(e))
                {
                    if (r.Index % parts != part) continue;
                    Latest? last = null;
                    RunContent.Metrics(model.Spec, e, r, (key, value, ts, step, isNan) =>
                    {
                        w.StartRow();
                        w.Write(key, NpgsqlDbType.Varchar);
                        w.Write(value, NpgsqlDbType.Double);
                        w.Write(ts, NpgsqlDbType.Bigint);
                        w.Write(r.Uuid, NpgsqlDbType.Varchar);
                        w.Write((long)step, NpgsqlDbType.Bigint);
                        w.Write(isNan, NpgsqlDbType.Boolean);
                        n++;
                        // Steps come in order per key: the last row of a key is its latest.
                        if (last is { } l && l.Key != key) latest.Add(l);
                        last = new Latest(key, value, ts, step, isNan, r.Uuid);
                    });
                    if (last is { } final) latest.Add(final);
                }
            }
            await w.CompleteAsync(ct);
        }
        rows.AddOrUpdate("metrics", n, (_, v) => v + n);
        return latest;
    }

    private static async Task<long> CopyLatestAsync(NpgsqlConnection conn, IEnumerable<Latest> latest, CancellationToken ct)
    {
        long n = 0;
        await using var w = await conn.BeginBinaryImportAsync("copy latest_metrics (key, value, timestamp, step, is_nan, run_uuid) from stdin (format binary)", ct);
        foreach (var l in latest)
        {
            w.StartRow();
            w.Write(l.Key, NpgsqlDbType.Varchar);
            w.Write(l.Value, NpgsqlDbType.Double);
            w.Write(l.Timestamp, NpgsqlDbType.Bigint);
            w.Write(l.Step, NpgsqlDbType.Bigint);
            w.Write(l.IsNan, NpgsqlDbType.Boolean);
            w.Write(l.RunUuid, NpgsqlDbType.Varchar);
            n++;
        }
        await w.CompleteAsync(ct);
        return n;
    }

    private async Task CopyRunTablesAsync(WorkloadModel model, System.Collections.Concurrent.ConcurrentDictionary<string, long> rows, CancellationToken ct)
    {
        var spec = model.Spec;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        // No workspace column: 2.x has none, and 3.x fills it with its default, 'default', as MLflow does outside workspaces.
        rows["experiments"] = await CopyAsync(conn, "experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)", w =>
        {
            // MLflow creates experiment 0, "Default", when it initialises the database.
            var origin = model.Experiments.Min(e => e.CreationTime) - WorkloadSpec.DayMs;
            Row(w, 0, "Default", "s3://mlflow-artifacts/0", "active", origin, origin);
            foreach (var e in model.Experiments)
            {
                Row(w, e.Id, e.Name, $"s3://mlflow-artifacts/{e.Id}", e.Deleted ? "deleted" : "active", e.CreationTime, e.LastUpdateTime);
            }
            return model.Experiments.Count + 1;
        }, ct);
        rows["experiment_tags"] = await CopyAsync(conn, "experiment_tags (key, value, experiment_id)", w =>
        {
            var n = 0;
            foreach (var e in model.Experiments)
            {
                Row(w, "team", e.Team, e.Id);
                Row(w, "project", e.Name.Split('/')[1], e.Id);
                n += 2;
                if (e.Id % 5 == 0) { Row(w, "mlflow.note.content", $"Experiments of the {e.Team} team; see the design doc for the baseline.", e.Id); n++; }
            }
            return n;
        }, ct);
        rows["datasets"] = await CopyAsync(conn, "datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)", w =>
        {
            var n = 0;
            foreach (var e in model.Experiments)
            {
                foreach (var d in e.Datasets)
                {
                    Row(w, d.Uuid, e.Id, d.Name, d.Digest, "s3", $"{{\"uri\": \"s3://datasets/{e.Team}/{d.Name}.parquet\"}}",
                        "{\"mlflow_colspec\": [{\"type\": \"double\", \"name\": \"x\"}, {\"type\": \"long\", \"name\": \"label\"}]}", "{\"num_rows\": 120000}");
                    n++;
                }
            }
            return n;
        }, ct);
        rows["runs"] = await CopyAsync(conn, "runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)", w =>
        {
            foreach (var e in model.Experiments)
            {
                foreach (var r in model.RunsOf(e))
                {
                    var d = RunContent.Describe(spec, e, r);
                    Row(w, r.Uuid, d.Name, d.SourceType, d.SourceName, "main", d.User, r.Status, r.StartTime, r.EndTime, d.GitCommit[..40],
                        r.Deleted ? "deleted" : "active", $"s3://mlflow-artifacts/{e.Id}/{r.Uuid}/artifacts", e.Id, r.DeletedTime);
                }
            }
            return model.Runs.Count;
        }, ct);
        rows["params"] = await CopyAsync(conn, "params (key, value, run_uuid)", w =>
        {
            var n = 0;
            foreach (var e in model.Experiments)
            {
                foreach (var r in model.RunsOf(e))
                {
                    foreach (var (k, v) in RunContent.Params(spec, e, r)) { Row(w, k, v, r.Uuid); n++; }
                }
            }
            return n;
        }, ct);
        rows["tags"] = await CopyAsync(conn, "tags (key, value, run_uuid)", w =>
        {
            var n = 0;
            foreach (var e in model.Experiments)
            {
                foreach (var r in model.RunsOf(e))
                {
                    foreach (var (k, v) in RunContent.Tags(spec, e, r, RunContent.Describe(spec, e, r))) { Row(w, k, v, r.Uuid); n++; }
                }
            }
            return n;
        }, ct);
        // A run of an experiment with datasets trained on one of them: an input row and its context tag.
        var inputs = model.Experiments.Where(e => e.Datasets.Length > 0)
            .SelectMany(e => model.RunsOf(e).Select(r =>
            {
                var rng = Rng.For(spec.Seed, "input", r.Index);
                return (Input: rng.Hex32(), Dataset: rng.Pick(e.Datasets), Run: r, Context: rng.Chance(0.8) ? "training" : "evaluation");
            })).ToArray();
        rows["inputs"] = await CopyAsync(conn, "inputs (input_uuid, source_type, source_id, destination_type, destination_id)", w =>
        {
            foreach (var i in inputs) Row(w, i.Input, "DATASET", i.Dataset.Uuid, "RUN", i.Run.Uuid);
            return inputs.Length;
        }, ct);
        rows["input_tags"] = await CopyAsync(conn, "input_tags (input_uuid, name, value)", w =>
        {
            foreach (var i in inputs) Row(w, i.Input, "mlflow.data.context", i.Context);
            return inputs.Length;
        }, ct);
    }

    /// <summary>
    /// Registered models whose versions point at finished runs of live experiments, with the
    /// usual stages; and one old version in the smallest idle experiment, which keeps that
    /// experiment out of the archive (its run still backs a registered model).
    /// </summary>
    private static async Task<int> InsertRegistryAsync(NpgsqlConnection conn, WorkloadModel model, CancellationToken ct)
    {
        var spec = model.Spec;
        var rng = Rng.For(spec.Seed, "registry", 0);
        var live = model.Experiments.Where(e => !e.Stale && !e.Deleted).ToArray();
        var versions = new List<(string Model, int Version, string Stage, string RunId, long Time)>();
        var models = Math.Max(2, model.Experiments.Count / 25);
        for (var m = 1; m <= models && live.Length > 0; m++)
        {
            var home = rng.Pick(live);
            var candidates = model.RunsOf(home).Where(r => r.Status == "FINISHED" && !r.Deleted).ToArray();
            if (candidates.Length == 0) continue;
            var count = 1 + rng.Next(5);
            for (var v = 1; v <= count; v++)
            {
                var run = rng.Pick(candidates);
                var stage = v == count ? "Production" : v == count - 1 ? "Staging" : "Archived";
                versions.Add(($"{home.Team}-{m}", v, stage, run.Uuid, run.EndTime ?? run.StartTime));
            }
        }
        var smallestIdle = model.Experiments.Where(e => e.Stale).OrderBy(e => e.RunCount).ThenBy(e => e.Id).FirstOrDefault();
        if (smallestIdle is not null)
        {
            var run = model.RunsOf(smallestIdle).First();
            versions.Add(("legacy-baseline", 1, "Archived", run.Uuid, run.StartTime));
        }
        var names = versions.Select(v => v.Model).ToArray();
        var times = versions.Select(v => v.Time).ToArray();
        await using (var registered = new NpgsqlCommand(
            """
            insert into registered_models (name, creation_time, last_updated_time, description)
            select distinct on (m) m, t, t, 'synthetic model ' || m from unnest($1::text[], $2::bigint[]) as x(m, t) order by m, t
            """, conn))
        {
            registered.Parameters.Add(new NpgsqlParameter { Value = names });
            registered.Parameters.Add(new NpgsqlParameter { Value = times });
            await registered.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand(
            """
            insert into model_versions (name, version, creation_time, last_updated_time, user_id, current_stage, source, run_id, status)
            select m, v, t, t, 'user01@example.com', s, 's3://mlflow-artifacts/models/' || m || '/' || v, r, 'READY'
            from unnest($1::text[], $3::int[], $4::text[], $5::text[], $2::bigint[]) as x(m, v, s, r, t)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = names });
        cmd.Parameters.Add(new NpgsqlParameter { Value = times });
        cmd.Parameters.Add(new NpgsqlParameter { Value = versions.Select(v => v.Version).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = versions.Select(v => v.Stage).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = versions.Select(v => v.RunId).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
        return versions.Count;
    }

    private static async Task<long> CopyAsync(NpgsqlConnection conn, string target, Func<NpgsqlBinaryImporter, long> write, CancellationToken ct)
    {
        await using var w = await conn.BeginBinaryImportAsync($"copy {target} from stdin (format binary)", ct);
        var n = write(w);
        await w.CompleteAsync(ct);
        return n;
    }

    /// <summary>One row; null (or a null long) is written as SQL NULL.</summary>
    private static void Row(NpgsqlBinaryImporter w, params object?[] values)
    {
        w.StartRow();
        foreach (var v in values)
        {
            switch (v)
            {
                case null: w.WriteNull(); break;
                case string s: w.Write(s, NpgsqlDbType.Varchar); break;
                case int i: w.Write(i, NpgsqlDbType.Integer); break;
                case long l: w.Write(l, NpgsqlDbType.Bigint); break;
                default: throw new ArgumentException($"unexpected column value of type {v.GetType()}");
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
