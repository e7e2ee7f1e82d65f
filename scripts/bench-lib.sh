# Sourced by the database benchmarks that work on one generated, migrated copy of the workload
# (scripts/bench-archive.sh, scripts/bench-index-floor.sh): building dbops and dbops-bench into the
# benchmark's directory, starting bench-db.sh's PostgreSQL (scripts/local-stores.sh with
# scripts/bench-postgres.conf), a contract per database, and the generated, migrated database.
# Expects ROOT (the repository) and BENCH_DIR (the benchmark's temporary directory, mode 755: the
# servers run as their own user under it) to be set. Defines functions only.

# One build of dbops, Release, from its own sources: a revision is exported with git archive (the
# repository's worktrees are left alone), "worktree" is this tree as it is.
bench_build_dbops() {
  local rev="$1" out="$2" src
  if [ "$rev" = worktree ]; then
    src="$ROOT"
  else
    src="$BENCH_DIR/src-$(basename "$out")"
    mkdir -p "$src"
    git -C "$ROOT" archive "$rev" dbops | tar -x -C "$src"
  fi
  echo "bench: building dbops ($rev) into $out" >&2
  dotnet build -c Release -nologo -v q "$src/dbops/Dbops.csproj" -o "$out" >&2
}

# dbops-bench of this tree (the workload generator), into $BENCH_DIR/bench; sets BENCH.
bench_build_generator() {
  BENCH="$BENCH_DIR/bench/dbops-bench.dll"
  echo "bench: building dbops-bench (this tree) for the generator" >&2
  dotnet build -c Release -nologo -v q "$ROOT/bench/Dbops.Bench/Dbops.Bench.csproj" -o "$BENCH_DIR/bench" >&2
}

# The writer only, with bench-db.sh's postgresql.conf lines and any given here ($1), under
# $BENCH_DIR/stores; sources its stores.env (PG_BIN, PG_PORT, PG_SOCKET_WRITER, ...). The caller's
# EXIT trap stops it: "$ROOT/scripts/local-stores.sh" stop "$BENCH_DIR/stores".
bench_start_postgres() {
  export LOCAL_STORES=postgres LOCAL_STORES_SEED=none LOCAL_STORES_MLFLOW="$MLFLOW_RELEASE"
  PG_CONF_EXTRA="$(cat "$ROOT/scripts/bench-postgres.conf")
${1:-}"
  export PG_CONF_EXTRA
  "$ROOT/scripts/local-stores.sh" start "$BENCH_DIR/stores" >&2
  # shellcheck disable=SC1091
  source "$BENCH_DIR/stores/stores.env"
}

psql_as() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_WRITER" -p "$PG_PORT" -U "$1" -d "$2" "${@:3}"; }

# The contract of database $1 (local-stores' contract with its database name), 0600; prints its path.
contract_for() { ( umask 077; sed "s/\"database\": \"mlflow\"/\"database\": \"$1\"/" "$BENCH_DIR/stores/contract.json" > "$BENCH_DIR/$1.json" ); echo "$BENCH_DIR/$1.json"; }

# Database $1 with MLflow's schema ($SCHEMA), filled by dbops-bench generate ($2 runs, $3 metric rows,
# seed $4), migrated by the dbops at $5 (a dbops.dll), statistics and visibility settled. Sets GENERATED
# to the generator's summary line.
bench_generated_database() {
  local db="$1" runs="$2" metrics="$3" seed="$4" dbops="$5"
  psql_as postgres postgres -c "create database $db owner mlflow_admin"
  psql_as postgres "$db" -c "create extension if not exists pg_stat_statements"
  psql_as mlflow_admin "$db" < "$SCHEMA" >/dev/null
  echo "bench: generating $runs runs, $metrics metric rows" >&2
  GENERATED="$(dotnet "$BENCH" generate --outputs "$(contract_for "$db")" --ca-bundle "$BENCH_DIR/stores/ca.pem" --runs "$runs" --metric-rows "$metrics" --seed "$seed")"
  # The platform's migrations, as a deployed database has them.
  dotnet "$dbops" migrate --outputs "$BENCH_DIR/$db.json" --ca-bundle "$BENCH_DIR/stores/ca.pem" >&2
  psql_as postgres "$db" -c "vacuum analyze"
}
