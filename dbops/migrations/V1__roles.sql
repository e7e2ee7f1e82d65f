-- Least-privilege roles for the MLflow database.
--
-- mlflow_app        what the MLflow tracking server needs at run time: read and write rows of
--                   MLflow's tables. Not the owner of any of them, so it cannot drop, alter or
--                   truncate them, and it cannot create objects in the schema. MLflow's own
--                   schema upgrades (mlflow db upgrade) run as the owner, not as this role.
-- mlflow_analytics  read-only: SELECT on MLflow's tables and on the archive (V2).
--
-- Both are group roles (NOLOGIN): the login users that MLflow and analysts connect as (IAM
-- authentication, or passwords kept in Secrets Manager) are made members of them, so no
-- credential lives in a migration. Roles belong to the cluster, not the database: created
-- only where missing, so the migration applies to a second database of the same cluster.
do $$
begin
    if not exists (select from pg_roles where rolname = 'mlflow_app') then
        create role mlflow_app nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'mlflow_analytics') then
        create role mlflow_analytics nologin;
    end if;
    execute format('grant connect on database %I to mlflow_app, mlflow_analytics', current_database());
end
$$;

-- Databases created from an old template still let everyone create objects in public.
revoke create on schema public from public;
grant usage on schema public to mlflow_app, mlflow_analytics;

grant select, insert, update, delete on all tables in schema public to mlflow_app;
-- experiments.experiment_id is a serial: creating an experiment takes a value from its sequence.
grant usage, select on all sequences in schema public to mlflow_app;
grant select on all tables in schema public to mlflow_analytics;

-- Tables MLflow's later upgrades create (as this same owner) get the same grants.
alter default privileges in schema public grant select, insert, update, delete on tables to mlflow_app;
alter default privileges in schema public grant usage, select on sequences to mlflow_app;
alter default privileges in schema public grant select on tables to mlflow_analytics;
