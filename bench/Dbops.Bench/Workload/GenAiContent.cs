using Npgsql;

namespace Dbops.Bench.Workload;

/// <summary>
/// What MLflow 2.14+ keeps beside runs, for the releases whose schema has it: traces (trace_info with
/// tags and request metadata naming the source run), on 3.x their spans and assessments, logged models
/// with params, tags and metrics, the RUN_OUTPUT inputs that link a run to the model it logged, and
/// entity associations (trace to run, evaluation dataset to experiment). Written with SQL from the
/// experiments and runs already loaded, so the rows follow from the seed as the rest do, and only into
/// the tables the schema has: 2.17.2 gets traces alone. Every trace and model belongs to an experiment
/// and one of its runs, within the run's time, so an idle experiment's traces are as old as its runs.
/// Entity types are MLflow's EntityAssociationType values ("trace", "run", "evaluation_dataset",
/// "experiment", in mlflow/entities/entity_type.py); the logged model status integer is not checked
/// against MLflow's enum here.
/// </summary>
public static class GenAiContent
{
    /// <summary>The tables this fills, in the order it fills them (parents first).</summary>
    public static readonly string[] Tables =
    [
        "trace_info", "trace_tags", "trace_request_metadata", "spans", "assessments",
        "logged_models", "logged_model_params", "logged_model_tags", "logged_model_metrics",
        "evaluation_datasets", "entity_associations",
    ];

    public const int TracesPerExperiment = 3;

