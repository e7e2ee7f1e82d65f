#!/usr/bin/env bash
# `make bench-db`: the database benchmarks of dbops. On a PostgreSQL started for the purpose
# (TLS-only, loopback, scripts/local-stores.sh), for each scale: a fresh database with a real
# MLflow release's schema (tests/fixtures/mlflow/$MLFLOW_RELEASE; its indexes are the "MLflow's
# indexes" baseline, and dbops-bench run refuses a baseline that is not exactly the release's), filled by the synthetic workload (dbops-bench generate), then
# dbops-bench run: every query shape (MLflow's search calls as its store sends them, with their
# follow-up statements) with MLflow's indexes, the platform's migrations (each index build timed),
# every shape again, then with the platform's settings (the parameter group's planner parameters
# and mlflow_app's role settings), and the archival of the 90-day window. Prints Markdown
# tables (progress goes to stderr); asserts nothing. Everything is removed afterwards.
#   SCALES="runs:metric_rows ..."   default "10000:1000000 100000:10000000"
#   SEED=n ITERATIONS=n             workload seed (42) and executions per shape (200)
#   MLFLOW_RELEASE=x                the release's schema (default 3.11.1, the newest release the facts hold)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH="${BENCH:-$ROOT/bench/Dbops.Bench/bin/Release/net10.0/dbops-bench.dll}"
SCALES="${SCALES:-10000:1000000 100000:10000000}"
SEED="${SEED:-42}"
ITERATIONS="${ITERATIONS:-200}"
MLFLOW_RELEASE="${MLFLOW_RELEASE:-3.11.1}"
SCHEMA="$ROOT/tests/fixtures/mlflow/$MLFLOW_RELEASE/schema.sql"
[ -f "$SCHEMA" ] || { echo "bench-db: no fixture $SCHEMA" >&2; exit 2; }
[ -f "$BENCH" ] || { echo "bench-db: $BENCH not built (make bench-db builds it)" >&2; exit 2; }

# The cluster parameter group's planner parameters, from the one place the program declares them.
PARAMETER_GROUP="$(cd "$ROOT" && node_modules/.bin/tsx -e 'import { PLANNER_PARAMETERS } from "./infra/components/plannerParameters"; console.log(Object.entries(PLANNER_PARAMETERS).map(([k, v]) => `${k}=${v}`).join(","))')"

dir="$(mktemp -d /tmp/dbops-bench-db.XXXXXX)"
trap '"$ROOT/scripts/local-stores.sh" stop "$dir"' EXIT
export LOCAL_STORES=postgres LOCAL_STORES_SEED=none LOCAL_STORES_MLFLOW="$MLFLOW_RELEASE"
PG_CONF_EXTRA="$(cat "$ROOT/scripts/bench-postgres.conf")"
export PG_CONF_EXTRA
"$ROOT/scripts/local-stores.sh" start "$dir" >&2
source "$dir/stores.env"
psql_as() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_WRITER" -p "$PG_PORT" -U "$1" -d "$2" "${@:3}"; }

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo "## dbops database benchmarks"
echo
echo "Machine: $(nproc) cores ($cpu), $mem RAM, $(. /etc/os-release && echo "$PRETTY_NAME"); PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on loopback with TLS, shared_buffers 2GB, other settings default; .NET $(dotnet --version). Workload seed $SEED."
echo

for scale in $SCALES; do
  runs="${scale%%:*}"
  metrics="${scale##*:}"
  db="bench_${runs}"
  psql_as postgres postgres -c "create database $db owner mlflow_admin"
  psql_as mlflow_admin "$db" < "$SCHEMA" >/dev/null
  contract="$dir/$db.json"
  ( umask 077; sed "s/\"database\": \"mlflow\"/\"database\": \"$db\"/" "$dir/contract.json" > "$contract" )
  label="$(numfmt --to=si "$runs" | sed 's/k$/K/') runs"
  echo "bench-db: $label: generating the workload" >&2
  # Peak memory as the kernel counts it (GNU time's maximum resident set, KiB), of the whole process:
  # the generator, and the run, in which the queries, dbops' migrations and dbops' archiver execute.
  generated="$(/usr/bin/time -o "$dir/generate.time" -f %M dotnet "$BENCH" generate --outputs "$contract" --ca-bundle "$dir/ca.pem" --runs "$runs" --metric-rows "$metrics" --seed "$SEED")"
  /usr/bin/time -o "$dir/run.time" -f %M dotnet "$BENCH" run --outputs "$contract" --ca-bundle "$dir/ca.pem" --label "$label" --iterations "$ITERATIONS" --parameter-group "$PARAMETER_GROUP"
  echo "Workload: $generated."
  echo
  echo "Peak memory (maximum resident set, GNU time): generator $(( $(tail -1 "$dir/generate.time") / 1024 )) MiB; the run (queries, dbops' migrations and archival, one process) $(( $(tail -1 "$dir/run.time") / 1024 )) MiB; PostgreSQL's own not counted."
  echo
  psql_as postgres postgres -c "drop database $db"
done
