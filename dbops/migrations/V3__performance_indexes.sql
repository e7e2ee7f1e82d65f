-- dbops:no-transaction
-- dbops:valid-checksum df6837542827855d1999590b3455ae377f9ad365506f87ff49f361f64c8a9bc8 the text up to 2026-12-02, with hash indexes on params.value and tags.value (V7 drops them)
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

-- Search runs filtered by a param or tag value: no index on the value. This file created hash
-- indexes on params.value and tags.value until 2026-12-02; databases that applied that text keep it
-- as applied (the valid-checksum line above) and V7 drops the two indexes. Why they went: a hash
-- index keeps every entry of a value in one bucket's chain of overflow pages and an insert walks
-- that chain (src/backend/access/hash/hashinsert.c, _hash_doinsert), so its build grows with the
-- square of a value's duplicates, and MLflow's param values are heavily duplicated: at 1 M runs
-- the params build passed dbops' 10-minute timeout (docs/benchmarks/2026-12-02-bench-db-5.md),
-- and each logged param of a common value paid the same walk. With the planner parameters of the
-- cluster parameter group the filter walks the experiment's runs through the index above instead,
-- at the price of a p95 of 48-56 ms against 40-42 ms with them at 100 K runs, within a spread
-- nearly as wide (docs/benchmarks/2026-12-02-bench-db-6.md).

-- The best value of a metric over all runs and steps (the seed's "best accuracy"): a read of
-- the index's end instead of every row of the key (about 0.2 s at 10 M rows). The largest
-- platform index (about 35 bytes per metric row), and one more entry per logged metric.
create index concurrently if not exists platform_metrics_key_value
    on metrics (key, value);

-- Measured and left out:
--  * runs (start_time): left out here (filtered searches walked every run in time order); measured
--    again with MLflow's real statements, V6 builds it.
--  * a B-tree on params/tags (key, value) or value: MLflow allows param values up to 6000 characters
--    and tag values up to 8000, and a B-tree entry may not exceed 2704 bytes, so logging a long value
--    would fail.
--  * hash indexes on params.value, tags.value: built here until 2026-12-02, see above.
--  * experiment_tags (experiment_id): a few rows per experiment; no query got faster.
--  * MLflow's index_metrics_run_uuid is a prefix of its index_metrics_run_uuid_key_step and
--    could go (dbops report shows it); it is MLflow's, left to MLflow's migrations.
