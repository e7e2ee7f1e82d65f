#!/usr/bin/env bash
# `make bench`: how long a full verification of the local setup takes, beside the same checks
# done the traditional way, with psql and redis-cli one command at a time (a new process and
# connection each, as a shell script would). Every build of dbops is timed in the same run, the
# rounds interleaved so that a change in the machine's load falls on all of them alike:
#   jit       the framework-dependent JIT build (`make dbops`, what `make test` runs)
#   r2r       ReadyToRun, framework-dependent (`make dbops-r2r`), with tiered compilation as is
#   r2r-tc0   the same files with DOTNET_TieredCompilation=0
#   aot       Native AOT, what `make install` and the image ship (`make dbops-publish`)
# Prints figures; asserts nothing (a build whose checks differ from the JIT build's is reported).
#   RUNS=N      rounds (default 7); the median and the fastest wall-clock time are shown
#   TIMINGS=1   also one run of each build with DBOPS_TIMINGS=1: where its time goes
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JIT_DLL="${DBOPS:-$ROOT/dbops/bin/Release/net10.0/dbops.dll}"
R2R="${DBOPS_R2R:-$ROOT/out/bench/r2r/dbops}"
AOT="${DBOPS_AOT:-$ROOT/out/dbops-publish/dbops}"
RUNS="${RUNS:-7}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -f "$JIT_DLL" ] || { echo "bench: $JIT_DLL not built (make bench builds it)" >&2; exit 2; }

# name | what it is | command (the environment first where it sets some)
variants=(
  "jit|JIT, framework-dependent (make dbops; make test's build)|dotnet $JIT_DLL"
  "r2r|ReadyToRun, framework-dependent|$R2R"
  "r2r-tc0|ReadyToRun, TieredCompilation=0|env DOTNET_TieredCompilation=0 $R2R"
  "aot|Native AOT (make install's build, shipped)|$AOT"
)
shipped=aot
built=()
for v in "${variants[@]}"; do
  IFS='|' read -r name _ cmd <<<"$v"
  exe="${cmd##* }"
  if [ -e "$exe" ]; then built+=("$v"); else echo "bench: $name: $exe not built, left out (make bench builds it)" >&2; fi
done

load_before="$(uptime | sed 's/.*load average: //')"
dir="$(mktemp -d /tmp/dbops-bench.XXXXXX)"
trap '"$ROOT/scripts/local-stores.sh" stop "$dir"' EXIT
"$ROOT/scripts/local-stores.sh" start "$dir" >/dev/null
dotnet "$JIT_DLL" migrate --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" >/dev/null 2>&1
source "$dir/stores.env"

# Credentials for the baseline tools through files and the environment, never on a command line.
json() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$dir/contract.json" | head -1; }
export PGPASSFILE="$dir/pgpass"
( umask 077; echo "*:*:*:mlflow_admin:$(json password)" > "$PGPASSFILE" )
export REDISCLI_AUTH
REDISCLI_AUTH="$(json authToken)"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# CPU time (user + system) of this shell's finished children so far, in ms, into the variable named
# $1. `times` must run in this shell itself: called as $(children_cpu_ms) it ran in a subshell, whose
# own children start from zero (why the column read 0 before). A child's figure includes the
# processes it waited for (getrusage RUSAGE_CHILDREN), so a $(...) around verify or the baseline counts.
children_cpu_ms() {
  times > "$dir/times"
  printf -v "$1" '%s' "$(tail -1 "$dir/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')"
}

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

