#!/usr/bin/env bash
# `make bench`: how long a full verification of the local setup takes, beside the same checks
# done the traditional way, with psql and redis-cli one command at a time (a new process and
# connection each, as a shell script would). Prints figures; asserts nothing.
#   RUNS=N   repetitions of each side (default 7); the median and the fastest are shown.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DBOPS="${DBOPS:-$ROOT/dbops/bin/Release/net10.0/dbops.dll}"
RUNS="${RUNS:-7}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -f "$DBOPS" ] || { echo "bench: $DBOPS not built (make bench builds it)" >&2; exit 2; }

dir="$(mktemp -d /tmp/dbops-bench.XXXXXX)"
trap '"$ROOT/scripts/local-stores.sh" stop "$dir"' EXIT
"$ROOT/scripts/local-stores.sh" start "$dir" >/dev/null
dotnet "$DBOPS" migrate --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" >/dev/null 2>&1
source "$dir/stores.env"

# Credentials for the baseline tools through files and the environment, never on a command line.
json() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$dir/contract.json" | head -1; }
export PGPASSFILE="$dir/pgpass"
( umask 077; echo "*:*:*:mlflow_admin:$(json password)" > "$PGPASSFILE" )
export REDISCLI_AUTH
REDISCLI_AUTH="$(json authToken)"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The baseline: every check of dbops verify as one psql or redis-cli command.
pg() { "$PG_BIN/psql" -X -At "host=$1 port=$PG_PORT dbname=mlflow user=mlflow_admin sslmode=verify-full sslrootcert=$dir/ca.pem" -c "$2" >/dev/null; }
pg_plain() { "$PG_BIN/psql" -X -At "host=$1 port=$PG_PORT dbname=mlflow user=mlflow_admin sslmode=disable" -c "select 1" >/dev/null 2>&1 && return 1 || return 0; }
rc() { redis-cli --tls --cacert "$dir/ca.pem" -h "$1" -p "$REDIS_PORT" "${@:2}" >/dev/null 2>&1; }
rc_plain() { env -u REDISCLI_AUTH redis-cli -h "$1" -p "$REDIS_PORT" ping >/dev/null 2>&1 || true; }
rc_noauth() { env -u REDISCLI_AUTH redis-cli --tls --cacert "$dir/ca.pem" -h "$1" -p "$REDIS_PORT" ping >/dev/null 2>&1; }

per_endpoint_sql=(
  "select ssl, version, cipher from pg_stat_ssl where pid = pg_backend_pid()"
  "select current_setting('server_version_num'), current_setting('server_version')"
  "select name, setting from pg_settings where name in ('log_min_duration_statement','shared_preload_libraries','ssl_min_protocol_version','rds.force_ssl')"
  "select pg_is_in_recovery()"
)
writer_sql=(
  "begin; select pg_current_xact_id(); rollback"
  "select to_regprocedure('aurora_replica_status()') is not null"
  "select count(*), current_setting('max_connections') from pg_stat_activity where backend_type = 'client backend'"
  "select pid from pg_stat_activity where backend_type = 'client backend' and xact_start < now() - interval '5 minutes'"
  "select pid, pg_blocking_pids(pid) from pg_stat_activity where wait_event_type = 'Lock'"
  "select datname, age(datfrozenxid) from pg_database order by 2 desc limit 1"
  "select indexrelid::regclass from pg_index where not indisvalid"
  "select c.relname, a.attname from pg_class c join pg_attribute a on a.attrelid = c.oid where c.relnamespace = 'public'::regnamespace and a.attnum > 0"
  "select version_num from alembic_version"
  "select experiment_id, count(*) from runs where lifecycle_stage = 'active' group by 1 order by 2 desc limit 1"
  "explain analyze select run_uuid from runs where experiment_id = 1 and lifecycle_stage = 'active' order by start_time desc, run_uuid limit 100"
  "explain analyze select r.run_uuid from runs r left join latest_metrics m on m.run_uuid = r.run_uuid and m.key = 'loss' where r.experiment_id = 1 and r.lifecycle_stage = 'active' and r.run_uuid in (select run_uuid from params where key = 'batch_size' and value = '64') order by m.value desc nulls last limit 100"
  "explain analyze select * from metrics where run_uuid = md5('run-1') and key = 'loss' order by step"
)

baseline() {
  local n=0
  for host in 127.0.0.1 127.0.0.2; do
    for sql in "${per_endpoint_sql[@]}"; do pg "$host" "$sql"; n=$((n + 1)); done
    pg_plain "$host"; n=$((n + 1))
  done
  for sql in "${writer_sql[@]}"; do pg 127.0.0.1 "$sql"; n=$((n + 1)); done
  rc_plain 127.0.0.1; rc_noauth 127.0.0.1 || true; n=$((n + 2))
  for host in 127.0.0.1 127.0.0.2; do
    for _ in 1 2 3 4 5; do rc "$host" ping; n=$((n + 1)); done
    rc "$host" info replication; n=$((n + 1))
  done
  echo "$n"
}

verify() { dotnet "$DBOPS" verify --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" --format json; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fastest() { sort -n | head -1; }

verify >/dev/null || { echo "bench: dbops verify does not pass on the local setup" >&2; exit 1; }
baseline >/dev/null

verify_ms=(); inproc_ms=(); base_ms=(); commands=0
for _ in $(seq 1 "$RUNS"); do
  t0=$(now_ms); out="$(verify)"; t1=$(now_ms)
  verify_ms+=($((t1 - t0)))
  inproc_ms+=("$(echo "$out" | sed -n 's/^  "durationMs": \([0-9.]*\),$/\1/p' | head -1 | cut -d. -f1)")
  t0=$(now_ms); commands=$(baseline); t1=$(now_ms)
  base_ms+=($((t1 - t0)))
done
checks="$(verify | grep -c '"check":')"

v_med=$(printf '%s\n' "${verify_ms[@]}" | median); v_min=$(printf '%s\n' "${verify_ms[@]}" | fastest)
i_med=$(printf '%s\n' "${inproc_ms[@]}" | median)
b_med=$(printf '%s\n' "${base_ms[@]}" | median); b_min=$(printf '%s\n' "${base_ms[@]}" | fastest)

echo "Full verification of the local setup (PostgreSQL writer + replica, Redis primary + replica, TLS), $RUNS runs each, $(nproc) cores:"
printf '  %-58s %8s %8s\n' "" "median" "fastest"
printf '  %-58s %6s ms %6s ms\n' "dbops verify ($checks checks, concurrent, whole process)" "$v_med" "$v_min"
printf '  %-58s %6s ms\n' "  of which the checks themselves (the run's own clock)" "$i_med"
printf '  %-58s %6s ms %6s ms\n' "psql + redis-cli, one command at a time ($commands commands)" "$b_med" "$b_min"
awk -v v="$v_med" -v b="$b_med" 'BEGIN { printf "  dbops verify takes %.2f of the baseline'"'"'s time; target: under 1000 ms wall-clock -> %s\n", v / b, (v < 1000 ? "met" : "NOT met") }'