    public static async Task<Dictionary<string, long>> FillAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("select relname::text from pg_class where relnamespace = current_schema()::regnamespace and relkind = 'r' and relname = any($1)", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Tables.Append("inputs").ToArray() });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) present.Add(r.GetString(0));
        }
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!present.Contains("trace_info")) return rows;

        // Each experiment's traces, each on one of its runs (the n-th by id), timed just after the run started.
        // The n-th run comes from one numbering pass over runs: a lateral "offset n - 1 limit 1" per experiment
        // read all of runs each time (MLflow has no index on runs.experiment_id) and passed the 10-minute
        // statement timeout at 1 M runs.
        await ExecuteAsync(conn,
            $"""
            create temp table workload_traces as
            select 'tr-' || md5('trace-' || e.experiment_id || '-' || n) as request_id, e.experiment_id, n,
                   coalesce(r.start_time, e.creation_time) + n * 1000 as ts, 40 + (hashtext(e.experiment_id || '-' || n) & 1023) as took, r.run_uuid
            from experiments e
            cross join generate_series(1, {TracesPerExperiment}) as n
            left join (
                select run_uuid, start_time, experiment_id, row_number() over (partition by experiment_id order by run_uuid) as k
                from runs) r on r.experiment_id = e.experiment_id and r.k = n
            where e.experiment_id <> 0
            """, ct);
        rows["trace_info"] = await CountAsync(conn, "insert into trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) select request_id, experiment_id, ts, took, case when n = 3 then 'ERROR' else 'OK' end from workload_traces", ct);
        rows["trace_tags"] = await CountAsync(conn, "insert into trace_tags (key, value, request_id) select 'mlflow.traceName', 'predict', request_id from workload_traces", ct);
        rows["trace_request_metadata"] = await CountAsync(conn,
            "insert into trace_request_metadata (key, value, request_id) select 'mlflow.sourceRun', run_uuid, request_id from workload_traces where run_uuid is not null", ct);
        if (present.Contains("spans"))
        {
            rows["spans"] = await CountAsync(conn,
                """
                insert into spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
                select request_id, experiment_id, left(md5(request_id || '-root'), 16), null, 'predict', 'CHAIN', 'OK', ts * 1000000, (ts + took) * 1000000, '{"inputs": {"question": "..."}}'
                from workload_traces
                union all
                select request_id, experiment_id, left(md5(request_id || '-llm'), 16), left(md5(request_id || '-root'), 16), 'chat', 'LLM', 'OK', ts * 1000000 + 1000, (ts + took) * 1000000 - 1000, '{"model": "gpt"}'
                from workload_traces
                """, ct);
        }
        if (present.Contains("assessments"))
        {
            rows["assessments"] = await CountAsync(conn,
                """
                insert into assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, last_updated_timestamp, source_type, source_id, run_id, valid)
                select 'a-' || md5('assessment-' || request_id), request_id, 'relevance', 'feedback', '0.8', ts + took + 5000, ts + took + 5000, 'LLM_JUDGE', 'judge', run_uuid, true
                from workload_traces
                """, ct);
        }
        if (present.Contains("logged_models"))
        {
            // One model per experiment that has runs, logged by its first run.
            await ExecuteAsync(conn,
                """
                create temp table workload_models as
                select 'm-' || md5('model-' || e.experiment_id) as model_id, e.experiment_id, r.run_uuid, r.start_time as t0, coalesce(r.end_time, r.start_time) as t1
                from experiments e
                join lateral (select run_uuid, start_time, end_time from runs where experiment_id = e.experiment_id order by run_uuid limit 1) r on true
                where e.experiment_id <> 0
                """, ct);
            rows["logged_models"] = await CountAsync(conn,
                """
                insert into logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id)
                select model_id, experiment_id, 'agent-' || experiment_id, 's3://mlflow-artifacts/' || experiment_id || '/models/' || model_id || '/artifacts', t0, t1, 2, 'active', 'agent', run_uuid
                from workload_models
                """, ct);
            rows["logged_model_params"] = await CountAsync(conn, "insert into logged_model_params (model_id, experiment_id, param_key, param_value) select model_id, experiment_id, 'temperature', '0.2' from workload_models", ct);
            rows["logged_model_tags"] = await CountAsync(conn, "insert into logged_model_tags (model_id, experiment_id, tag_key, tag_value) select model_id, experiment_id, 'mlflow.user', 'user01@example.com' from workload_models", ct);
            rows["logged_model_metrics"] = await CountAsync(conn,
                """
                insert into logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, experiment_id, run_id)
                select model_id, 'accuracy', t1, 0, 0.5 + (hashtext(model_id) & 255) / 1024.0, experiment_id, run_uuid from workload_models
                """, ct);
            // The run's output: an inputs row whose source is the run (MLflow 3's log_outputs), beside the DATASET -> RUN ones.
            rows["inputs (RUN_OUTPUT)"] = await CountAsync(conn,
                """
                insert into inputs (input_uuid, source_type, source_id, destination_type, destination_id)
                select left(md5('output-' || model_id), 32), 'RUN_OUTPUT', run_uuid, 'MODEL_OUTPUT', model_id from workload_models
                """, ct);
            await ExecuteAsync(conn, "drop table workload_models", ct);
        }
        if (present.Contains("evaluation_datasets"))
        {
            rows["evaluation_datasets"] = await CountAsync(conn,
                """
                insert into evaluation_datasets (dataset_id, name, digest, created_time, last_update_time, created_by)
                select 'd-' || md5('evaluation-' || experiment_id), 'eval-' || experiment_id, left(md5('digest-' || experiment_id), 16), creation_time, creation_time, 'user01@example.com'
                from experiments where experiment_id <> 0 and experiment_id % 3 = 0
                """, ct);
        }
        if (present.Contains("entity_associations"))
        {
            var datasets = present.Contains("evaluation_datasets")
                ? "union all select left(md5('assoc-' || dataset_id), 32), 'evaluation_dataset', dataset_id, 'experiment', substr(name, 6), created_time from evaluation_datasets"
                : "";
            rows["entity_associations"] = await CountAsync(conn,
                $"""
                insert into entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
                select left(md5('assoc-' || request_id), 32), 'trace', request_id, 'run', run_uuid, ts from workload_traces where run_uuid is not null
                {datasets}
                """, ct);
        }
        await ExecuteAsync(conn, "drop table workload_traces", ct);
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> CountAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
