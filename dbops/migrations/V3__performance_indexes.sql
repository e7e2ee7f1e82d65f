-- dbops:no-transaction
-- Indexes MLflow's common queries need and MLflow does not create, chosen by measuring
-- (make bench-db: 100 K runs, 10 M metric rows; figures in the README). Built CONCURRENTLY,
-- so MLflow keeps reading and writing while they build; an interrupted build is dropped and
-- started again by the next dbops migrate.
--
-- Search runs (the experiment page): active runs of an experiment, newest first, 100 a page.
-- Without it every search reads the whole runs table. The key order matches MLflow's ORDER BY
-- (start_time DESC, run_uuid), so a page is the first 100 entries, and the page ordered by a
-- metric or filtered by a param or tag walks the experiment's runs in order. It is also the
-- index the runs -> experiments foreign key lacks (deleting or archiving an experiment).
create index concurrently if not exists platform_runs_experiment_stage_start
    on runs (experiment_id, lifecycle_stage, start_time desc, run_uuid);

-- Search runs ordered by a metric joins each run's latest value of that metric: with value and
-- is_nan in the index the join reads the index alone (the p95 on the biggest experiments fell
-- by a third). Its price: an update of a latest value can no longer be HOT.
create index concurrently if not exists platform_latest_metrics_key_run
    on latest_metrics (key, run_uuid) include (value, is_nan);

-- Search runs filtered by a param or tag value (params.optimizer = 'adam', tags.mlflow.user = ...):
-- a selective value finds its few runs directly instead of walking the experiment's runs one by
-- one (the p95 fell by a quarter). Hash, not B-tree: MLflow allows values up to 6000
-- characters and a B-tree entry may not exceed 2704 bytes, so a B-tree on the value would make
-- logging a long param fail. A hash index stores a 4-byte hash of any length of value.
create index concurrently if not exists platform_params_value on params using hash (value);
create index concurrently if not exists platform_tags_value on tags using hash (value);

-- The best value of a metric over all runs and steps (the seed's "best accuracy"): a read of
-- the index's end instead of every row of the key (about 0.2 s at 10 M rows). The largest
-- platform index (about 35 bytes per metric row), and one more entry per logged metric.
create index concurrently if not exists platform_metrics_key_value
    on metrics (key, value);

-- Measured and left out:
--  * runs (start_time): serves "latest runs of all experiments", but the planner then walks
--    every run in time order to find one experiment's, which made filtered searches slower.
--  * a B-tree on params/tags (key, value): see the hash indexes above.
--  * experiment_tags (experiment_id): a few rows per experiment; no query got faster.
--  * MLflow's index_metrics_run_uuid is a prefix of its index_metrics_run_uuid_key_step and
--    could go (dbops report shows it); it is MLflow's, left to MLflow's migrations.
