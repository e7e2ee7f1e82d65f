-- mlflow_app reads alembic_version and never writes it (issue 15, defect 8). The tracking server
-- only compares the revision there with its own at start; the one writer of alembic_version is
-- MLflow's schema upgrade (mlflow db upgrade), which runs as the owner. V1 granted mlflow_app
-- INSERT, UPDATE and DELETE on every table, alembic_version among them: a compromised or buggy
-- server could rewrite the recorded revision, and the next upgrade would skip or repeat steps.
-- dbops migrate runs only once MLflow has created its schema, so the table exists here. A later
-- MLflow upgrade alters the table's rows, not the table, so these grants stay as they are.
revoke insert, update, delete, truncate on alembic_version from mlflow_app;
grant select on alembic_version to mlflow_app;
