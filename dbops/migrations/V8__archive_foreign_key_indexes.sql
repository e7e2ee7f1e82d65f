-- dbops:no-transaction
-- dbops:if-table-exists
-- Indexes on the referencing side of MLflow's foreign keys that dbops archive deletes through.
-- PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique) and never
-- the referencing side: its documentation notes that deleting a referenced row scans the referencing
-- table for matches, recommends indexing the referencing columns for that reason, and says the
-- constraint does not create that index (https://www.postgresql.org/docs/16/ddl-constraints.html#DDL-CONSTRAINTS-FK).
-- Without it every deleted parent row is one sequential scan of the referencing table, inside the batch's
-- transaction, whatever the key's ON DELETE (NO ACTION checks for rows, CASCADE deletes them).
--
-- The logged-model tables came with MLflow 3 (2.17.2 has none of them): this file's header line
-- dbops:if-table-exists makes dbops migrate skip an index whose table does not exist, build it on
-- the first run after MLflow's upgrade has created the table, and makes dbops verify expect it only
-- where the table exists.
--
-- Found with a catalog query on the fixtures of MLflow 2.17.2, 3.11.1 and 3.11.2.dev0 (tests/fixtures/mlflow/;
-- the query is MigrateTests.UnindexedForeignKeys, which also asserts what this file leaves): foreign keys into runs, experiments, trace_info and
-- logged_models whose columns lead no index.
--
-- Per deleted run (a batch of 1000 runs is 1000 scans): logged_model_metrics.run_id (ON DELETE
-- CASCADE), the only one. On the benchmark's 100 K runs, with only 500 rows in the table, a 1000-run
-- batch's delete from runs took 156-220 ms without it and 117-133 ms with it, and the whole move (median
-- of 4) 24.2 s against 22.0 s (docs/benchmarks/2026-12-03-bench-archive.md); the scans grow with the table, which
-- holds every step of every metric logged for a logged model.
create index concurrently if not exists platform_logged_model_metrics_run_id
    on logged_model_metrics (run_id);

-- Per deleted experiment: the logged-model tables, which grow with the models an experiment's runs
-- log, their params, tags and every step of their metrics. Each deleted experiment scans each of them.
-- The price of all five: one more index entry for each such row MLflow writes, and their build,
-- CONCURRENTLY, at dbops migrate (0.03 s on the benchmark's database, whose tables hold 500 rows each).
create index concurrently if not exists platform_logged_model_metrics_experiment_id
    on logged_model_metrics (experiment_id);
create index concurrently if not exists platform_logged_model_params_experiment_id
    on logged_model_params (experiment_id);
create index concurrently if not exists platform_logged_model_tags_experiment_id
    on logged_model_tags (experiment_id);
create index concurrently if not exists platform_logged_models_experiment_id
    on logged_models (experiment_id);

-- Found and left without an index:
--  * runs.experiment_id: V3's platform_runs_experiment_stage_start leads with it.
--  * experiment_tags.experiment_id (its key is (key, experiment_id)): a few rows per experiment;
--    V3 measured no query faster with it, and a scan per deleted experiment reads a table of a few
--    rows per experiment.
--  * endpoints.experiment_id (ON DELETE SET NULL) and online_scoring_configs.experiment_id:
--    configuration, a handful of rows per workspace or scorer; an experiment an endpoint points at
--    is never archived (dbops/README.md, dbops archive), but each deleted experiment still scans
--    the table, which is small.
--  * Into trace_info and logged_models every foreign key is indexed by MLflow (assessments, spans,
--    trace_metrics, trace_request_metadata, trace_tags; logged_model_metrics, _params, _tags by
--    model_id), and issues.source_run_id too.