# shellcheck disable=SC2086 # the command is words on purpose (env VAR=... exe)
verify() { $1 verify --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" --format json; }
# Each check's id and status, one a line: what must not depend on the build.
outcomes() { sed -n 's/^      "check": "\(.*\)",$/\1/p; s/^      "status": "\(.*\)",$/\1/p' | paste - -; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fastest() { sort -n | head -1; }

declare -A wall cpu inproc same
for v in "${built[@]}"; do
  IFS='|' read -r name _ cmd <<<"$v"
  out="$(verify "$cmd")" || { echo "bench: dbops verify ($name) does not pass on the local setup" >&2; exit 1; }
  echo "$out" | outcomes > "$dir/outcomes.$name"
  if cmp -s "$dir/outcomes.jit" "$dir/outcomes.$name"; then same[$name]=yes; else same[$name]=no; fi
done
baseline >/dev/null

base_wall=(); base_cpu=(); commands=0
for _ in $(seq 1 "$RUNS"); do
  for v in "${built[@]}"; do
    IFS='|' read -r name _ cmd <<<"$v"
    children_cpu_ms c0; t0=$(now_ms); out="$(verify "$cmd")"; t1=$(now_ms); children_cpu_ms c1
    wall[$name]+="$((t1 - t0)) "; cpu[$name]+="$((c1 - c0)) "
    inproc[$name]+="$(echo "$out" | sed -n 's/^  "durationMs": \([0-9.]*\),$/\1/p' | head -1 | cut -d. -f1) "
  done
  children_cpu_ms c0; t0=$(now_ms); commands=$(baseline); t1=$(now_ms); children_cpu_ms c1
  base_wall+=($((t1 - t0))); base_cpu+=($((c1 - c0)))
done
checks="$(wc -l < "$dir/outcomes.jit")"
load_after="$(uptime | sed 's/.*load average: //')"

b_med=$(printf '%s\n' "${base_wall[@]}" | median); b_min=$(printf '%s\n' "${base_wall[@]}" | fastest)
b_cpu=$(printf '%s\n' "${base_cpu[@]}" | median)
stat() { tr ' ' '\n' <<<"$1" | grep . | "$2"; }

echo "Full verification of the local setup (PostgreSQL writer + replica, Redis primary + replica, TLS), $RUNS rounds, interleaved;"
echo "$(nproc) cores; load average before: $load_before; after: $load_after"
printf '  %-62s %9s %9s %9s %9s %10s\n' "" "median" "fastest" "CPU" "checks" "script /"
printf '  %-62s %9s %9s %9s %9s %10s\n' "" "wall" "wall" "median" "median" "this"
printf '  %-62s %6s ms %6s ms %6s ms %9s %10s\n' "psql + redis-cli, one command at a time ($commands commands)" "$b_med" "$b_min" "$b_cpu" "" "1.00"
for v in "${built[@]}"; do
  IFS='|' read -r name what _ <<<"$v"
  m=$(stat "${wall[$name]}" median); f=$(stat "${wall[$name]}" fastest)
  c=$(stat "${cpu[$name]}" median); i=$(stat "${inproc[$name]}" median)
  printf '  %-62s %6s ms %6s ms %6s ms %6s ms %10s\n' "dbops verify, $what" "$m" "$f" "$c" "$i" "$(awk -v b="$b_med" -v v="$m" 'BEGIN { printf "%.2f", b / v }')"
done
echo "  (script / this: the script's median wall-clock time over the build's: how many times as fast; checks: the run's own clock)"
for v in "${built[@]}"; do
  IFS='|' read -r name _ <<<"$v"
  [ "${same[$name]}" = yes ] || echo "  $name: its $checks check results (id and status) DIFFER from the JIT build's" 
done
echo "  every build: $checks checks; ids and statuses identical to the JIT build's: $( [ -z "$(for v in "${built[@]}"; do IFS='|' read -r n _ <<<"$v"; [ "${same[$n]}" = yes ] || echo x; done)" ] && echo yes || echo NO)"
if [ -n "${wall[$shipped]:-}" ]; then
  s_med=$(stat "${wall[$shipped]}" median)
  awk -v b="$b_med" -v v="$s_med" 'BEGIN { r = b / v; printf "  goal (issue 20): the shipped build (Native AOT) at least 3 times as fast as the script: %.2f times -> %s\n", r, (r >= 3 ? "met" : "NOT met") }'
  awk -v v="$s_med" 'BEGIN { printf "  target: under 1000 ms wall-clock -> %s\n", (v < 1000 ? "met" : "NOT met") }'
fi

if [ "${TIMINGS:-0}" = 1 ]; then
  for v in "${built[@]}"; do
    IFS='|' read -r name what cmd <<<"$v"
    echo
    echo "Where the time goes, $name ($what), one run with DBOPS_TIMINGS=1:"
    # shellcheck disable=SC2086
    DBOPS_TIMINGS=1 DBOPS_TIMINGS_T0="$(date +%s%N)" $cmd verify --outputs "$dir/contract.json" --ca-bundle "$dir/ca.pem" --format json 2>&1 >/dev/null \
      | grep -v '^  check ' | sed 's/^/  /'
  done
fi
