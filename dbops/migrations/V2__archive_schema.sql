-- The archive: experiments whose last activity is older than the window (dbops archive
-- --older-than 90d) move here with all their rows, out of the tables MLflow searches.
-- Each table has the columns of its live twin (a move is INSERT ... SELECT of the live
-- columns), keys where they are small, and an index to find an experiment's rows again.
-- archived_at says when a row moved. MLflow never reads this schema; analytics may.
create schema if not exists mlflow_archive;

create table mlflow_archive.experiments (like public.experiments, archived_at timestamptz not null default now());
alter table mlflow_archive.experiments add primary key (experiment_id);

create table mlflow_archive.experiment_tags (like public.experiment_tags);
alter table mlflow_archive.experiment_tags add primary key (experiment_id, key);

create table mlflow_archive.datasets (like public.datasets);
alter table mlflow_archive.datasets add primary key (experiment_id, name, digest);

create table mlflow_archive.runs (like public.runs, archived_at timestamptz not null default now());
alter table mlflow_archive.runs add primary key (run_uuid);
create index archive_runs_experiment_id on mlflow_archive.runs (experiment_id);

-- No key on metrics: it is by far the largest table, and a six-column key would double what
-- every archived row costs. A move is one statement (DELETE ... RETURNING into INSERT), so a
-- row cannot arrive twice.
create table mlflow_archive.metrics (like public.metrics);
create index archive_metrics_run_uuid on mlflow_archive.metrics (run_uuid);

create table mlflow_archive.latest_metrics (like public.latest_metrics);
alter table mlflow_archive.latest_metrics add primary key (run_uuid, key);

create table mlflow_archive.params (like public.params);
alter table mlflow_archive.params add primary key (run_uuid, key);

create table mlflow_archive.tags (like public.tags);
alter table mlflow_archive.tags add primary key (run_uuid, key);

create table mlflow_archive.inputs (like public.inputs);
-- MLflow's key, destination first: an archived run's inputs are found by it.
alter table mlflow_archive.inputs add primary key (destination_id, destination_type, source_type, source_id);

create table mlflow_archive.input_tags (like public.input_tags);
alter table mlflow_archive.input_tags add primary key (input_uuid, name);

grant usage on schema mlflow_archive to mlflow_analytics;
grant select on all tables in schema mlflow_archive to mlflow_analytics;
alter default privileges in schema mlflow_archive grant select on tables to mlflow_analytics;
